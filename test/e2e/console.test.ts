import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, launch, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
beforeAll(async () => {
  h = await launch()
})
afterAll(async () => h?.close())

describe('agent, auditor and supervisor in Chromium', () => {
  let ticketUrl = ''

  it('an agent takes a ticket from intake to resolution, with a blocked action and an escalation', async () => {
    const { page } = h
    const agent = await createUser(h.server.url, h.adminToken, 'Lan Nguyễn', 'agent')
    const senior = await createUser(h.server.url, h.adminToken, 'Petr Novák', 'senior_agent')
    await signIn(page, agent)
    await page.getByRole('button', { name: 'New ticket' }).click()
    await page.selectOption('select[name="channel"]', 'phone')
    await page.selectOption('select[name="sop"]', 'support-ticket')
    await page.fill('input[name="subject"]', 'Thẻ bị trừ tiền hai lần')
    await page.fill('input[name="customer-name"]', 'Nguyễn Thị Hoa')
    await page.fill('input[name="customer-phone"]', '+84 90 111 2222')
    // A phone call is assigned to whoever takes it, unless they say otherwise.
    expect(await page.isChecked('input[name="assign-to-me"]')).toBe(true)
    await page.uncheck('input[name="assign-to-me"]')
    await h.shot('01-intake')
    await page.getByRole('button', { name: 'Open ticket' }).click()
    await page.waitForSelector('h2:has-text("Receive the request")')
    ticketUrl = page.url()
    await page.getByRole('button', { name: 'Take this ticket' }).click()
    await page.waitForSelector('button:has-text("Take this ticket")', { state: 'detached' })

    // Blocked: the required fields are empty.
    await page.click('button[data-action="start"]')
    await page.waitForSelector('[data-testid="problem"]')
    expect(await page.textContent('[data-testid="problem"]')).toContain('Customer name')
    await h.shot('02-blocked')

    await page.fill('input[name="field-customer_name"]', 'Nguyễn Thị Hoa')
    await page.fill('textarea[name="field-problem_summary"]', 'Card charged twice for one order')
    await page.check('input[name="tick-intake-greet"]')
    await page.check('input[name="tick-intake-listen"]')
    await page.click('button[data-action="start"]')
    await page.waitForSelector('h2:has-text("Identify the customer")')
    await page.fill('input[name="field-contact_phone"]', '+84 90 111 2222')
    await page.check('input[name="tick-identify-two_factors"]')
    await page.keyboard.press('Tab')
    await page.click('button[data-action="identity_confirmed"]')
    await page.waitForSelector('h2:has-text("Classify the request")')
    await page.selectOption('select[name="field-category"]', 'billing')
    await page.selectOption('select[name="field-severity"]', 'medium')
    await page.click('button[data-action="classified"]')
    await page.waitForSelector('h2:has-text("Diagnose and resolve")')
    await page.fill('textarea[name="note"]', 'Customer calm; bank statement received.')
    await page.getByRole('button', { name: 'Add note' }).click()
    await page.waitForSelector('.note-list li')
    await h.shot('03-diagnose')
    // Escalation is one action away.
    await page.click('button[data-action="escalate"]')
    await page.waitForSelector('h2:has-text("Manager review")')
    expect(await page.isDisabled('button[data-action="manager_resolved"]')).toBe(true)

    await signIn(page, senior, ticketUrl.slice(ticketUrl.indexOf('#')))
    await page.waitForSelector('h2:has-text("Manager review")')
    await page.check('input[name="tick-manager_review-called_back"]')
    await page.click('button[data-action="manager_resolved"]')
    await page.waitForSelector('h2:has-text("Confirm and close")')
    await page.fill('textarea[name="field-resolution_summary"]', 'Duplicate charge reversed by the bank.')
    await page.check('input[name="tick-close_out-confirmed"]')
    await page.click('button[data-action="close"]')
    await page.waitForFunction(
      () => document.querySelector('[data-testid="ticket-status"]')?.textContent === 'Resolved',
    )
    // The customer's satisfaction answers, recorded on the ticket.
    await page.selectOption('select[name="survey-csat"]', '5')
    await page.selectOption('select[name="survey-nps"]', '9')
    await page.selectOption('select[name="survey-ces"]', '2')
    await page.getByRole('button', { name: 'Record answers' }).click()
    await page.waitForSelector('text=Answers recorded')
    await h.shot('04-resolved')
  })

  it('an auditor scrubs through the history and sees it verified, then sees tampering fail', async () => {
    const { page } = h
    const auditor = await createUser(h.server.url, h.adminToken, 'Jana Auditorová', 'auditor')
    const id = ticketUrl.split('/').pop()!
    await signIn(page, auditor, '#/audit')
    await page.click(`a[href="#/audit/${id}"]`)
    await page.waitForSelector('[data-testid="verified"]')
    await page.waitForSelector('.react-flow__node')
    const scrubber = page.locator('input[name="scrubber"]')
    // The refused click on the blocked action is a record of its own, before the action that succeeded.
    const titles = await page.locator('.audit-timeline .timeline-title').allTextContents()
    expect(titles.slice(0, 5)).toEqual([
      'Ticket opened in “Receive the request”',
      'Taken by Lan Nguyễn',
      'Refused attempt: Request noted',
      'Request noted → Identify the customer',
      "Customer's identity confirmed → Classify the request",
    ])
    await scrubber.fill('4')
    expect(await page.textContent('[data-testid="entry-detail"]')).toContain(
      "Customer's identity confirmed → Classify the request",
    )
    expect(await page.locator('.step.is-active').count()).toBeGreaterThan(0)
    await h.shot('05-audit-verified')

    const db = new Database(h.dbPath)
    db.exec('DROP TRIGGER audit_append_only_update')
    // The record of "Request noted", which carries the customer's name the agent filled in.
    const row = db
      .prepare(
        "SELECT seq, payload FROM audit WHERE ticket_id = ? AND type = 'transition' ORDER BY seq LIMIT 1",
      )
      .get(id) as { seq: number; payload: string }
    expect(row.payload).toContain('Nguyễn Thị Hoa')
    db.prepare('UPDATE audit SET payload = ? WHERE ticket_id = ? AND seq = ?').run(
      row.payload.replace('Nguyễn Thị Hoa', 'Someone Else'),
      id,
      row.seq,
    )
    db.close()
    await page.reload()
    await page.waitForSelector('[data-testid="verify-failed"]')
    expect(await page.textContent('[data-testid="verify-failed"]')).toContain(`record ${row.seq}`)
    await h.shot('06-audit-failed')
  })

  it('the supervisor dashboard counts the ticket', async () => {
    const { page } = h
    const supervisor = await createUser(h.server.url, h.adminToken, 'Minh Trần', 'supervisor')
    await signIn(page, supervisor, '#/dashboard')
    await page.waitForSelector('[data-kpi="tickets"]')
    expect(await page.textContent('[data-kpi="tickets"] .kpi-value')).toBe('1')
    expect(await page.textContent('[data-kpi="atht"] .kpi-value')).not.toBe('—')
    expect(await page.textContent('[data-kpi="csat"] .kpi-value')).toBe('5.0')
    // Escalated to a senior agent: not resolved at first contact.
    expect(await page.textContent('[data-kpi="fcr"] .kpi-value')).toBe('0 %')
    await page.waitForSelector('.react-flow__node:has-text("Manager review")')
    expect(await page.textContent('[data-kpi="nps"] .kpi-value')).toBe('100')
    await page.waitForSelector('.react-flow__node')
    await h.shot('07-dashboard')
  })
})
