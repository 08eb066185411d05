import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, launch, SHOTS, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
let owner = ''
const fixture = () =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'support-ticket.json'), 'utf8'))

const day = [{ from: '08:00', to: '17:00' }]
const work = [
  { from: '07:00', to: '08:00' },
  { from: '17:00', to: '21:00' },
]
const weekend = [
  { from: '08:00', to: '11:30' },
  { from: '13:30', to: '21:00' },
]

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${h.server.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  expect(res.ok, `${method} ${path}: ${res.status}`).toBe(true)
  return (await res.json()) as any
}

beforeAll(async () => {
  h = await launch()
  await h.page.setViewportSize({ width: 1440, height: 900 })
  owner = await createUser(h.server.url, h.adminToken, 'Owner', 'owner')
  // A desk open Monday to Friday 08:00–17:00 UTC, and a bank's contact window: never during the
  // customer's working hours (08:00–17:00) or at lunch at weekends (11:30–13:30), nor on holidays.
  await api('PUT', '/calendars/desk', {
    title: 'Desk',
    timeZone: 'UTC',
    week: { mon: day, tue: day, wed: day, thu: day, fri: day },
  })
  await api('PUT', '/calendars/evenings', {
    title: 'Evenings',
    timeZone: 'Europe/Prague',
    week: { mon: work, tue: work, wed: work, thu: work, fri: work, sat: weekend, sun: weekend },
    holidayRegions: ['CZ'],
  })
  await signIn(h.page, owner, '#/designer')
  await h.page.waitForSelector('input[name="new-sop-title"]')
})
afterAll(async () => h?.close())

const draft = async (id: string) => (await api('GET', `/sops/${id}`)).document

async function open(id: string) {
  await h.page.goto(`${h.server.url}/#/designer/${id}`)
  await h.page.waitForSelector('.react-flow__node')
  await h.page.waitForSelector('[data-testid="save-status"][data-state="saved"]')
  await h.page.locator('.react-flow__controls-fitview').click()
}

async function saveNow(page: Page) {
  await page.keyboard.press('Control+s')
  await page.waitForSelector('[data-testid="save-status"][data-state="saved"]')
}

const node = (page: Page, title: string) => page.locator('.react-flow__node', { hasText: title }).first()
const stepForm = (page: Page) => page.getByRole('form', { name: 'Step' })
const transitionForm = (page: Page) => page.getByRole('form', { name: 'Transition' })
const sopPanel = async (page: Page) => {
  await page.locator('.react-flow__pane').click({ position: { x: 8, y: 8 } })
  await page.waitForSelector('[data-testid="policy-editor"]')
}
const firstReply = (page: Page) =>
  page.locator('[data-testid="policy-target"][data-metric="first_reply"]').first()

describe('the designer’s time forms', () => {
  it('sets a business SLA, a pausing wait, contact windows and a policy target by mouse and keyboard; a reload shows them saved', async () => {
    const { page } = h
    await api('POST', '/sops', { document: { ...fixture(), id: 'time-forms' } })
    await open('time-forms')

    // A business-time SLA: without a calendar (the SOP has none), the problem shows at the calendar.
    await node(page, 'Diagnose and resolve').click()
    await stepForm(page).getByLabel('Counted in').selectOption('business')
    const issue = stepForm(page).locator('.calendar-select [data-testid="field-issue"]')
    await issue.waitFor()
    expect(await issue.textContent()).toBe(
      'Step "Diagnose and resolve" counts its SLA in business time and names no calendar, nor does the SOP: it counts in its team’s calendar, and publishing is refused if the team has none',
    )
    // Shown at the field, it is not repeated at the top of the form.
    expect(await stepForm(page).locator(':scope > p.issue').allTextContents()).not.toContain(
      await issue.textContent(),
    )
    const calendar = stepForm(page).getByLabel('Calendar', { exact: true })
    expect(await calendar.getAttribute('aria-invalid')).toBe('true')
    await calendar.selectOption({ label: 'Desk (UTC)' })
    await issue.waitFor({ state: 'detached' })

    // The wait pauses the ticket's clocks: ticked by keyboard.
    await node(page, "Wait for the customer's").click({ position: { x: 12, y: 10 } })
    await stepForm(page).getByLabel('Pauses the ticket’s clocks').focus()
    await page.keyboard.press('Space')
    expect(await stepForm(page).getByLabel('Pauses the ticket’s clocks').isChecked()).toBe(true)

    // An action that contacts the customer gets the bank's contact window, read as the hours it forbids.
    await page.locator('.edge-label', { hasText: 'Solution sent to the customer' }).click()
    await transitionForm(page)
      .getByLabel('The customer may be contacted only within')
      .selectOption({ label: 'Evenings (Europe/Prague)' })
    const summary = transitionForm(page).locator('[data-testid="window-summary"]')
    await summary.waitFor()
    expect(await summary.locator('li').allTextContents()).toEqual([
      'Mon–Fri: 00:00–07:00, 08:00–17:00, 21:00–24:00',
      'Sat, Sun: 00:00–08:00, 11:30–13:30, 21:00–24:00',
      'public holidays (CZ): all day',
    ])
    await page
      .locator('[data-testid="contact-window"]')
      .screenshot({ path: join(SHOTS, 'time-window-en.png') })
    // The delay waits for the next contact window once it is over.
    await page.locator('.edge-label', { hasText: 'No answer in 2 days' }).click()
    expect(await transitionForm(page).getByLabel('The customer may be contacted only within').count()).toBe(0)
    await transitionForm(page).getByLabel('Then at the next contact window').check()
    await transitionForm(page)
      .getByLabel('The customer may be contacted only within')
      .selectOption({ label: 'Evenings (Europe/Prague)' })

    // A first-reply target for urgent and high tickets, in business time.
    await sopPanel(page)
    await page.locator('button[name="policy-add-first_reply"]').click()
    const target = firstReply(page)
    await target.getByLabel('Urgent', { exact: true }).check()
    await target.getByLabel('High', { exact: true }).check()
    const due = target.getByLabel('Due within', { exact: true })
    await due.click({ clickCount: 3 })
    await page.keyboard.type('1')
    await target.getByLabel('Counted in').selectOption('business')
    // Neither the target nor the SOP names a calendar: the problem shows at the target's calendar.
    const targetIssue = target.locator('[data-testid="field-issue"]')
    await targetIssue.waitFor()
    expect(await targetIssue.textContent()).toContain('The First reply target counts business time')
    await page.getByLabel('Default calendar for business time').selectOption({ label: 'Desk (UTC)' })
    await targetIssue.waitFor({ state: 'detached' })
    // A warning share out of range is named and changes nothing; 75 % is taken.
    const warn = target.getByLabel('Warn at (% of the target)')
    await warn.click()
    await page.keyboard.type('150')
    await target.locator('[role="alert"]:has-text("between 1 and 99")').waitFor()
    await page.keyboard.press('Control+a')
    await page.keyboard.type('75')
    await target.locator('[role="alert"]').waitFor({ state: 'detached' })
    await target.getByLabel('Warn', { exact: true }).selectOption({ label: 'Supervisor' })
    await target.getByLabel('Notify', { exact: true }).selectOption({ label: 'Supervisor' })
    await target.getByLabel('Escalate to step').selectOption({ label: 'Manager review' })
    await target.getByLabel('Raise the priority to').selectOption('urgent')
    // One edit is one undo step.
    await page.locator('.react-flow__pane').click({ position: { x: 8, y: 8 } })
    await page.keyboard.press('Control+z')
    expect(await firstReply(page).getByLabel('Raise the priority to').inputValue()).toBe('')
    expect(await firstReply(page).getByLabel('Escalate to step').inputValue()).toBe('manager_review')
    await page.keyboard.press('Control+Shift+z')
    expect(await firstReply(page).getByLabel('Raise the priority to').inputValue()).toBe('urgent')
    await firstReply(page).scrollIntoViewIfNeeded()
    await h.shot('time-policy-en-1440')

    await saveNow(page)
    const doc = await draft('time-forms')
    expect(doc.calendar).toBe('desk')
    expect(doc.steps.find((s: any) => s.id === 'diagnose').sla).toEqual({
      due: 'PT4H',
      escalateTo: 'manager_review',
      notify: 'supervisor',
      time: 'business',
      calendar: 'desk',
    })
    expect(doc.steps.find((s: any) => s.id === 'wait_customer').pausesClocks).toBe(true)
    expect(doc.transitions.find((t: any) => t.id === 't_proposed').window).toBe('evenings')
    expect(doc.transitions.find((t: any) => t.id === 't_timeout').window).toBe('evenings')
    expect(doc.policy).toEqual({
      targets: [
        {
          metric: 'first_reply',
          priorities: ['urgent', 'high'],
          due: 'PT1H',
          time: 'business',
          warnAt: 0.75,
          warnNotify: 'supervisor',
          notify: 'supervisor',
          escalateTo: 'manager_review',
          raisePriority: 'urgent',
        },
      ],
    })

    // After a reload the forms show what was saved.
    await page.reload()
    await open('time-forms')
    await sopPanel(page)
    expect(await page.getByLabel('Default calendar for business time').inputValue()).toBe('desk')
    const again = firstReply(page)
    expect(await again.getByLabel('Urgent', { exact: true }).isChecked()).toBe(true)
    expect(await again.getByLabel('Low', { exact: true }).isChecked()).toBe(false)
    expect(await again.getByLabel('Due within', { exact: true }).inputValue()).toBe('1')
    expect(await again.getByLabel('Warn at (% of the target)').inputValue()).toBe('75')
    expect(await again.getByLabel('Escalate to step').inputValue()).toBe('manager_review')
    const matrix = await page
      .locator('[data-testid="policy-matrix"] tbody tr')
      .first()
      .locator('td')
      .allTextContents()
    expect(matrix).toEqual(['1 hour (business)', '1 hour (business)', '—', '—'])
    await node(page, 'Diagnose and resolve').click()
    expect(await stepForm(page).getByLabel('Counted in').inputValue()).toBe('business')
    expect(await stepForm(page).getByLabel('Calendar', { exact: true }).inputValue()).toBe('desk')
    await node(page, "Wait for the customer's").click({ position: { x: 12, y: 10 } })
    expect(await stepForm(page).getByLabel('Pauses the ticket’s clocks').isChecked()).toBe(true)
    await page.locator('.edge-label', { hasText: 'No answer in 2 days' }).click()
    expect(await transitionForm(page).getByLabel('Then at the next contact window').isChecked()).toBe(true)
    expect(
      await transitionForm(page).getByLabel('The customer may be contacted only within').inputValue(),
    ).toBe('evenings')

    // A target for some channels goes first (else the general one would shadow it) and has its row in
    // the overview; no ticket field holds the channel, and the problem shows at its channels.
    await sopPanel(page)
    await page.locator('button[name="policy-add-channel-first_reply"]').click()
    const channelTarget = firstReply(page)
    expect(await channelTarget.getByLabel('phone', { exact: true }).isChecked()).toBe(true)
    expect(await channelTarget.locator('.chips .issue').textContent()).toBe(
      'The First reply target applies to some channels, but no ticket field is bound to the ticket’s channel',
    )
    const phoneRow = page.locator('[data-testid="policy-matrix"] tr[data-channel="phone"] td')
    expect(await phoneRow.allTextContents()).toEqual(Array(4).fill('4 hours (business)'))
    // Adding it was one undo step.
    await page.locator('.react-flow__pane').click({ position: { x: 8, y: 8 } })
    await page.keyboard.press('Control+z')
    await phoneRow.first().waitFor({ state: 'detached' })
    expect(await page.locator('[data-testid="policy-target"]').count()).toBe(1)
  })
})

/** A small SOP counting in the desk's hours: a business SLA, a wait that pauses the clocks, a resolution target. */
function clockSop() {
  return {
    schema: 'sopflow/v1',
    id: 'time-clock',
    title: 'Call back',
    department: 'Support',
    purpose: 'Call the customer back within the desk’s hours.',
    calendar: 'desk',
    initial: 'take',
    steps: [
      {
        id: 'take',
        kind: 'task',
        title: 'Take the request',
        sla: { due: 'PT2H', time: 'business', notify: 'supervisor' },
      },
      { id: 'wait', kind: 'wait', title: 'Wait for the customer', pausesClocks: true, waitKind: 'customer' },
      { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
      { id: 'silent', kind: 'end', title: 'No answer', outcome: 'no_response' },
    ],
    transitions: [
      { id: 't_ask', from: 'take', to: 'wait', action: 'ask_customer', label: 'Ask the customer' },
      { id: 't_answer', from: 'wait', to: 'done', action: 'customer_answered', label: 'Customer answered' },
      { id: 't_silent', from: 'wait', to: 'silent', after: 'P1D', label: 'No answer in a day' },
    ],
    policy: { targets: [{ metric: 'resolution', due: 'PT8H', time: 'business', notify: 'supervisor' }] },
  }
}

describe('the simulator’s virtual clock', () => {
  it('shows the simulated now and business countdowns; jumping to the next timer fires the SLA and the log says so', async () => {
    const { page } = h
    await api('POST', '/sops', { document: clockSop() })
    await open('time-clock')
    await page.getByRole('tab', { name: 'Simulate' }).click()
    // The draft counts in the desk's hours: with its calendar loaded, its paths are listed before a ticket starts.
    await page.locator('[data-testid="simulator"] summary:has-text("All paths (2)")').waitFor()
    await page.getByRole('button', { name: /Start a test ticket/ }).click()
    await page.waitForSelector('[data-testid="sim-clock"]')
    const now = page.locator('[data-testid="sim-now"]')
    expect(await now.getAttribute('data-now')).toBe('2026-01-05T08:00:00.000Z')
    const countdown = page.locator('[data-testid="sim-countdown"]')
    const texts = async () => (await countdown.allTextContents()).map((x) => x.replace(/\s/g, ' '))
    expect(await texts()).toEqual([
      'SLA of “Take the request” due Jan 5, 2026, 10:00 AM · 2 h 0 min of business time left',
      'Resolution target due Jan 5, 2026, 4:00 PM · 8 h 0 min of business time left',
    ])

    await page.getByRole('button', { name: 'Jump to the next timer' }).click()
    await page.waitForSelector('[data-testid="sim-now"][data-now="2026-01-05T10:00:00.000Z"]')
    expect(await page.locator('[data-testid="sim-log"] li').allTextContents()).toEqual([
      'Started at Take the request',
      '⏱ SLA of "Take the request" breached after 2 hours: supervisor notified, the ticket stays at Take the request',
    ])

    // Waiting on the customer holds the resolution clock: it shows paused.
    await page.locator('[data-sim-action="ask_customer"]').click()
    const paused = page.locator('[data-testid="sim-countdown"][data-paused="true"]')
    await paused.waitFor()
    expect(await paused.textContent()).toBe('Resolution target ⏸ paused · 5 h 55 min of business time left')
    await page.locator('[data-testid="sim-clock"]').screenshot({ path: join(SHOTS, 'time-sim-clock-en.png') })

    // A jump to a time before the simulated now is refused; a later one fires the day's delay on the way.
    const jumpTo = page.getByLabel('Jump to', { exact: true })
    await jumpTo.fill('2026-01-05T09:00')
    await page.getByRole('button', { name: 'Jump', exact: true }).click()
    await page
      .locator('[data-testid="sim-clock"] [role="alert"]:has-text("after the simulated now")')
      .waitFor()
    expect(await now.getAttribute('data-now')).toBe('2026-01-05T10:05:00.000Z')
    await jumpTo.fill('2026-01-09T18:00')
    await jumpTo.press('Enter')
    await page.waitForSelector('[data-testid="sim-finished"]')
    expect((await page.locator('[data-testid="sim-log"] li').allTextContents()).slice(2)).toEqual([
      'Ask the customer → Wait for the customer',
      '⏱ after 1 day: No answer in a day → No answer',
    ])
  })
})

describe('the time forms in each language, on a wide and a narrow screen', () => {
  it('reads in en, vi and cs, and nothing overflows at 390 px', async () => {
    const { page } = h
    const words = {
      en: { policy: 'SLA policy per ticket', clock: 'Simulated now:' },
      vi: { policy: 'Chính sách SLA theo phiếu', clock: 'Thời điểm mô phỏng:' },
      cs: { policy: 'Politika SLA pro tikety', clock: 'Simulovaný čas:' },
    }
    /** Screenshots of one part wide and narrow; at each width none of its elements reaches past the screen. */
    const both = async (lang: string, name: string, selector: string) => {
      for (const [w, hgt] of [
        [1440, 900],
        [390, 844],
      ]) {
        await page.setViewportSize({ width: w, height: hgt })
        await page.locator(selector).first().scrollIntoViewIfNeeded()
        await page.screenshot({ path: join(SHOTS, `time-${name}-${lang}-${w}.png`) })
        const over = await page
          .locator(`${selector}, ${selector} *`)
          .evaluateAll(
            (els, width) =>
              els
                .filter((el) => el.getBoundingClientRect().right > width + 0.5)
                .map((el) => el.outerHTML.slice(0, 80)),
            w,
          )
        expect(over, `${name} ${lang} ${w}`).toEqual([])
      }
      await page.setViewportSize({ width: 1440, height: 900 })
    }
    for (const [lang, text] of Object.entries(words)) {
      await page.evaluate((l) => localStorage.setItem('sopflow.lang', l), lang)
      await page.reload()
      await open('time-forms')
      await sopPanel(page)
      expect(await page.locator('[data-testid="policy-editor"] > legend').textContent()).toBe(text.policy)
      await both(lang, 'policy', '[data-testid="policy-editor"]')
      await node(page, 'Diagnose and resolve').click()
      await both(lang, 'sla', '[data-testid="sla-section"]')
      await page.locator('.edge-label', { hasText: 'Solution sent to the customer' }).click()
      await both(lang, 'window', '[data-testid="contact-window"]')
      // The simulator's clock.
      await page.goto(`${h.server.url}/#/designer/time-clock`)
      await page.waitForSelector('.react-flow__node')
      await page.locator('[role="tab"]').nth(1).click()
      await page.locator('[data-testid="simulator"] button.primary').click()
      const clock = page.locator('[data-testid="sim-clock"]')
      await clock.waitFor()
      expect(await clock.textContent()).toContain(text.clock)
      await both(lang, 'sim', '[data-testid="sim-clock"]')
    }
    await page.evaluate(() => localStorage.setItem('sopflow.lang', 'en'))
  })
})
