import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqliteOf } from '../../server/storage/open.ts'
import { createUser, launch, SHOTS, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
let agent = ''
let owner = ''
beforeAll(async () => {
  h = await launch()
  agent = await createUser(h.server.url, h.adminToken, 'Lan Nguyễn', 'agent')
  owner = await createUser(h.server.url, h.adminToken, 'Olga Owner', 'owner')
})
afterAll(async () => h?.close())

async function api(token: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(`${h.server.url}/api${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json().catch(() => null)) as any }
}

const count = (table: string) =>
  (sqliteOf(h.server.storage).db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n

describe('channels in Chromium', () => {
  it('a customer opens a request on the web form, follows it on the status page and replies from it', async () => {
    const form = await api(owner, 'POST', '/channels', {
      kind: 'form',
      name: 'Kontaktní formulář',
      address: 'kontakt',
      sopId: 'support-ticket',
      settings: { language: 'cs' },
    })
    expect(form.status).toBe(201)
    const page = await h.browser.newPage({ baseURL: h.server.url })
    await page.goto('/#/contact/kontakt')
    await page.fill('input[name="name"]', 'Jana Nováková')
    await page.fill('input[name="email"]', 'jana@example.cz')
    await page.fill('input[name="subject"]', 'Nefunguje mi konvice')
    await page.fill('textarea[name="message"]', 'Konvice po týdnu přestala hřát.')
    await page.getByRole('button', { name: 'Odeslat' }).click()
    const reference = await page.getByTestId('reference').textContent()
    expect(reference).toMatch(/^T-10\d\d$/)
    const [ticket] = sqliteOf(h.server.storage)
      .db.prepare("SELECT id, channel, subject FROM tickets WHERE channel = 'web'")
      .all() as {
      id: string
      channel: string
      subject: string
    }[]
    expect(ticket.subject).toBe('Nefunguje mi konvice')
    // An agent answers; the customer sees the answer on their page and replies there.
    expect(
      (
        await api(agent, 'POST', `/tickets/${ticket.id}/conversation`, {
          text: 'Pošlete prosím fotku štítku.',
        })
      ).status,
    ).toBe(201)
    await page.getByRole('link', { name: 'stránka vašeho požadavku' }).click()
    await expect.poll(() => page.getByTestId('public-status').textContent()).toBe('Pracujeme na tom')
    await expect
      .poll(() => page.locator('.message-text').allTextContents())
      .toEqual(['Konvice po týdnu přestala hřát.', 'Pošlete prosím fotku štítku.'])
    await page.fill('textarea[name="reply"]', 'Štítek: model K-200.')
    await page.getByRole('button', { name: 'Odeslat odpověď' }).click()
    await expect.poll(() => page.locator('.message-text').count()).toBe(3)
    const conv = await api(agent, 'GET', `/tickets/${ticket.id}/conversation`)
    expect(conv.body.messages.map((m: { direction: string; text: string }) => [m.direction, m.text])).toEqual(
      [
        ['in', 'Konvice po týdnu přestala hřát.'],
        ['out', 'Pošlete prosím fotku štítku.'],
        ['in', 'Štítek: model K-200.'],
      ],
    )
    // Internal notes never reach the customer's page.
    await api(agent, 'POST', `/tickets/${ticket.id}/notes`, { text: 'Zákazník je nervózní.' })
    await page.reload()
    await expect.poll(() => page.locator('.message-text').count()).toBe(3)
    expect(await page.content()).not.toContain('nervózní')
    await page.close()
  })

  it('the honeypot and the rate limit refuse a submission and write nothing', async () => {
    await api(owner, 'POST', '/channels', {
      kind: 'form',
      name: 'Help',
      address: 'help',
      sopId: 'support-ticket',
      settings: { language: 'en' },
    })
    const page = await h.browser.newPage({ baseURL: h.server.url })
    const before = {
      tickets: count('tickets'),
      messages: count('channel_messages'),
      customers: count('customers'),
    }
    await page.goto('/#/contact/help')
    await page.fill('input[name="name"]', 'Bot')
    await page.fill('input[name="email"]', 'bot@spam.example')
    await page.fill('input[name="subject"]', 'Cheap pills')
    await page.fill('textarea[name="message"]', 'Buy now')
    // A bot fills every field it finds, the hidden one too.
    await page.locator('input[name="website"]').fill('http://spam.example', { force: true })
    await page.getByRole('button', { name: 'Send' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('The request could not be accepted.')
    expect({
      tickets: count('tickets'),
      messages: count('channel_messages'),
      customers: count('customers'),
    }).toEqual(before)
    // The same address may send 5 requests in 10 minutes; the sixth is refused.
    for (let i = 0; i < 5; i++) {
      const r = await api(null, 'POST', '/public/forms/help', {
        name: 'Eager',
        email: 'eager@example.com',
        subject: `Request ${i}`,
        message: 'Hello',
      })
      expect(r.status).toBe(201)
    }
    const after5 = {
      tickets: count('tickets'),
      messages: count('channel_messages'),
      customers: count('customers'),
    }
    await page.reload()
    await page.fill('input[name="name"]', 'Eager')
    await page.fill('input[name="email"]', 'eager@example.com')
    await page.fill('input[name="subject"]', 'Request 6')
    await page.fill('textarea[name="message"]', 'Hello again')
    await page.getByRole('button', { name: 'Send' }).click()
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toMatch(/^Too many requests; try again in \d+ seconds\.$/)
    expect({
      tickets: count('tickets'),
      messages: count('channel_messages'),
      customers: count('customers'),
    }).toEqual(after5)
    // What the customer typed is still there.
    expect(await page.inputValue('textarea[name="message"]')).toBe('Hello again')
    await page.close()
  })

  it('a phone screen pop prefills intake with the caller found by number, their open tickets first', async () => {
    const c = await api(agent, 'POST', '/customers', { name: 'Trần Thị Mai', phone: '090 123 4567' })
    const open = await api(agent, 'POST', '/tickets', {
      sopId: 'support-ticket',
      channel: 'phone',
      customerId: c.body.id,
      subject: 'Internet chậm',
    })
    const { page } = h
    await signIn(page, agent)
    await page.goto('/#/inbox/new?phone=%2B84%2090%20123%204567&channel=phone')
    await expect.poll(() => page.getByTestId('caller-open-tickets').textContent()).toContain('Internet chậm')
    const form = page.getByRole('form', { name: 'New contact' })
    await expect.poll(() => form.textContent()).toContain('Trần Thị Mai')
    expect(await page.inputValue('select[name="channel"]')).toBe('phone')
    await page.fill('input[name="subject"]', 'Gọi lại về internet')
    await page.getByRole('button', { name: 'Open ticket' }).click()
    await page.waitForURL(/#\/tickets\//)
    const id = /#\/tickets\/(.+)$/.exec(page.url())?.[1] ?? ''
    const made = await api(agent, 'GET', `/tickets/${id}`)
    expect(made.body.ticket).toMatchObject({ customerId: c.body.id, channel: 'phone' })
    expect(open.body.ticket.customerId).toBe(c.body.id)
  })

  it('the ticket page shows the conversation beside internal notes; an owner manages connections and sends a test', async () => {
    const hook = await api(owner, 'POST', '/channels', {
      kind: 'webhook',
      name: 'SMS gateway',
      address: 'sms',
      channel: 'sms',
      sopId: 'support-ticket',
    })
    const test = await api(owner, 'POST', `/channels/${hook.body.id}/test`, { text: 'Xin chào từ SMS' })
    await api(agent, 'POST', `/tickets/${test.body.ticketId}/notes`, { text: 'Chỉ nội bộ' })
    const { page } = h
    await signIn(page, agent, `#/tickets/${test.body.ticketId}`)
    const conversation = page.getByRole('region', { name: 'Conversation with the customer' })
    await expect.poll(() => conversation.getByTestId('message').count()).toBe(1)
    expect(await conversation.textContent()).toContain('Xin chào từ SMS')
    expect(await conversation.textContent()).toContain('SMS')
    expect(await conversation.textContent()).not.toContain('Chỉ nội bộ')
    const notes = page.getByRole('region', { name: 'Notes' })
    expect(await notes.textContent()).toContain('internal — the customer never sees these')
    expect(await notes.textContent()).toContain('Chỉ nội bộ')
    expect(await page.locator('.ticket-number').textContent()).toBe(test.body.reference)
    expect(test.body.reference).toMatch(/^T-\d{4,}$/)
    await page.screenshot({ path: `${SHOTS}/channels-ticket-reference-1440.png` })
    // The inbox lists the ticket by its reference too.
    await page.goto('/#/inbox')
    await page.click('.tabs button:has-text("All open")')
    // The inbox search finds it by its reference.
    await page.getByPlaceholder(/Search/).fill(test.body.reference)
    const listed = page.locator('.cell-subject')
    await expect.poll(() => listed.count()).toBe(1)
    expect(await listed.locator('.ticket-number').textContent()).toBe(test.body.reference)
    await page.setViewportSize({ width: 390, height: 844 })
    await page.screenshot({ path: `${SHOTS}/channels-inbox-reference-390.png` })
    await page.setViewportSize({ width: 1440, height: 900 })

    await signIn(page, owner, '#/channels')
    await page.getByRole('link', { name: 'Channels' }).click()
    const form = page.getByRole('form', { name: 'Add a connection' })
    await form.locator('select[name="kind"]').selectOption('email')
    await form.locator('input[name="name"]').fill('Reklamace')
    await form.locator('input[name="address"]').fill('reklamace@desk.example')
    await form.getByRole('button', { name: 'Create' }).click()
    const row = page.getByTestId('connection').filter({ hasText: 'reklamace@desk.example' })
    await expect.poll(() => row.count()).toBe(1)
    await row.getByRole('button', { name: 'Send a test message' }).click()
    await expect
      .poll(() => row.getByTestId('test-result').textContent())
      .toMatch(/The test message opened T-\d{4,}/)
    // An address already in use is refused, and what was typed stays.
    await form.locator('input[name="name"]').fill('Again')
    await form.locator('input[name="address"]').fill('reklamace@desk.example')
    await form.getByRole('button', { name: 'Create' }).click()
    await expect
      .poll(() => form.getByRole('alert').textContent())
      .toBe('Another connection already uses the address reklamace@desk.example.')
    expect(await form.locator('input[name="name"]').inputValue()).toBe('Again')
  })
})
