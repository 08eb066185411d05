import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { setup } from './helpers.ts'

// The rules of the channel routes: which connections take webhooks and where, a disabled or
// mail connection refusing deliveries, a test message opening a ticket in the owner's name, the
// phone system's screen pop, and held messages listed without their raw bytes.

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
afterEach(async () => {
  await ctx?.storage.close()
})

async function connection(c: Ctx, body: Record<string, unknown>) {
  const r = await c.call('POST', '/api/channels', c.tokens.owner, { sopId: 'support-ticket', ...body })
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return r.body
}

/** A signed delivery to a webhook connection, as a gateway sends it (no account). */
async function deliver(c: Ctx, conn: { id: string; secret: string }, payload: unknown) {
  const body = JSON.stringify(payload)
  const id = `msg_${Math.random().toString(36).slice(2)}`
  const at = new Date()
  return c.call('POST', `/api/channels/${conn.id}/messages`, null, body, {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(conn.secret).sign(id, at, body),
  })
}
const message = {
  sender: { phone: '+84 90 123 4567', name: 'An' },
  conversationId: 'c-1',
  messageId: 'g-1',
  text: 'Hello',
}

describe('channel routes', () => {
  it('a webhook connection shows its inbound address; a mailbox has none', async () => {
    ctx = await setup()
    const hook = await connection(ctx, { kind: 'webhook', name: 'Zalo', address: 'zalo', channel: 'chat' })
    const mail = await connection(ctx, { kind: 'email', name: 'Help', address: 'help@bank.example' })
    expect(hook.inboundUrl).toBe(`/api/channels/${hook.id}/messages`)
    expect(mail.inboundUrl).toBeNull()
    const listed = (await ctx.call('GET', '/api/channels', ctx.tokens.owner)).body
    expect(Object.fromEntries(listed.map((c: any) => [c.id, c.inboundUrl]))).toEqual({
      [hook.id]: hook.inboundUrl,
      [mail.id]: null,
    })
    expect((await ctx.call('GET', `/api/channels/${hook.id}`, ctx.tokens.owner)).body.inboundUrl).toBe(
      hook.inboundUrl,
    )
  })

  it('takes a signed delivery only on an enabled webhook connection; others are not found', async () => {
    ctx = await setup()
    const hook = await connection(ctx, { kind: 'webhook', name: 'Zalo', address: 'zalo', channel: 'chat' })
    const ok = await deliver(ctx, hook, message)
    expect(ok.status).toBe(200)
    expect(Object.keys(ok.body).sort()).toEqual(['duplicate', 'messageId', 'reference', 'status', 'ticketId'])
    expect(ok.body).toMatchObject({ status: 'opened', duplicate: false })
    const again = await deliver(ctx, hook, message)
    expect(again.body).toMatchObject({ duplicate: true, ticketId: ok.body.ticketId })
    const mail = await connection(ctx, { kind: 'email', name: 'Help', address: 'help@bank.example' })
    const toMail = await deliver(ctx, { id: mail.id, secret: hook.secret }, message)
    expect(toMail.status).toBe(404)
    expect(toMail.body.params).toEqual({ kind: 'connection', id: mail.id })
    await ctx.call('PATCH', `/api/channels/${hook.id}`, ctx.tokens.owner, { enabled: false })
    const off = await deliver(ctx, hook, { ...message, messageId: 'g-2' })
    expect(off.status).toBe(404)
    const none = await deliver(ctx, { id: 'conn_none', secret: hook.secret }, message)
    expect(none.status).toBe(404)
    expect(none.body.params).toEqual({ kind: 'connection', id: 'conn_none' })
  })

  it('a test message opens a ticket in the caller’s name, with the given text or a default one', async () => {
    ctx = await setup()
    const hook = await connection(ctx, { kind: 'webhook', name: 'Zalo', address: 'zalo', channel: 'chat' })
    const r = await ctx.call('POST', `/api/channels/${hook.id}/test`, ctx.tokens.owner, {})
    expect(r.status).toBe(201)
    expect(Object.keys(r.body).sort()).toEqual(['reference', 'status', 'ticketId'])
    const t = (await ctx.call('GET', `/api/tickets/${r.body.ticketId}`, ctx.tokens.supervisor)).body.ticket
    expect(t).toMatchObject({ subject: 'Test message: Zalo', channel: 'chat' })
    const convo = (await ctx.call('GET', `/api/tickets/${t.id}/conversation`, ctx.tokens.supervisor)).body
    expect(convo.messages[0]).toMatchObject({
      text: 'A test message through Zalo.',
      sender: `test:${ctx.users.owner}`,
    })
    const given = await ctx.call('POST', `/api/channels/${hook.id}/test`, ctx.tokens.owner, {
      text: '  Xin chào  ',
    })
    const convo2 = (
      await ctx.call('GET', `/api/tickets/${given.body.ticketId}/conversation`, ctx.tokens.supervisor)
    ).body
    expect(convo2.messages[0].text).toBe('Xin chào')
    for (const text of ['', 'x'.repeat(2001)]) {
      const bad = await ctx.call('POST', `/api/channels/${hook.id}/test`, ctx.tokens.owner, { text })
      expect(bad.status, String(text.length)).toBe(400)
    }
    const missing = await ctx.call('POST', '/api/channels/conn_none/test', ctx.tokens.owner, {})
    expect(missing.status).toBe(404)
  })

  it('the screen pop finds the caller’s customers and their open tickets with references', async () => {
    ctx = await setup()
    const hook = await connection(ctx, { kind: 'webhook', name: 'Zalo', address: 'zalo', channel: 'chat' })
    const first = await deliver(ctx, hook, message)
    const r = await ctx.call(
      'GET',
      '/api/channels/phone/lookup?phone=%2B84%2090%20123%204567',
      ctx.tokens.agent,
    )
    expect(r.status).toBe(200)
    expect(r.body.phone).toBe('+84 90 123 4567')
    expect(r.body.customers).toHaveLength(1)
    expect(r.body.openTickets.map((t: any) => t.id)).toEqual([first.body.ticketId])
    expect(r.body.openTickets[0].reference).toBe(first.body.reference)
    expect(Object.keys(r.body.openTickets[0])).not.toContain('state')
    const nobody = await ctx.call('GET', '/api/channels/phone/lookup?phone=%2B1%20555', ctx.tokens.agent)
    expect(nobody.body).toEqual({ phone: '+1 555', customers: [], openTickets: [] })
    expect((await ctx.call('GET', '/api/channels/phone/lookup', ctx.tokens.agent)).body.phone).toBe('')
  })

  it('a connection removed is gone; an unknown one is not found', async () => {
    ctx = await setup()
    const hook = await connection(ctx, { kind: 'webhook', name: 'Zalo', address: 'zalo', channel: 'chat' })
    const del = await ctx.call('DELETE', `/api/channels/${hook.id}`, ctx.tokens.owner)
    expect(del.status).toBe(204)
    expect((await ctx.call('GET', '/api/channels', ctx.tokens.owner)).body).toEqual([])
    const again = await ctx.call('DELETE', `/api/channels/${hook.id}`, ctx.tokens.owner)
    expect(again.status).toBe(404)
    expect(again.body.params).toEqual({ kind: 'connection', id: hook.id })
  })
})

describe('an agent’s answer in the conversation', () => {
  it('goes back the way the customer came: their connection, channel and conversation, in reply to their message', async () => {
    ctx = await setup()
    const hook = await connection(ctx, { kind: 'webhook', name: 'Zalo', address: 'zalo', channel: 'chat' })
    const first = await deliver(ctx, hook, message)
    const t = (await ctx.call('GET', `/api/tickets/${first.body.ticketId}`, ctx.tokens.agent)).body.ticket
    await ctx.call('POST', `/api/tickets/${t.id}/claim`, ctx.tokens.agent, { version: t.version })
    const r = await ctx.call('POST', `/api/tickets/${t.id}/conversation`, ctx.tokens.agent, {
      text: '  On it  ',
    })
    expect(r.status).toBe(201)
    expect(Object.keys(r.body)).not.toContain('raw')
    expect(r.body).toMatchObject({
      connectionId: hook.id,
      ticketId: t.id,
      direction: 'out',
      channel: 'chat',
      status: 'threaded',
      sender: 'agent user',
      subject: `Re: ${t.subject} [#${first.body.reference}]`,
      text: 'On it',
      conversationId: 'c-1',
      refs: ['g-1'],
      at: ctx.clock().toISOString(),
    })
    expect(r.body.externalId).toMatch(/^<out_\S+@sopflow>$/)
    const [note] = (await ctx.storage.getAudit(t.id, ['note'])).map(
      (a) => a.payload as Record<string, unknown>,
    )
    expect(note).toEqual({ text: 'On it', visibility: 'customer', messageId: r.body.externalId })
  })

  it('on a ticket opened at the desk it has no connection or conversation; on a closed one its note is late', async () => {
    ctx = await setup()
    const opened = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
      sopId: 'support-ticket',
      channel: 'phone',
      subject: 'Charged twice',
      assignToMe: true,
    })
    const id = opened.body.ticket.id
    const r = await ctx.call('POST', `/api/tickets/${id}/conversation`, ctx.tokens.agent, {
      text: 'Called you back',
    })
    expect(r.body).toMatchObject({ connectionId: 'desk', channel: 'phone', conversationId: null, refs: [] })
    const cancel = await ctx.call('POST', `/api/tickets/${id}/actions`, ctx.tokens.agent, {
      action: 'cancel',
      version: opened.body.ticket.version,
      fields: { customer_name: 'An', problem_summary: 'Duplicate charge' },
    })
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200)
    await ctx.call('POST', `/api/tickets/${id}/conversation`, ctx.tokens.agent, { text: 'One more thing' })
    const notes = (await ctx.storage.getAudit(id, ['note'])).map((a) => a.payload as Record<string, unknown>)
    expect(notes.map((n) => n.late ?? false)).toEqual([false, true])
  })
})
