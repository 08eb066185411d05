import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importSop } from '../../server/start.ts'
import { createUser, launch, signIn, tokenSignIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
let agent = ''
beforeAll(async () => {
  h = await launch()
  agent = await createUser(h.server.url, h.adminToken, 'Lan Nguyễn', 'agent')
})
afterAll(async () => h?.close())

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${h.server.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return (await res.json()) as any
}

/** A support ticket taken by the agent, moved to the diagnosis step through the API. */
async function ticketAtDiagnosis(subject: string): Promise<string> {
  let v = await api(agent, 'POST', '/tickets', { sopId: 'support-ticket', channel: 'email', subject })
  const id = v.ticket.id
  v = await api(agent, 'POST', `/tickets/${id}/claim`, { version: v.ticket.version })
  const steps: [string, Record<string, unknown>, Record<string, string[]>][] = [
    ['start', { customer_name: 'Hoa', problem_summary: 'Charged twice' }, { intake: ['greet', 'listen'] }],
    ['identity_confirmed', { contact_phone: '+84 90 111 2222' }, { identify: ['two_factors'] }],
    ['classified', { category: 'billing', severity: 'low' }, {}],
  ]
  for (const [action, fields, ticks] of steps)
    v = await api(agent, 'POST', `/tickets/${id}/actions`, {
      action,
      fields,
      ticks,
      version: v.ticket.version,
    })
  expect(v.prompt.steps[0].stepId).toBe('diagnose')
  // The knowledge base is checked, so only the refund's condition still blocks it.
  v = await api(agent, 'POST', `/tickets/${id}/update`, {
    ticks: { diagnose: ['kb'] },
    version: v.ticket.version,
  })
  return id
}

async function setLanguage(page: Page, lang: string) {
  await page.evaluate((l) => localStorage.setItem('sopflow.lang', l), lang)
  await page.reload()
}

describe('the agent at the desk, in Chromium', () => {
  it('keeps typed field values and ticks when a note is added and when an action is refused', async () => {
    const { page } = h
    const v = await api(agent, 'POST', '/tickets', {
      sopId: 'support-ticket',
      channel: 'email',
      subject: 'Keeps what I typed',
      assignToMe: true,
    })
    await signIn(page, agent, `#/tickets/${v.ticket.id}`)
    await page.waitForSelector('h2:has-text("Receive the request")')
    await page.fill('textarea[name="field-problem_summary"]', 'Card charged twice for one order')
    await page.check('input[name="tick-intake-greet"]')
    await page.fill('textarea[name="note"]', 'Customer calm.')
    await page.getByRole('button', { name: 'Add note' }).click()
    await page.waitForSelector('.note-list li:has-text("Customer calm.")')
    expect(await page.inputValue('textarea[name="field-problem_summary"]')).toBe(
      'Card charged twice for one order',
    )
    expect(await page.isChecked('input[name="tick-intake-greet"]')).toBe(true)
    // The reason beside the action follows what was typed, before anything is saved.
    const before = (await page.textContent('[data-testid="blocked-start"]')) ?? ''
    expect(before).toContain('Customer name')
    expect(before).not.toContain('Problem summary')
    // A refused action (the customer's name is missing) keeps them too, and says why beside it.
    await page.click('button[data-action="start"]')
    const reason = page.locator('.action:has(button[data-action="start"]) [data-testid="problem"]')
    await reason.waitFor()
    expect(await reason.textContent()).toContain('Customer name')
    expect(await page.inputValue('textarea[name="field-problem_summary"]')).toBe(
      'Card charged twice for one order',
    )
    expect(await page.isChecked('input[name="tick-intake-greet"]')).toBe(true)
  })

  it('shows a blocked action’s reason beside it in Vietnamese, with field labels and no CEL unless asked', async () => {
    const { page } = h
    const id = await ticketAtDiagnosis('Hoàn tiền')
    await signIn(page, agent, `#/tickets/${id}`)
    await setLanguage(page, 'vi')
    await page.waitForSelector('h2:has-text("Diagnose and resolve")')
    const blocked = page.locator('[data-testid="blocked-refund_needed"]')
    const text = (await blocked.textContent()) ?? ''
    expect(text).toContain('Chưa thể thực hiện, cần: Refund amount (EUR)')
    expect(await blocked.locator('code').isVisible()).toBe(false)
    expect(await blocked.innerText()).not.toContain('ticket.refund_amount')
    await blocked.locator('summary').click()
    expect(await blocked.locator('code').innerText()).toContain('ticket.refund_amount > 0.0')
    // The field the condition reads can be filled on the ticket page, which unblocks the action.
    await page.fill('input[name="field-refund_amount"]', '25')
    await page.click('button[data-action="refund_needed"]')
    await page.waitForSelector('h2:has-text("Process the refund")')
    await setLanguage(page, 'en')
  })

  it('draws the main way forward as the primary button and cancelling as a danger, in view at 900 px', async () => {
    const { page } = h
    const id = await ticketAtDiagnosis('Tones')
    await page.goto(`/#/tickets/${id}`)
    await page.waitForSelector('h2:has-text("Diagnose and resolve")')
    expect(await page.getAttribute('button[data-action="solution_found"]', 'class')).toBe('primary')
    expect(await page.getAttribute('button[data-action="escalate"]', 'class')).toBe('danger')
    expect(await page.getAttribute('button[data-action="refund_needed"]', 'class')).toBe('secondary')
    const box = await page.locator('button[data-action="solution_found"]').boundingBox()
    expect(box!.y + box!.height).toBeLessThanOrEqual(900)
  })

  it('fills bound fields from intake and assigns a phone call to its creator', async () => {
    const { page } = h
    const admin = (await h.server.storage.listUsers())[0]
    const doc = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'support-ticket.json'), 'utf8'),
    )
    await importSop(h.server.storage, doc, admin.id, new Date().toISOString())
    await signIn(page, agent)
    await page.getByRole('button', { name: 'New ticket' }).click()
    await page.selectOption('select[name="sop"]', 'support-ticket')
    await page.fill('input[name="subject"]', 'Thẻ bị trừ tiền hai lần')
    await page.fill('input[name="customer-name"]', 'Nguyễn Thị Hoa')
    await page.fill('input[name="customer-phone"]', '+84 90 111 2222')
    expect(await page.isChecked('input[name="assign-to-me"]')).toBe(true)
    await page.getByRole('button', { name: 'Open ticket' }).click()
    await page.waitForSelector('h2:has-text("Receive the request")')
    expect(await page.inputValue('input[name="field-customer_name"]')).toBe('Nguyễn Thị Hoa')
    expect(await page.locator('button:has-text("Take this ticket")').count()).toBe(0)
    const id = page.url().split('/').pop()!
    const view = await api(agent, 'GET', `/tickets/${id}`)
    const me = await api(agent, 'GET', '/me')
    expect(view.ticket.assigneeId).toBe(me.id)
    expect(view.ticket.state.context.fields.customer_name).toBe('Nguyễn Thị Hoa')
    // An e-mail keeps the ticket unassigned unless the agent asks otherwise.
    await page.goto('/#/inbox')
    await page.getByRole('button', { name: 'New ticket' }).click()
    await page.selectOption('select[name="channel"]', 'email')
    expect(await page.isChecked('input[name="assign-to-me"]')).toBe(false)
  })

  it('finds tickets by customer phone and subject in the inbox search', async () => {
    const { page } = h
    const petr = await api(agent, 'POST', '/customers', { name: 'Petr Novák', phone: '+420 601 234 567' })
    await api(agent, 'POST', '/tickets', {
      sopId: 'support-ticket',
      channel: 'phone',
      subject: 'Router nefunguje',
      customerId: petr.id,
      assignToMe: true,
    })
    await signIn(page, agent)
    await page.waitForSelector('table.tickets')
    expect(await page.locator('table.tickets tbody tr').count()).toBeGreaterThan(1)
    await page.fill('input[name="ticket-search"]', '601 234')
    await page.waitForFunction(() => document.querySelectorAll('table.tickets tbody tr').length === 1)
    expect(await page.textContent('table.tickets tbody')).toContain('Router nefunguje')
    await page.fill('input[name="ticket-search"]', 'trừ tiền')
    await page.waitForFunction(() =>
      document.querySelector('table.tickets tbody')?.textContent?.includes('Thẻ bị trừ tiền'),
    )
    expect(await page.locator('table.tickets tbody tr').count()).toBe(1)
    // The desk's shortcuts are listed under `?`.
    await page.click('h1')
    await page.keyboard.press('?')
    await page.waitForSelector('dialog[open]:has-text("Keyboard shortcuts")')
    await page.keyboard.press('Escape')
  })

  it('lands each role on its own page, offering only its pages', async () => {
    const { page } = h
    const cases = [
      ['agent', '#/inbox', ['Inbox']],
      ['owner', '#/designer', ['Designer', 'Calendars', 'Dashboard', 'Channels']],
      ['supervisor', '#/dashboard', ['Inbox', 'Audit', 'Dashboard']],
      ['auditor', '#/audit', ['Audit', 'Dashboard', 'Admin log']],
    ] as const
    for (const [role, landing, nav] of cases) {
      const token = role === 'agent' ? agent : await createUser(h.server.url, h.adminToken, `${role} 1`, role)
      // A fresh load of the bare address, signed out, as a person opening the app would.
      await page.evaluate(() => localStorage.clear())
      await page.goto(`/?as=${role}`)
      await tokenSignIn(page, token)
      await page.waitForFunction((hash) => location.hash === hash, landing)
      await page.waitForSelector('.shell-nav a')
      expect(await page.locator('.shell-nav a').allInnerTexts(), role).toEqual(nav)
    }
    // A page the role may not use sends it to its own.
    await signIn(page, agent, '#/designer')
    await page.waitForSelector('h1:has-text("Inbox")')
    expect(await page.evaluate(() => location.hash)).toBe('#/inbox')
  })

  it('says a wrong token is not valid and stays on the sign-in form', async () => {
    const { page } = h
    await signIn(page, 'not-a-real-token', '')
    const error = page.locator('[data-testid="sign-in-error"]')
    await error.waitFor()
    expect(await error.textContent()).toBe('This token is not valid. Check it and try again.')
    expect(await page.locator('.shell-nav').count()).toBe(0)
    expect(await page.evaluate(() => localStorage.getItem('sopflow.token'))).toBeNull()
  })

  it('works the desk by keyboard: j/k and Enter in the inbox, n for a note, a number runs an action', async () => {
    const { page } = h
    const v = await api(agent, 'POST', '/tickets', {
      sopId: 'support-ticket',
      channel: 'chat',
      subject: 'Spam by keyboard',
      assignToMe: true,
    })
    await signIn(page, agent)
    await page.fill('input[name="ticket-search"]', 'Spam by keyboard')
    await page.waitForFunction(() => document.querySelectorAll('table.tickets tbody tr').length === 1)
    await page.click('h1')
    await page.keyboard.press('j')
    await page.keyboard.press('Enter')
    await page.waitForFunction((id) => location.hash === `#/tickets/${id}`, v.ticket.id)
    await page.waitForSelector('h2:has-text("Receive the request")')
    await page.keyboard.press('n')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('note')
    await page.keyboard.type('n stays in the note')
    expect(await page.inputValue('textarea[name="note"]')).toBe('n stays in the note')
    await page.click('h1')
    await page.keyboard.press('2')
    await page.waitForFunction(
      () => document.querySelector('[data-testid="ticket-status"]')?.textContent === 'Cancelled',
    )
  })

  it('lets a supervisor assign several tickets at once and move a ticket to a step picked by title', async () => {
    const { page } = h
    const supervisor = await createUser(h.server.url, h.adminToken, 'Minh Trần', 'supervisor')
    const other = await createUser(h.server.url, h.adminToken, 'Petr Svoboda', 'agent')
    const otherId = (await api(other, 'GET', '/me')).id
    const ids: string[] = []
    for (const subject of ['Bulk one', 'Bulk two'])
      ids.push(
        (await api(agent, 'POST', '/tickets', { sopId: 'support-ticket', channel: 'email', subject })).ticket
          .id,
      )
    await signIn(page, supervisor, '#/inbox')
    await page.click('.tabs button:has-text("Unassigned")')
    for (const id of ids) await page.check(`input[name="select-${id}"]`)
    await page.selectOption('select[name="bulk-user"]', otherId)
    await page.getByRole('button', { name: 'Assign', exact: true }).click()
    await page.waitForSelector('.bulk-assign', { state: 'detached' })
    for (const id of ids)
      expect((await api(supervisor, 'GET', `/tickets/${id}`)).ticket.assigneeId).toBe(otherId)

    await page.goto(`/#/tickets/${ids[0]}`)
    await page.waitForSelector('select[name="override-target"] option:has-text("Manager review")', {
      state: 'attached',
    })
    await page.selectOption('select[name="override-target"]', { label: 'Manager review' })
    await page.fill('input[name="override-reason"]', 'VIP customer')
    await page.getByRole('button', { name: 'Override' }).click()
    await page.waitForSelector('h2:has-text("Manager review")')
  })
})
