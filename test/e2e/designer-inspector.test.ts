import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, launch, SHOTS, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
let owner = ''
const fixture = () =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'support-ticket.json'), 'utf8'))

beforeAll(async () => {
  h = await launch()
  await h.page.setViewportSize({ width: 1440, height: 900 })
  owner = await createUser(h.server.url, h.adminToken, 'Owner', 'owner')
  await signIn(h.page, owner, '#/designer')
  await h.page.waitForSelector('input[name="new-sop-title"]')
})
afterAll(async () => h?.close())

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${h.server.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return (await res.json()) as any
}

/** A new draft on the server (a copy of the support SOP unless told otherwise), opened in the designer. */
async function open(id: string, edit: (doc: any) => any = (d) => d) {
  const document = edit({ ...fixture(), id })
  await api('POST', '/sops', { document })
  await h.page.goto(`${h.server.url}/#/designer/${id}`)
  await h.page.waitForSelector('[data-testid="canvas"]')
  if (document.steps.length) {
    // The whole flowchart in view (the opening view is fitted by width and may leave steps below).
    await h.page.waitForSelector('.react-flow__node')
    await h.page.locator('.react-flow__controls-fitview').click()
  }
}

const saved = async (id: string) => (await api('GET', `/sops/${id}`)).document

async function save(page: Page) {
  await page.getByRole('button', { name: /Save draft/ }).click()
  await page.waitForSelector('[data-testid="designer-message"]:has-text("Draft saved")')
}

const node = (page: Page, title: string) => page.locator('.react-flow__node', { hasText: title }).first()
const stepForm = (page: Page) => page.getByRole('form', { name: 'Step' })
const transitionForm = (page: Page) => page.getByRole('form', { name: 'Transition' })

/** The accessible name Chromium gives an element (from its ARIA snapshot), '' when it has none. */
async function accessibleName(el: Locator): Promise<string> {
  const snapshot = await el.ariaSnapshot()
  // YAML quotes a line holding a colon: - 'combobox "Effect 1: kind"':
  return /^- '?[\w-]+ "((?:[^"\\]|\\.)*)"/.exec(snapshot)?.[1] ?? ''
}

/** Every input, select and textarea in the side panel has a name; in one form, no two share it. */
async function expectAllLabelled(page: Page, unique: boolean) {
  // Folded sections (the advanced id) are opened as a person would, so their inputs are checked too.
  for (const summary of await page.locator('.designer-side details:not([open]) > summary').all())
    await summary.click()
  const controls = page.locator('.designer-side').locator('input, select, textarea')
  const count = await controls.count()
  expect(count).toBeGreaterThan(0)
  const names: string[] = []
  for (let i = 0; i < count; i++) {
    const name = await accessibleName(controls.nth(i))
    const html = await controls.nth(i).evaluate((el) => el.outerHTML.slice(0, 120))
    expect(name.trim(), `no accessible name: ${html}`).not.toBe('')
    names.push(name)
  }
  if (unique) expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([])
  // A label names one control: no button or second control hides inside it.
  const crowded = await page
    .locator('.designer-side label')
    .evaluateAll(
      (labels) =>
        labels.filter(
          (l) => l.querySelector('button') || l.querySelectorAll('input, select, textarea').length > 1,
        ).length,
    )
  expect(crowded).toBe(0)
}

describe('the designer inspector in Chromium', () => {
  it('renaming a step by typing is one undo step; Undo and Redo are disabled when there is nothing to undo or redo', async () => {
    const { page } = h
    await open('undo-rename')
    const undo = page.getByRole('button', { name: /Undo/ })
    const redo = page.getByRole('button', { name: /Redo/ })
    expect(await undo.isDisabled()).toBe(true)
    expect(await redo.isDisabled()).toBe(true)
    await node(page, 'Receive the request').click()
    const title = stepForm(page).getByLabel('Title', { exact: true })
    await title.click()
    await page.keyboard.press('Control+a')
    await page.keyboard.type('Take the call', { delay: 30 })
    await page.waitForSelector('.react-flow__node:has-text("Take the call")')
    expect(await undo.isEnabled()).toBe(true)
    // Leave the field, then one Ctrl+Z brings the whole old title back.
    await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } })
    await page.keyboard.press('Control+z')
    await page.waitForSelector('.react-flow__node:has-text("Receive the request")')
    expect(await page.locator('.react-flow__node', { hasText: 'Take the' }).count()).toBe(0)
    expect(await page.locator('.react-flow__node', { hasText: /^T$|Take/ }).count()).toBe(0)
    expect(await undo.isDisabled()).toBe(true)
    expect(await redo.isEnabled()).toBe(true)
    // One redo is the whole new title again.
    await redo.click()
    await page.waitForSelector('.react-flow__node:has-text("Take the call")')
    expect(await redo.isDisabled()).toBe(true)
    // Ctrl+Z while the cursor is still in the field also undoes the whole typing at once.
    await node(page, 'Take the call').click()
    await title.click()
    await page.keyboard.press('End')
    await page.keyboard.type(' now', { delay: 30 })
    await page.waitForSelector('.react-flow__node:has-text("Take the call now")')
    await page.keyboard.press('Control+z')
    await page.waitForSelector('.react-flow__node:has-text("Take the call"):not(:has-text("now"))')
    expect(await title.inputValue()).toBe('Take the call')
    // Two fields typed into one after the other are two undo steps.
    await node(page, 'Take the call').click()
    await stepForm(page).getByLabel('Instructions (Markdown)', { exact: true }).click()
    await page.keyboard.press('Control+a')
    await page.keyboard.type('Zebra crossing.', { delay: 20 })
    await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } })
    await page.keyboard.press('Control+z')
    await node(page, 'Take the call').click()
    expect(
      await stepForm(page).getByLabel('Instructions (Markdown)', { exact: true }).inputValue(),
    ).not.toContain('Zebra')
    expect(await stepForm(page).getByLabel('Title', { exact: true }).inputValue()).toBe('Take the call')
  })

  it('moving two selected steps with one drag is one undo step', async () => {
    const { page } = h
    await open('undo-drag')
    const a = node(page, 'Propose the solution')
    const b = node(page, 'Manager review')
    await a.click()
    await b.click({ modifiers: ['Shift'] })
    // Positions once both are selected: selecting opens the inspector, which may move the view.
    await page.waitForTimeout(200)
    const before = [await a.boundingBox(), await b.boundingBox()]
    const box = before[0]!
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 40, { steps: 8 })
    await page.mouse.up()
    await page.waitForTimeout(200)
    expect((await a.boundingBox())!.x).toBeGreaterThan(before[0]!.x + 30)
    expect((await b.boundingBox())!.x).toBeGreaterThan(before[1]!.x + 30)
    await page.getByRole('button', { name: /Undo/ }).click()
    await page.waitForTimeout(200)
    expect(Math.round((await a.boundingBox())!.x)).toBe(Math.round(before[0]!.x))
    expect(Math.round((await b.boundingBox())!.x)).toBe(Math.round(before[1]!.x))
    expect(await page.getByRole('button', { name: /Undo/ }).isDisabled()).toBe(true)
  })

  it('sets an SLA of 2 days by number and unit, saved and exported as P2D; an odd value shows as minutes and is kept', async () => {
    const { page } = h
    await open('sla-days', (doc) => {
      doc.steps.find((s: any) => s.id === 'manager_review').sla.due = 'PT1H30M'
      return doc
    })
    await node(page, 'Diagnose and resolve').click()
    const due = stepForm(page).getByLabel('Due within', { exact: true })
    const unit = stepForm(page).getByLabel('Due within (unit)')
    expect(await due.inputValue()).toBe('4')
    expect(await unit.inputValue()).toBe('hours')
    await due.click({ clickCount: 3 })
    await page.keyboard.type('2')
    await unit.selectOption('days')
    await stepForm(page).getByLabel('On breach, escalate to').selectOption({ label: 'Confirm and close' })
    await stepForm(page).getByLabel('On breach, notify').selectOption({ label: 'Senior agent' })
    await page
      .locator('[data-testid="sla-section"]')
      .screenshot({ path: join(SHOTS, '40-inspector-sla.png') })
    await h.shot('41-inspector-step-sla')

    // PT1H30M reads as 90 minutes; clearing the number names the problem and changes nothing.
    await node(page, 'Manager review').click()
    expect(await due.inputValue()).toBe('90')
    expect(await unit.inputValue()).toBe('minutes')
    await due.click({ clickCount: 3 })
    await page.keyboard.press('Backspace')
    await page.waitForSelector('.sla-section [role="alert"]:has-text("Enter how long")')
    await page.keyboard.type('0')
    await page.waitForSelector('.sla-section [role="alert"]:has-text("greater than 0")')

    // Every kind of step has its SLA section: a group, a decision, a wait, a parallel step.
    for (const title of [
      'Identify and classify',
      'Severity high?',
      "Wait for the customer's",
      'Refund and inform',
    ]) {
      await node(page, title).click({ position: { x: 12, y: 10 } })
      expect(await stepForm(page).getByLabel('Due within', { exact: true }).count(), title).toBe(1)
    }

    await save(page)
    const doc = await saved('sla-days')
    expect(doc.steps.find((s: any) => s.id === 'diagnose').sla).toEqual({
      due: 'P2D',
      escalateTo: 'close_out',
      notify: 'senior_agent',
    })
    expect(doc.steps.find((s: any) => s.id === 'manager_review').sla.due).toBe('PT1H30M')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Export/ }).click(),
    ])
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'))
    expect(exported.steps.find((s: any) => s.id === 'diagnose').sla.due).toBe('P2D')

    // A transition's delay is a number and a unit too: P2D shows as 2 days.
    await page.locator('.react-flow__controls-fitview').click()
    await page.locator('.edge-label', { hasText: 'No answer in 2 days' }).click()
    expect(await transitionForm(page).getByLabel('Delay', { exact: true }).inputValue()).toBe('2')
    expect(await transitionForm(page).getByLabel('Delay (unit)').inputValue()).toBe('days')
    await transitionForm(page).getByLabel('Delay (unit)').selectOption('hours')
    await save(page)
    expect((await saved('sla-days')).transitions.find((t: any) => t.id === 't_timeout').after).toBe('PT2H')
  })

  it('adds effects by form: a choice field offers its options, a number and a boolean field take their type', async () => {
    const { page } = h
    await open('effects-form', (doc) => {
      doc.fields.push({ name: 'callback', label: 'Call back', type: 'boolean' })
      return doc
    })
    await page.locator('.edge-label', { hasText: 'Solution found' }).click()
    const form = transitionForm(page)
    await form.getByRole('button', { name: /Add effect/ }).click()
    await form.getByLabel('Effect 1: field').selectOption({ label: 'Category' })
    const value = form.getByLabel('Effect 1: value')
    expect(
      await value.locator('option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value)),
    ).toEqual(['billing', 'technical', 'delivery', 'other'])
    await value.selectOption('technical')

    await form.getByRole('button', { name: /Add effect/ }).click()
    await form.getByLabel('Effect 2: kind').selectOption({ label: 'Set the priority' })
    await form.getByLabel('Effect 2: priority').selectOption({ label: 'urgent' })

    await form.getByRole('button', { name: /Add effect/ }).click()
    await form.getByLabel('Effect 3: field').selectOption({ label: 'Refund amount (EUR)' })
    await form.getByLabel('Effect 3: value').click({ clickCount: 3 })
    await page.keyboard.type('25.5')

    await form.getByRole('button', { name: /Add effect/ }).click()
    await form.getByLabel('Effect 4: field').selectOption({ label: 'Call back' })
    expect(await form.getByLabel('Effect 4: value').isChecked()).toBe(true)
    await form.getByLabel('Effect 4: value').uncheck()

    await form.getByRole('button', { name: /Add effect/ }).click()
    await form.getByLabel('Effect 5: kind').selectOption({ label: 'Assign to' })
    await form.getByLabel('Effect 5: role').selectOption({ label: 'Supervisor' })
    await form.getByLabel('Effect 5: queue').click()
    await page.keyboard.type('billing_desk')
    await h.shot('42-inspector-effects')
    await page.locator('.effects-editor').screenshot({ path: join(SHOTS, '43-inspector-effects-form.png') })

    await form.getByRole('button', { name: 'Remove effect 2' }).click()
    await save(page)
    const doc = await saved('effects-form')
    expect(doc.transitions.find((t: any) => t.id === 't_solution').effects).toEqual([
      { type: 'set', field: 'category', value: 'technical' },
      { type: 'set', field: 'refund_amount', value: 25.5 },
      { type: 'set', field: 'callback', value: false },
      { type: 'assign', role: 'supervisor', queue: 'billing_desk' },
    ])
    expect(await page.locator('textarea[name="transition-effects"]').count()).toBe(0)
  })

  it('picks roles from those the server knows, adds a custom one, and narrows a transition to a role', async () => {
    const { page } = h
    await open('roles-pick')
    // A step with no roles offers exactly the server's roles.
    const known = (await api('GET', '/roles')).roles as string[]
    expect(known.length).toBeGreaterThan(0)
    await node(page, "Wait for the customer's").click()
    const offered = stepForm(page).locator('.roles-input input[type="checkbox"]')
    expect(await offered.evaluateAll((els) => els.map((e) => e.closest('label')!.title))).toEqual(known)

    await node(page, 'Classify the request').click()
    const form = stepForm(page)
    await form.getByLabel('Supervisor', { exact: true }).check()
    await form.getByLabel('Another role').click()
    await page.keyboard.type('Billing Team')
    await page.keyboard.press('Enter')
    await page.waitForSelector('.roles-input [role="alert"]:has-text("one word")')
    await form.getByLabel('Another role').fill('')
    await page.keyboard.type('billing_team')
    await page.keyboard.press('Enter')
    expect(await form.getByLabel('billing_team', { exact: true }).isChecked()).toBe(true)
    await h.shot('44-inspector-roles')

    await page.locator('.react-flow__controls-fitview').click()
    await page.locator('.edge-label', { hasText: 'Escalate to manager' }).click()
    const tf = transitionForm(page)
    await tf.getByLabel('Senior agent', { exact: true }).check()
    // The custom role is offered on the transition too.
    expect(await tf.getByLabel('billing_team', { exact: true }).count()).toBe(1)
    await h.shot('45-inspector-transition-roles')
    await save(page)
    const doc = await saved('roles-pick')
    expect(doc.steps.find((s: any) => s.id === 'classify').roles).toEqual([
      'agent',
      'senior_agent',
      'supervisor',
      'billing_team',
    ])
    expect(doc.transitions.find((t: any) => t.id === 't_escalate').roles).toEqual(['senior_agent'])
  })

  it('titles new steps in the reader language: Krok 1 and Rozhodnutí? in Czech', async () => {
    const { page } = h
    await open('czech-titles', (doc) => ({ ...doc, steps: [], transitions: [], initial: '', layout: {} }))
    await page.locator('.shell-lang select').selectOption('cs')
    try {
      await page.locator('.palette-item[data-kind="task"]').click()
      // A new step opens with its title ready to type, in the reader's language.
      await page.waitForSelector('.react-flow__node input[value="Krok 1"]')
      const form = page.getByRole('form', { name: 'Krok' })
      expect(await form.getByLabel('Název', { exact: true }).inputValue()).toBe('Krok 1')
      await page.keyboard.press('Enter')
      await page.waitForSelector('.react-flow__node:has-text("Krok 1")')
      await page.locator('.palette-item[data-kind="decision"]').click()
      await page.waitForSelector('.react-flow__node input[value="Rozhodnutí?"]')
      await page.keyboard.press('Enter')
      await page.waitForSelector('.react-flow__node:has-text("Rozhodnutí?")')
      await h.shot('46-inspector-czech')
    } finally {
      await page.locator('.shell-lang select').selectOption('en')
    }
  })

  it('an empty canvas starts blank with a first task, or as a copy of an example SOP', async () => {
    const { page } = h
    const empty = (doc: any) => ({
      ...doc,
      title: 'Blank',
      steps: [],
      transitions: [],
      fields: [],
      initial: '',
      layout: {},
    })
    await open('empty-blank', empty)
    await page.waitForSelector('[data-testid="empty-start"]')
    await h.shot('47-empty-start')
    await page.getByRole('button', { name: /Blank, with a first task/ }).click()
    await page.waitForSelector('.react-flow__node:has-text("Step 1")')
    expect(await page.locator('[data-testid="empty-start"]').count()).toBe(0)
    expect(await stepForm(page).getByLabel('Title', { exact: true }).inputValue()).toBe('Step 1')
    await save(page)
    const blank = await saved('empty-blank')
    // The id is made from the title, as for every new step.
    expect(blank.steps).toEqual([{ id: 'step_1', kind: 'task', title: 'Step 1' }])
    expect(blank.initial).toBe('step_1')

    await open('empty-copy', empty)
    const source = page.getByLabel('Start from a copy of')
    // The list of SOPs to copy arrives after the page; wait until it is there.
    await source.locator('option[value="support-ticket"]').waitFor({ state: 'attached' })
    const titles = await source.locator('option').allTextContents()
    expect(titles).toContain('Support ticket: from first contact to resolution')
    expect(titles).toContain('Quy trình xử lý khiếu nại sản phẩm lỗi')
    await source.selectOption({ label: 'Support ticket: from first contact to resolution' })
    await page.getByRole('button', { name: 'Copy it here' }).click()
    await page.waitForSelector('[data-testid="empty-start"]', { state: 'detached' })
    const example = (await api('GET', '/sops/support-ticket')).document
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(example.steps.length)
    await h.shot('48-empty-start-copied')
    await save(page)
    const copy = await saved('empty-copy')
    expect(copy.title).toBe('Blank')
    expect(copy.id).toBe('empty-copy')
    expect(copy.steps).toEqual(example.steps)
    expect(copy.transitions).toEqual(example.transitions)
    expect(copy.fields).toEqual(example.fields)
    expect(copy.layout).toEqual(example.layout)
    expect(copy.initial).toBe(example.initial)
    // The copy is one undo step: undone, the canvas is empty and offers its start again.
    await page.getByRole('button', { name: /Undo/ }).click()
    await page.waitForSelector('[data-testid="empty-start"]')
  })

  it('labels every input of the SOP panel, the step and transition forms, and no label wraps a button', async () => {
    const { page } = h
    await open('labels', (doc) => {
      doc.transitions
        .find((t: any) => t.id === 't_escalate')
        .effects.push({
          type: 'set',
          field: 'category',
          value: 'billing',
        })
      return doc
    })
    await expectAllLabelled(page, false)
    await node(page, 'Diagnose and resolve').click()
    const instructions = stepForm(page).getByLabel('Instructions (Markdown)', { exact: true })
    expect(await instructions.evaluate((el) => el.tagName)).toBe('TEXTAREA')
    expect(await accessibleName(stepForm(page).getByRole('button', { name: 'Preview' }))).toBe('Preview')
    await expectAllLabelled(page, true)
    await node(page, 'Identify and classify').click({ position: { x: 12, y: 10 } })
    await expectAllLabelled(page, true)
    await page.locator('.react-flow__controls-fitview').click()
    await page.locator('.edge-label', { hasText: 'Escalate to manager' }).click()
    await expectAllLabelled(page, true)
    await page.locator('.edge-label', { hasText: 'No answer in 2 days' }).click()
    await expectAllLabelled(page, true)
  })
})
