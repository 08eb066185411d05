import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { setup } from './helpers.ts'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (closers.length) await closers.pop()?.()
})

/** The API on a real port, with a chat gateway connection routed to the support SOP. */
async function gateway() {
  const s = await setup()
  const conn = await s.call('POST', '/api/channels', s.tokens.owner, {
    kind: 'webhook',
    name: 'Zalo chat',
    address: 'zalo',
    channel: 'chat',
    sopId: 'support-ticket',
  })
  expect(conn.status).toBe(201)
  expect(conn.body.secret).toMatch(/^whsec_/)
  const server = await new Promise<ReturnType<typeof serve>>((ok) => {
    const srv = serve({ fetch: s.sopflow.app.fetch, port: 0, hostname: '127.0.0.1' }, () => ok(srv))
  })
  closers.push(() => new Promise<void>((ok) => server.close(() => ok())))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${conn.body.inboundUrl}`
  const deliver = async (payload: unknown, options: { secret?: string; id?: string } = {}) => {
    const body = JSON.stringify(payload)
    const id = options.id ?? `msg_${Math.random().toString(36).slice(2)}`
    const at = new Date()
    const signature = new Webhook(options.secret ?? conn.body.secret).sign(id, at, body)
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body,
    })
    return { status: res.status, body: (await res.json()) as any }
  }
  const count = (table: string) =>
    (s.storage.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
  return { ...s, conn: conn.body, deliver, count, url }
}

const message = (over: Record<string, unknown> = {}) => ({
  sender: { phone: '+84 90 123 4567', name: 'Nguyễn Văn An' },
  conversationId: 'conv-1',
  messageId: 'zalo-1001',
  text: 'Đơn hàng của tôi chưa đến.',
  ...over,
})

describe('inbound webhooks (Standard Webhooks)', () => {
  it('a delivery with a good signature opens a ticket on the connection channel, customer found by phone', async () => {
    const g = await gateway()
    const existing = await g.call('POST', '/api/customers', g.tokens.agent, {
      name: 'An Nguyen',
      phone: '090 123 4567',
    })
    expect(existing.status).toBe(201)
    const r = await g.deliver(message())
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ status: 'opened', duplicate: false })
    const t = await g.storage.getTicket(r.body.ticketId)
    expect(t).toMatchObject({ channel: 'chat', sopId: 'support-ticket', customerId: existing.body.id })
    expect(t?.subject).toBe('Đơn hàng của tôi chưa đến.')
  })

  it('the inbound endpoint and its body are in the OpenAPI document', async () => {
    const g = await gateway()
    const doc = await g.call('GET', '/api/openapi.json', null)
    const op = doc.body.paths['/api/channels/{id}/messages'].post
    expect(op.description).toContain('webhook-signature')
    const body = op.requestBody.content['application/json'].schema
    expect(body.required).toEqual(expect.arrayContaining(['sender', 'conversationId', 'messageId', 'text']))
  })

  it('a bad signature is a 401 and writes nothing', async () => {
    const g = await gateway()
    const forged = await g.deliver(message(), {
      secret: `whsec_${Buffer.from('not the secret at all!').toString('base64')}`,
    })
    expect(forged.status).toBe(401)
    expect(forged.body.code).toBe('webhook_signature_invalid')
    const unsigned = await fetch(g.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message()),
    })
    expect(unsigned.status).toBe(401)
    expect(g.count('channel_messages')).toBe(0)
    expect(g.count('tickets')).toBe(0)
    expect(g.count('customers')).toBe(0)
  })

  it('a replayed provider message id returns 200 and adds nothing', async () => {
    const g = await gateway()
    const first = await g.deliver(message())
    const again = await g.deliver(message(), { id: 'another-delivery-id' })
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({
      duplicate: true,
      ticketId: first.body.ticketId,
      messageId: first.body.messageId,
    })
    expect(g.count('channel_messages')).toBe(1)
    expect(g.count('tickets')).toBe(1)
  })

  it('messages of one conversation thread into its open ticket; another conversation opens another', async () => {
    const g = await gateway()
    const a = await g.deliver(message())
    const b = await g.deliver(message({ messageId: 'zalo-1002', text: 'Mã đơn là 7781.' }))
    const other = await g.deliver(
      message({ messageId: 'zalo-2001', conversationId: 'conv-2', text: 'Xin chào' }),
    )
    expect(b.body).toMatchObject({ ticketId: a.body.ticketId, status: 'threaded' })
    expect(other.body.ticketId).not.toBe(a.body.ticketId)
    const conv = await g.call('GET', `/api/tickets/${a.body.ticketId}/conversation`, g.tokens.agent)
    expect(conv.body.messages.map((m: { text: string }) => m.text)).toEqual([
      'Đơn hàng của tôi chưa đến.',
      'Mã đơn là 7781.',
    ])
  })

  it('a signed delivery with a bad body is a 400 naming the member, and writes nothing', async () => {
    const g = await gateway()
    const r = await g.deliver({ ...message(), sender: {} })
    expect(r.status).toBe(400)
    expect(r.body.detail).toContain('sender')
    expect(g.count('channel_messages')).toBe(0)
  })

  it('only owners and admins manage connections; the test message opens a ticket', async () => {
    const g = await gateway()
    expect((await g.call('GET', '/api/channels', g.tokens.agent)).status).toBe(403)
    const list = await g.call('GET', '/api/channels', g.tokens.admin)
    expect(list.body.map((c: { address: string }) => c.address)).toEqual(['zalo'])
    const dup = await g.call('POST', '/api/channels', g.tokens.owner, {
      kind: 'webhook',
      name: 'Again',
      address: 'zalo',
      sopId: 'support-ticket',
    })
    expect(dup.status).toBe(409)
    expect(dup.body.code).toBe('connection_address_taken')
    const test = await g.call('POST', `/api/channels/${g.conn.id}/test`, g.tokens.owner, {})
    expect(test.status).toBe(201)
    expect((await g.storage.getTicket(test.body.ticketId))?.channel).toBe('chat')
    const rotated = await g.call('PATCH', `/api/channels/${g.conn.id}`, g.tokens.owner, {
      rotateSecret: true,
    })
    expect(rotated.body.secret).not.toBe(g.conn.secret)
    expect((await g.deliver(message())).status).toBe(401)
  })
})
