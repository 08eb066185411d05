import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { type ParsedMail, simpleParser } from 'mailparser'
import nodemailer from 'nodemailer'
import { SMTPServer } from 'smtp-server'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { startSmtp } from '../../server/channels/smtp.ts'
import { mailSender } from '../../server/outbox/mail.ts'
import { webhookSender } from '../../server/outbox/webhookOut.ts'
import { OutboxWorker } from '../../server/outbox/worker.ts'
import { setup } from './helpers.ts'
import { publishSurveySop } from './surveyFixture.ts'
import { webhookReceiver } from './webhookReceiver.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (closers.length) await closers.pop()?.()
})

/** A real receiving MTA (the relay replies go out through). */
async function mta() {
  const mails: ParsedMail[] = []
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    onData(stream, _s, cb) {
      simpleParser(stream).then((m) => {
        mails.push(m)
        cb()
      }, cb)
    },
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  closers.push(() => new Promise<void>((ok) => server.close(() => ok())))
  return { relay: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, mails }
}

const worker = (c: Ctx, relay: string | null) =>
  new OutboxWorker(
    c.sopflow.outbox,
    {
      mail: mailSender(relay),
      webhook: webhookSender(c.sopflow.outbox, { connection: (id) => c.storage.channels.getConnection(id) }),
    },
    // The receiver checks the signature's time against its own clock: the worker sends at real time.
    () => new Date(),
    { random: () => 0.5 },
  )

async function replyToCustomer(c: Ctx, ticketId: string, text: string) {
  const version = (await c.storage.getTicket(ticketId))?.version
  const claim = await c.call('POST', `/api/tickets/${ticketId}/claim`, c.tokens.agent, { version })
  expect(claim.status).toBe(200)
  const note = await c.call('POST', `/api/tickets/${ticketId}/notes`, c.tokens.agent, {
    text,
    visibility: 'customer',
  })
  expect(note.status).toBe(201)
}

describe("replies over the ticket's own connection", () => {
  it("answers a mailbox's ticket from that mailbox's address, threaded to the customer's mail", async () => {
    const c = await setup({ replies: { mailFrom: 'sopflow <noreply@server.example>' } })
    closers.push(() => c.storage.close())
    const conn = await c.call('POST', '/api/channels', c.tokens.owner, {
      kind: 'email',
      name: 'Podpora e-shopu',
      address: 'podpora@shop.example',
      sopId: 'support-ticket',
    })
    expect(conn.status).toBe(201)
    const smtp = await startSmtp(c.storage, c.sopflow.channels.conversations, { port: 0 })
    closers.push(smtp.close)
    const inbound = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, ignoreTLS: true })
    await inbound.sendMail({
      from: '"Jana Nováková" <jana@example.cz>',
      to: 'podpora@shop.example',
      subject: 'Reklamace konvice',
      text: 'Konvice nehřeje.',
    })
    inbound.close()
    const [ticket] = await c.storage.listTickets({ now: c.clock().toISOString(), limit: 5, offset: 0 })
    await replyToCustomer(c, ticket.id, 'Pošleme vám novou konvici.')
    const out = await mta()
    expect(await worker(c, out.relay).tick()).toBeGreaterThanOrEqual(1)
    const reply = out.mails.find((m) => m.text?.trim() === 'Pošleme vám novou konvici.')
    expect(reply?.from?.value).toEqual([{ name: 'Podpora e-shopu', address: 'podpora@shop.example' }])
    expect((reply?.to as { text: string } | undefined)?.text).toBe('jana@example.cz')
    expect(reply?.inReplyTo).toBe(`<ticket.${ticket.id}@shop.example>`)
  })

  it("sends the desk's answer in the conversation through the outbox, with the conversation's Message-ID, so the customer's answer to it threads", async () => {
    const c = await setup({ replies: { mailFrom: 'sopflow <noreply@server.example>' } })
    closers.push(() => c.storage.close())
    await c.call('POST', '/api/channels', c.tokens.owner, {
      kind: 'email',
      name: 'Podpora',
      address: 'podpora@shop.example',
      sopId: 'support-ticket',
    })
    const smtp = await startSmtp(c.storage, c.sopflow.channels.conversations, { port: 0 })
    closers.push(smtp.close)
    const inbound = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, ignoreTLS: true })
    closers.push(async () => inbound.close())
    await inbound.sendMail({
      from: 'jana@example.cz',
      to: 'podpora@shop.example',
      subject: 'Konvice',
      text: 'Nehřeje.',
    })
    const [ticket] = await c.storage.listTickets({ now: c.clock().toISOString(), limit: 5, offset: 0 })
    const version = (await c.storage.getTicket(ticket.id))?.version
    await c.call('POST', `/api/tickets/${ticket.id}/claim`, c.tokens.agent, { version })
    const sent = await c.call('POST', `/api/tickets/${ticket.id}/conversation`, c.tokens.agent, {
      text: 'Pošlete prosím fotku štítku.',
    })
    expect(sent.status).toBe(201)
    const out = await mta()
    await worker(c, out.relay).tick()
    const [mail] = out.mails
    expect(mail.text?.trim()).toBe('Pošlete prosím fotku štítku.')
    expect(mail.from?.value).toEqual([{ name: 'Podpora', address: 'podpora@shop.example' }])
    expect(mail.messageId).toBe(sent.body.externalId)
    // The answer is in the ticket's chain as a note to the customer.
    const notes = (await c.storage.getAudit(ticket.id, ['note'])).map((a) => a.payload)
    expect(notes).toEqual([
      expect.objectContaining({ text: 'Pošlete prosím fotku štítku.', visibility: 'customer' }),
    ])
    await inbound.sendMail({
      from: 'jana@example.cz',
      to: 'podpora@shop.example',
      subject: 'Re: something else',
      text: 'Tady je fotka.',
      inReplyTo: mail.messageId,
      references: [mail.messageId as string],
    })
    const messages = await c.storage.channels.messagesOfTicket(ticket.id)
    expect(messages.map((m) => [m.direction, m.text.trim()])).toEqual([
      ['in', 'Nehřeje.'],
      ['out', 'Pošlete prosím fotku štítku.'],
      ['in', 'Tady je fotka.'],
    ])
  })

  it("posts a gateway ticket's reply to the connection's outbound webhook, signed with its secret, to the customer's conversation", async () => {
    const c = await setup({ replies: { mailFrom: 'sopflow <noreply@server.example>' } })
    closers.push(() => c.storage.close())
    const receiver = await webhookReceiver()
    closers.push(receiver.close)
    const conn = await c.call('POST', '/api/channels', c.tokens.owner, {
      kind: 'webhook',
      name: 'Zalo chat',
      address: 'zalo',
      channel: 'chat',
      sopId: 'support-ticket',
      settings: { replyUrl: receiver.url, replyAllowPrivate: true },
    })
    expect(conn.status).toBe(201)
    const server = await new Promise<ReturnType<typeof serve>>((ok) => {
      const srv = serve({ fetch: c.sopflow.app.fetch, port: 0, hostname: '127.0.0.1' }, () => ok(srv))
    })
    closers.push(() => new Promise<void>((ok) => server.close(() => ok())))
    const body = JSON.stringify({
      sender: { phone: '+84 90 123 4567', name: 'Nguyễn Văn An' },
      conversationId: 'conv-7',
      messageId: 'zalo-7001',
      text: 'Đơn hàng của tôi chưa đến.',
    })
    const at = new Date()
    const inbound = await fetch(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}${conn.body.inboundUrl}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': 'in-1',
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': new Webhook(conn.body.secret).sign('in-1', at, body),
        },
        body,
      },
    )
    const opened = (await inbound.json()) as { ticketId: string }
    expect(inbound.status).toBe(200)
    await replyToCustomer(c, opened.ticketId, 'Đơn hàng sẽ đến vào ngày mai.')
    await worker(c, null).tick()
    const replies = receiver.received.filter((r) => JSON.parse(r.body).type === 'ticket.reply')
    expect(replies).toHaveLength(1)
    const [r] = replies
    // The gateway checks the signature with the connection's secret (the Standard Webhooks library).
    const verified = new Webhook(conn.body.secret).verify(r.body, r.headers as Record<string, string>) as any
    expect(verified.data).toMatchObject({
      ticketId: opened.ticketId,
      connectionId: conn.body.id,
      to: expect.stringContaining('90 123 4567'),
      conversationId: 'conv-7',
      text: 'Đơn hàng sẽ đến vào ngày mai.',
    })
    // The body is the one the OpenAPI webhooks section documents.
    const doc = (await c.call('GET', '/api/openapi.json', null)).body
    const schema = doc.webhooks['ticket.reply'].post.requestBody.content['application/json'].schema
    expect(verified.type).toBe(schema.properties.type.const)
    for (const key of schema.properties.data.required) expect(verified.data).toHaveProperty(key)
    for (const key of Object.keys(verified.data))
      expect(schema.properties.data.properties).toHaveProperty(key)
    expect(() =>
      new Webhook(`whsec_${Buffer.from('another secret entirely!').toString('base64')}`).verify(
        r.body,
        r.headers as Record<string, string>,
      ),
    ).toThrow()
  })

  it('refuses a reply URL on a private address unless the owner allows it, and changes nothing', async () => {
    const c = await setup()
    closers.push(() => c.storage.close())
    const refused = await c.call('POST', '/api/channels', c.tokens.owner, {
      kind: 'webhook',
      name: 'Internal chat',
      address: 'internal',
      sopId: 'support-ticket',
      settings: { replyUrl: 'http://10.1.2.3/hook' },
    })
    expect([refused.status, refused.body.code]).toEqual([422, 'webhook_url_refused'])
    expect(await c.storage.channels.listConnections()).toEqual([])
  })

  it("invites a gateway's customer to the survey through the connection's webhook, signed, with a link that opens the survey", async () => {
    const c = await setup()
    closers.push(() => c.storage.close())
    await publishSurveySop(c, { rate: 1, seed: 'gateway-survey-seed' }, 'vi')
    const receiver = await webhookReceiver()
    closers.push(receiver.close)
    const conn = await c.call('POST', '/api/channels', c.tokens.owner, {
      kind: 'webhook',
      name: 'Zalo chat',
      address: 'zalo',
      channel: 'chat',
      sopId: 'quick-help',
      settings: { replyUrl: receiver.url, replyAllowPrivate: true },
    })
    const server = await new Promise<ReturnType<typeof serve>>((ok) => {
      const srv = serve({ fetch: c.sopflow.app.fetch, port: 0, hostname: '127.0.0.1' }, () => ok(srv))
    })
    closers.push(() => new Promise<void>((ok) => server.close(() => ok())))
    const body = JSON.stringify({
      sender: { phone: '+84 91 222 3333', name: 'Vũ Mai' },
      conversationId: 'conv-s',
      messageId: 'zalo-s1',
      text: 'Cho tôi hỏi giờ mở cửa.',
    })
    const at = new Date()
    const res = await fetch(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}${conn.body.inboundUrl}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': 'in-s1',
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': new Webhook(conn.body.secret).sign('in-s1', at, body),
        },
        body,
      },
    )
    const { ticketId } = (await res.json()) as { ticketId: string }
    const version = (await c.storage.getTicket(ticketId))?.version
    await c.call('POST', `/api/tickets/${ticketId}/claim`, c.tokens.agent, { version })
    const closed = await c.call('POST', `/api/tickets/${ticketId}/actions`, c.tokens.agent, {
      action: 'resolve',
      version: (version ?? 0) + 1,
    })
    expect(closed.status).toBe(200)
    await worker(c, null).tick()
    const [invite] = receiver.received.filter((r) => JSON.parse(r.body).type === 'ticket.survey_invitation')
    const verified = new Webhook(conn.body.secret).verify(
      invite.body,
      invite.headers as Record<string, string>,
    ) as any
    expect(verified.data).toMatchObject({
      ticketId,
      connectionId: conn.body.id,
      to: expect.stringContaining('91 222 3333'),
      text: expect.stringContaining('Chúng tôi đã phục vụ bạn thế nào?'),
    })
    const token = /#\/survey\/([A-Za-z0-9_.-]+)$/.exec(verified.data.link)?.[1] as string
    const page = await c.call('GET', `/api/public/surveys/${token}`, null)
    expect(page.body).toMatchObject({ language: 'vi', answered: false })
  })
})
