import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, launch, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
beforeAll(async () => {
  h = await launch()
  await h.page.setViewportSize({ width: 1440, height: 900 })
})
afterAll(async () => h?.close())

const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'support-ticket.json'), 'utf8'),
) as { steps: { id: string; title: string }[] }
const titleOf = (id: string) => fixture.steps.find((s) => s.id === id)!.title

const stepNode = (page: Page, title: string) => page.locator('.react-flow__node', { hasText: title }).first()

/** Replaces the text of a field as a person does: click into it, select all, type. */
async function retype(page: Page, selector: string, text: string) {
  await page.click(selector)
  await page.keyboard.press('Control+a')
  await page.keyboard.type(text)
}

/** The id in the inspector's "Advanced: id" section. */
async function advancedId(page: Page, kind: 'step' | 'transition'): Promise<string> {
  const details = page.locator('details.id-field')
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click()
  return page.inputValue(`input[name="${kind}-id"]`)
}

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${h.server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  expect(res.ok, `${method} ${path}: ${res.status}`).toBe(true)
  return res.json()
}

async function problemTexts(page: Page): Promise<string[]> {
  return page.locator('[data-testid="problems"] li').allTextContents()
}

describe('the designer reads titles, lints each part and compares versions by property', () => {
  it('ids follow titles until published, problems name steps by title in the reader language, the simulator escalates on SLA breach, and the version diff lists only real changes', async () => {
    const { page } = h
    const owner = await createUser(h.server.url, h.adminToken, 'Owner', 'owner')
    await signIn(page, owner, '#/designer/support-ticket')
    await page.waitForSelector('.react-flow__node')

    // A new step's id follows its title as it is typed.
    await page.locator('.palette-item[data-kind="task"]').click()
    await page.waitForSelector('input[name="step-title"]')
    await expect.poll(() => advancedId(page, 'step')).toBe(`step_${fixture.steps.length + 1}`)
    await retype(page, 'input[name="step-title"]', 'Call the customer back')
    expect(await page.inputValue('input[name="step-title"]')).toBe('Call the customer back')
    await expect.poll(() => advancedId(page, 'step')).toBe('call_the_customer_back')

    // An id typed by hand is checked: a bad one is named and changes nothing.
    await retype(page, 'input[name="step-id"]', 'call back')
    await page.keyboard.press('Enter')
    await page.waitForSelector('[data-testid="id-error"]')
    expect(await page.textContent('[data-testid="id-error"]')).toContain('"call back" is not a valid id')
    expect(await page.inputValue('input[name="step-id"]')).toBe('call back')
    await retype(page, 'input[name="step-id"]', 'identify')
    await page.keyboard.press('Enter')
    expect(await page.textContent('[data-testid="id-error"]')).toContain('"identify" is already used')
    await retype(page, 'input[name="step-id"]', 'callback')
    await page.keyboard.press('Enter')
    await page.waitForSelector('[data-testid="id-error"]', { state: 'detached' })
    await expect.poll(() => advancedId(page, 'step')).toBe('callback')

    // A published step keeps its id when its title changes.
    await page.locator('.react-flow__controls-fitview').click()
    await stepNode(page, titleOf('manager_review')).click()
    await retype(page, 'input[name="step-title"]', 'Supervisor review')
    await expect.poll(() => advancedId(page, 'step')).toBe('manager_review')
    expect(await page.textContent('details.id-field')).toContain('published')

    // A bad SLA duration (the inspector only offers number + unit, so it comes in with a document
    // written elsewhere) is a problem of that step, in words, and every other problem still shows.
    await page.waitForSelector('[data-testid="save-status"][data-state="saved"]')
    const draft = await api(owner, 'GET', '/api/sops/support-ticket')
    const broken = draft.document.steps.find((s: { id: string }) => s.id === 'diagnose')
    broken.sla = { ...broken.sla, due: '4 hours' }
    await api(owner, 'PUT', '/api/sops/support-ticket', { document: draft.document })
    await page.reload()
    await page.waitForSelector('.react-flow__node')
    await page.waitForSelector('[data-testid="problems"] li[data-code="invalid_duration"]')
    const english = await problemTexts(page)
    expect(english).toContain(
      `✗ ${titleOf('diagnose')}: the SLA due time "4 hours" is not a duration such as PT2H (2 hours) or P1D (1 day)`,
    )
    expect(english).toContain(
      '✗ Step "Call the customer back" cannot be reached from the start ("Receive the request")',
    )
    expect(english).toContain(
      '✗ Step "Call the customer back" has no way out: connect it to a next step or make it an end',
    )
    expect(english.join('\n')).not.toMatch(/steps\.\d|callback|diagnose\b/)
    await page.locator('[data-testid="problems"]').scrollIntoViewIfNeeded()
    await h.shot('30-designer-problems-en')

    // The same problems in Vietnamese, still by title.
    await page.selectOption('header select', 'vi')
    await page.waitForSelector('[data-testid="problems"] li:has-text("Không thể đi tới bước")')
    const vietnamese = await problemTexts(page)
    expect(vietnamese).toContain(
      `✗ ${titleOf('diagnose')}: thời hạn SLA "4 hours" không phải khoảng thời gian như PT2H (2 giờ) hay P1D (1 ngày)`,
    )
    expect(vietnamese).toContain(
      '✗ Không thể đi tới bước "Call the customer back" từ điểm bắt đầu ("Receive the request")',
    )
    await page.locator('[data-testid="problems"]').scrollIntoViewIfNeeded()
    await h.shot('31-designer-problems-vi')
    await page.selectOption('header select', 'en')
    await page.waitForSelector('button:has-text("Publish")')

    // Fix the duration to 2 hours; the owner also lets the first step escalate on breach.
    await stepNode(page, titleOf('diagnose')).click()
    await page.selectOption('select[name="step-sla-unit"]', 'hours')
    await retype(page, 'input[name="step-sla"]', '2')
    await page.waitForSelector('[data-testid="problems"] li[data-code="invalid_duration"]', {
      state: 'detached',
    })
    await stepNode(page, 'Call the customer back').click()
    await page.getByRole('button', { name: 'Delete' }).click()
    await page.waitForSelector('[data-testid="problem-count"].ok')
    await page.locator('.react-flow__controls-fitview').click()
    await stepNode(page, titleOf('intake')).click()
    await page.getByLabel('On breach, escalate to').selectOption({ label: 'Supervisor review' })

    // The simulator breaches the SLA: the ticket escalates, and the log says so by title.
    await page.getByRole('tab', { name: 'Simulate' }).click()
    await page.getByRole('button', { name: /Start a test ticket/ }).click()
    await page.waitForSelector('[data-testid="sim-step"]')
    await page.locator('[data-testid="sim-fire-sla"]').click()
    await page.waitForSelector('[data-testid="sim-step"]:has-text("Supervisor review")')
    const log = await page.locator('[data-testid="sim-log"] li').allTextContents()
    expect(log).toEqual([
      `Started at ${titleOf('intake')}`,
      `⏱ SLA of "${titleOf('intake')}" breached after 15 minutes: escalated → Supervisor review`,
    ])
    await page.locator('[data-testid="sim-log"]').scrollIntoViewIfNeeded()
    await h.shot('32-designer-simulator-sla')
    await page.getByRole('button', { name: /Reset/ }).click()

    // One new step, and field-level changes: the comparison lists exactly those.
    await page.getByRole('tab', { name: 'Properties' }).click()
    await page.locator('.palette-item[data-kind="task"]').click()
    await retype(page, 'input[name="step-title"]', 'Send a survey')
    await page.locator('.react-flow__controls-fitview').click()
    await stepNode(page, titleOf('diagnose')).click()
    await page.click('textarea[name="step-instructions"]')
    await page.keyboard.press('Control+End')
    await page.keyboard.type(' Always confirm the fix with the customer.')
    await page.getByRole('tab', { name: 'Versions' }).click()
    await page.getByRole('button', { name: 'compare with draft' }).click()
    await page.waitForSelector('[data-testid="diff"]')
    const parts = page.locator('[data-testid="diff-step"]')
    const listed = await parts.evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-id'), e.querySelector('strong')?.textContent]),
    )
    expect(listed.sort()).toEqual(
      [
        ['diagnose', titleOf('diagnose')],
        ['intake', titleOf('intake')],
        ['manager_review', 'Supervisor review'],
        ['send_a_survey', 'Send a survey'],
      ].sort(),
    )
    expect(await page.locator('[data-testid="diff-transition"], [data-testid="diff-sop"]').count()).toBe(0)
    const diagnose = page.locator('[data-testid="diff-step"][data-id="diagnose"]')
    expect(await diagnose.locator('li').allTextContents()).toEqual(
      expect.arrayContaining(['SLA due PT4H → PT2H', expect.stringMatching(/^instructions changed:/)]),
    )
    expect(await diagnose.locator('ins').allTextContents()).toEqual([
      'Always confirm the fix with the customer.',
    ])
    expect(await page.textContent('[data-testid="diff-step"][data-id="intake"]')).toContain(
      'SLA escalates to added: Supervisor review',
    )
    expect(await page.textContent('[data-testid="diff-step"][data-id="send_a_survey"]')).toContain('added')
    await page.locator('[data-testid="diff"]').scrollIntoViewIfNeeded()
    await h.shot('33-designer-version-diff')
  })
})
