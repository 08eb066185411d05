import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, launch, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
beforeAll(async () => {
  h = await launch()
})
afterAll(async () => h?.close())

async function node(page: Page, title: string) {
  return page.locator('.react-flow__node', { hasText: title }).first()
}

async function connect(page: Page, from: string, to: string) {
  await page.locator('.react-flow__controls-fitview').click()
  await page.waitForTimeout(200)
  const edges = await page.locator('.react-flow__edge').count()
  for (
    let attempt = 0;
    attempt < 3 && (await page.locator('.react-flow__edge').count()) === edges;
    attempt++
  ) {
    const source = (await node(page, from)).locator('.react-flow__handle-bottom')
    const target = (await node(page, to)).locator('.react-flow__handle-top')
    const a = (await source.boundingBox())!
    const b = (await target.boundingBox())!
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2)
    await page.mouse.down()
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2 + 20, { steps: 3 })
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 10 })
    await page.mouse.up()
    await page.waitForTimeout(200)
  }
  await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(edges + 1)
}

async function dropStep(page: Page, kind: string, x: number, y: number) {
  const canvas = (await page.locator('[data-testid="canvas"]').boundingBox())!
  await page.locator(`.palette-item[data-kind="${kind}"]`).dragTo(page.locator('[data-testid="canvas"]'), {
    targetPosition: { x: x - 0 * canvas.x, y },
  })
}

describe('the SOP designer in Chromium', () => {
  it('a process owner builds an SOP from an empty canvas, fixes what the validator shows, simulates, publishes, and finds it unchanged', async () => {
    const { page } = h
    const owner = await createUser(h.server.url, h.adminToken, 'Owner', 'owner')
    await signIn(page, owner, '#/designer')
    await page.fill('input[name="new-sop-title"]', 'Vrácení zboží')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.waitForSelector('[data-testid="canvas"]')

    // The SOP panel: department, purpose and a choice field.
    await page.fill('input[name="sop-department"]', 'Zákaznický servis')
    await page.fill('textarea[name="sop-purpose"]', 'Každé vrácení zboží vyřídit stejně.')
    await page.click('button[name="add-field"]')
    await page.fill('input[name="field-name-0"]', 'fault')
    await page.fill('input[name="field-label-0"]', 'Zavinění')
    await page.selectOption('select[name="field-type-0"]', 'choice')
    await page.fill('input[name="field-0-option-value-0"]', 'company')
    // Enter adds a row that has the focus before the next key event is handled (not a frame later,
    // when keys typed meanwhile would have gone into the first option).
    const focused = await page.evaluate(async () => {
      const first = document.querySelector<HTMLInputElement>('input[name="field-0-option-value-0"]')!
      first.focus()
      first.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }))
      await Promise.resolve()
      await Promise.resolve()
      return (document.activeElement as HTMLInputElement | null)?.name
    })
    expect(focused).toBe('field-0-option-value-1')
    await page.keyboard.type('customer')
    expect(await page.inputValue('input[name="field-0-option-value-0"]')).toBe('company')

    // Steps by drag and drop from the palette.
    await dropStep(page, 'task', 500, 80)
    await page.fill('input[name="step-title"]', 'Přijmout žádost')
    await dropStep(page, 'decision', 500, 260)
    await page.fill('input[name="step-title"]', 'Kdo zavinil?')
    await dropStep(page, 'end', 300, 440)
    await page.fill('input[name="step-title"]', 'Vyměněno')
    await dropStep(page, 'end', 700, 440)
    await page.fill('input[name="step-title"]', 'Vysvětleno')
    await page.locator('select[name="step-outcome"]').selectOption('')
    await h.shot('10-designer-steps')

    // The validator names what is wrong.
    await page.waitForSelector('[data-testid="problem-count"].danger')
    const problems = await page.textContent('[data-testid="problems"]')
    expect(problems).toMatch(/no way out|outcome/)

    // Connect by mouse, and give the decision its guards.
    await connect(page, 'Přijmout žádost', 'Kdo zavinil?')
    await connect(page, 'Kdo zavinil?', 'Vyměněno')
    await page.fill('input[name="transition-guard"]', 'ticket.fault ==')
    await page.waitForSelector('[data-testid="guard-error"]')
    await page.fill('input[name="transition-guard"]', 'ticket.fault == "company"')
    await page.waitForSelector('[data-testid="guard-error"]', { state: 'detached' })
    await connect(page, 'Kdo zavinil?', 'Vysvětleno')
    // Fix the missing outcome by selecting the problem.
    await page.locator('[data-testid="problems"] button', { hasText: 'outcome' }).click()
    await page.locator('select[name="step-outcome"]').selectOption('resolved')
    await page.waitForSelector('[data-testid="problem-count"].ok')
    // The task needs its field before the decision reads it (the problem list zoomed in on the end
    // step; fit the view to see the task again).
    await page.locator('.react-flow__controls-fitview').click()
    await (await node(page, 'Přijmout žádost')).click()
    await page.getByLabel('Zavinění').check()
    // Automatic layout (elkjs) tidies the flowchart.
    await page.getByRole('button', { name: /Auto layout/ }).click()
    await page.waitForSelector('[data-testid="auto-layout"][aria-busy="false"]')
    await page.waitForTimeout(200)
    await page.locator('.react-flow__controls-fitview').click()
    await page.waitForTimeout(300)
    await h.shot('11-designer-valid')

    // Clicking a transition's label selects the transition.
    await page.locator('.edge-label', { hasText: 'ticket.fault == "company"' }).click()
    expect(await page.inputValue('input[name="transition-guard"]')).toBe('ticket.fault == "company"')

    // Labels are edited in place: double-click a step's title.
    await (await node(page, 'Vysvětleno')).locator('.step-title').dblclick()
    await page.locator('.step-title-input').fill('Vysvětleno zákazníkovi')
    await page.keyboard.press('Enter')
    await page.waitForSelector('.react-flow__node:has-text("Vysvětleno zákazníkovi")')

    // Undo and redo.
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } })
    const before = await page.locator('.react-flow__node').count()
    await page.keyboard.press('Control+z')
    await page.keyboard.press('Control+Shift+z')
    expect(await page.locator('.react-flow__node').count()).toBe(before)

    // Simulate to the end.
    await page.getByRole('tab', { name: 'Simulate' }).click()
    await page.getByRole('button', { name: /Start a test ticket/ }).click()
    await page.waitForSelector('[data-testid="sim-step"]')
    await page.locator('[data-sim-action]').first().click()
    await page.waitForSelector('[data-testid="sim-blocked"]')
    await page.selectOption('select[name="sim-fault"]', 'company')
    await page.locator('[data-sim-action]').first().click()
    await page.waitForSelector('[data-testid="sim-finished"]')
    expect(await page.textContent('[data-testid="sim-finished"]')).toContain('resolved')
    await h.shot('12-designer-simulated')

    // Publish, reload, unchanged.
    await page.getByRole('button', { name: 'Publish' }).click()
    await page.waitForSelector('[data-testid="designer-message"]:has-text("Published version 1")')
    const saved = await page.evaluate(async () => {
      const token = localStorage.getItem('sopflow.token')
      const r = await fetch('/api/sops/vraceni-zbozi', { headers: { authorization: `Bearer ${token}` } })
      return (await r.json()).document
    })
    await page.reload()
    await page.waitForSelector('.react-flow__node')
    const again = await page.evaluate(async () => {
      const token = localStorage.getItem('sopflow.token')
      const r = await fetch('/api/sops/vraceni-zbozi', { headers: { authorization: `Bearer ${token}` } })
      return (await r.json()).document
    })
    expect(again).toEqual(saved)
    expect(await page.locator('.react-flow__node').count()).toBe(4)
    expect(saved.steps.map((s: { title: string }) => s.title)).toEqual([
      'Přijmout žádost',
      'Kdo zavinil?',
      'Vyměněno',
      'Vysvětleno zákazníkovi',
    ])
    expect(saved.transitions.find((t: { guard?: string }) => t.guard)?.guard).toBe(
      'ticket.fault == "company"',
    )
    await h.shot('13-designer-reloaded')
    await page.goto(`${h.server.url}/#/designer/vraceni-zbozi/print`)
    await page.waitForSelector('.print-view h1')
    expect(await page.textContent('.print-view')).toContain('Zákaznický servis')
    await h.shot('14-designer-print')
  })

  it('moves a step into a group by dragging it there', async () => {
    const { page } = h
    await page.goto(`${h.server.url}/#/designer`)
    await page.fill('input[name="new-sop-title"]', 'Groups')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.waitForSelector('[data-testid="canvas"]')
    await dropStep(page, 'group', 200, 150)
    await dropStep(page, 'task', 650, 500)
    await page.locator('.react-flow__controls-fitview').click()
    await page.waitForTimeout(300)
    const a = (await (await node(page, 'Step')).boundingBox())!
    const g = (await (await node(page, 'Group')).boundingBox())!
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2)
    await page.mouse.down()
    await page.mouse.move(g.x + g.width / 2, g.y + g.height / 2, { steps: 12 })
    await page.mouse.up()
    await page.getByRole('button', { name: /Save draft/ }).click()
    await page.waitForSelector('[data-testid="designer-message"]:has-text("Draft saved")')
    const doc = await page.evaluate(async () => {
      const r = await fetch('/api/sops/groups', {
        headers: { authorization: `Bearer ${localStorage.getItem('sopflow.token')}` },
      })
      return (await r.json()).document
    })
    const task = doc.steps.find((s: { kind: string }) => s.kind === 'task')
    expect(task.parent).toBe('group')
    expect(doc.steps.find((s: { kind: string }) => s.kind === 'group').initial).toBe(task.id)
    await h.shot('15-designer-group')
  })
})
