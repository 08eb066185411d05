import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { mailSender } from '../../server/outbox/mail.ts'
import { isPrivateAddress } from '../../server/outbox/ssrf.ts'
import { webhookSender } from '../../server/outbox/webhookOut.ts'
import { OutboxWorker } from '../../server/outbox/worker.ts'
import { setup } from './helpers.ts'
import { webhookReceiver } from './webhookReceiver.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
const closing: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of closing.splice(0)) await c()
  await ctx?.storage.close()
})

function workerFor(c: Ctx) {
  return new OutboxWorker(
    c.sopflow.outbox,
    { mail: mailSender(null), webhook: webhookSender(c.sopflow.outbox) },
    c.clock,
    { random: () => 0.5, giveUpMs: 3_600_000 },
  )
}

/** The receiver checks the signed timestamp against its own clock: the test clock starts at the real time. */
async function setupNow() {
  const c = await setup()
  c.clock.advance(Date.now() - c.clock().getTime())
  return c
}

async function subscribe(c: Ctx, url: string, extra: Record<string, unknown> = {}) {
  const r = await c.call('POST', '/api/webhooks', c.tokens.admin, {
    url,
    events: ['ticket.created', 'ticket.note_added'],
    allowPrivate: true,
    ...extra,
  })
  expect(r.status).toBe(201)
  return r.body as { id: string; secret: string }
}

async function openTicket(c: Ctx) {
  const r = await c.call('POST', '/api/tickets', c.tokens.agent, {
    sopId: 'support-ticket',
    channel: 'phone',
    subject: 'Charged twice',
  })
  expect(r.status).toBe(201)
  return r.body.ticket as { id: string }
}

describe('webhooks to other systems', () => {
  it('delivers ticket events signed so that a receiver verifies them with the standardwebhooks library', async () => {
    ctx = await setupNow()
    const receiver = await webhookReceiver()
    closing.push(receiver.close)
    const sub = await subscribe(ctx, receiver.url)
    const ticket = await openTicket(ctx)
    await ctx.call('POST', `/api/tickets/${ticket.id}/notes`, ctx.tokens.agent, { text: 'Called back' })
    expect(await workerFor(ctx).tick()).toBe(2)
    expect(receiver.received).toHaveLength(2)
    const verifier = new Webhook(sub.secret)
    const events = receiver.received.map((r) => {
      const payload = verifier.verify(r.body, r.headers as Record<string, string>) as {
        type: string
        data: any
      }
      expect(r.headers['webhook-id']).toMatch(/^msg_/)
      return payload
    })
    expect(events.map((e) => e.type).sort()).toEqual(['ticket.created', 'ticket.note_added'])
    expect(events.every((e) => e.data.ticketId === ticket.id)).toBe(true)
    // A forged body does not verify.
    const first = receiver.received[0]
    expect(() => verifier.verify(`${first.body} `, first.headers as Record<string, string>)).toThrow()
    // The delivery log shows each with its status code and attempts.
    const log = await ctx.call('GET', `/api/webhooks/${sub.id}/deliveries`, ctx.tokens.admin)
    expect(log.body.map((m: any) => [m.status, m.lastStatus, m.attempts])).toEqual([
      ['sent', 200, 1],
      ['sent', 200, 1],
    ])
  })

  it('refuses a webhook URL on a loopback or private address unless the admin allows it, and non-http schemes', async () => {
    ctx = await setupNow()
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://10.1.2.3/x',
      'http://[::1]/x',
      'http://192.168.0.10/',
      'http://localhost/x',
    ]) {
      const r = await ctx.call('POST', '/api/webhooks', ctx.tokens.admin, { url, events: ['ticket.created'] })
      expect(r.status, url).toBe(422)
      expect(r.body.code).toBe('webhook_url_refused')
    }
    const ftp = await ctx.call('POST', '/api/webhooks', ctx.tokens.admin, {
      url: 'ftp://example.com/x',
      events: ['ticket.created'],
      allowPrivate: true,
    })
    expect(ftp.status).toBe(422)
    expect((await ctx.call('GET', '/api/webhooks', ctx.tokens.admin)).body).toEqual([])
    const allowed = await ctx.call('POST', '/api/webhooks', ctx.tokens.admin, {
      url: 'http://127.0.0.1:9/x',
      events: ['ticket.created'],
      allowPrivate: true,
    })
    expect(allowed.status).toBe(201)
    const agent = await ctx.call('POST', '/api/webhooks', ctx.tokens.agent, {
      url: 'https://example.com',
      events: ['ticket.created'],
    })
    expect(agent.status).toBe(403)
    expect(['::ffff:127.0.0.1', '169.254.169.254', 'fd00::1', '100.64.1.1'].every(isPrivateAddress)).toBe(
      true,
    )
    expect(['93.184.216.34', '2606:4700::1111'].some(isPrivateAddress)).toBe(false)
  })

  it('signs with the old and the new secret during a rotation’s overlap, then with the new one only', async () => {
    ctx = await setupNow()
    const receiver = await webhookReceiver()
    closing.push(receiver.close)
    const sub = await subscribe(ctx, receiver.url)
    const rotated = await ctx.call('POST', `/api/webhooks/${sub.id}/rotate`, ctx.tokens.admin, {
      overlapHours: 1,
    })
    expect(rotated.status).toBe(200)
    expect(rotated.body.secret).not.toBe(sub.secret)
    await openTicket(ctx)
    await workerFor(ctx).tick()
    const during = receiver.received[0]
    const headers = during.headers as Record<string, string>
    expect(new Webhook(sub.secret).verify(during.body, headers)).toBeTruthy()
    expect(new Webhook(rotated.body.secret).verify(during.body, headers)).toBeTruthy()
    ctx.clock.advance(2 * 3_600_000)
    await openTicket(ctx)
    await workerFor(ctx).tick()
    const after = receiver.received[1]
    const afterHeaders = after.headers as Record<string, string>
    // Two hours on, the signature is of the new secret only (checked without the receiver's clock).
    const signatures = afterHeaders['webhook-signature'].split(' ')
    const expected = (secret: string) =>
      new Webhook(secret).sign(
        afterHeaders['webhook-id'],
        new Date(Number(afterHeaders['webhook-timestamp']) * 1000),
        after.body,
      )
    expect(signatures).toEqual([expected(rotated.body.secret)])
    expect(signatures).not.toContain(expected(sub.secret))
  })

  it('retries a refusing receiver with backoff, gives up with the reason, and an admin retry or resend delivers it', async () => {
    ctx = await setupNow()
    let answer = 503
    const receiver = await webhookReceiver(() => answer)
    closing.push(receiver.close)
    const sub = await subscribe(ctx, receiver.url, { events: ['ticket.created'] })
    await openTicket(ctx)
    const worker = workerFor(ctx)
    expect(await worker.tick()).toBe(1)
    let [m] = (await ctx.call('GET', '/api/outbox', ctx.tokens.admin)).body.messages
    expect([m.status, m.attempts, m.lastStatus, m.lastError]).toEqual([
      'queued',
      1,
      503,
      'The receiver answered 503',
    ])
    // Not before its next try: 1 s base, jitter over the upper half (random 0.5 → 750 ms).
    expect(Date.parse(m.nextAt) - Date.parse(m.createdAt)).toBe(750)
    expect(await worker.tick()).toBe(0)
    for (let i = 0; i < 30 && m.status !== 'failed'; i++) {
      ctx.clock.advance(10 * 60_000)
      await worker.tick()
      m = (await ctx.call('GET', `/api/outbox/${m.id}`, ctx.tokens.admin)).body
    }
    expect(m.status).toBe('failed')
    expect(m.lastError).toMatch(/^Gave up after \d+ attempt\(s\): The receiver answered 503$/)
    expect(receiver.received.length).toBe(m.attempts)
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([m.id]))
    const notFailed = await ctx.call('POST', `/api/outbox/${m.id}/retry`, ctx.tokens.agent)
    expect(notFailed.status).toBe(403)
    answer = 204
    expect((await ctx.call('POST', `/api/outbox/${m.id}/retry`, ctx.tokens.admin)).body.status).toBe('queued')
    await worker.tick()
    expect((await ctx.call('GET', `/api/outbox/${m.id}`, ctx.tokens.admin)).body.status).toBe('sent')
    const again = await ctx.call('POST', `/api/outbox/${m.id}/retry`, ctx.tokens.admin)
    expect([again.status, again.body.code]).toEqual([409, 'outbox_not_failed'])
    const resent = await ctx.call(
      'POST',
      `/api/webhooks/${sub.id}/deliveries/${m.id}/resend`,
      ctx.tokens.admin,
    )
    expect(resent.status).toBe(201)
    await worker.tick()
    expect(receiver.received.at(-1)?.headers['webhook-id']).toBe(resent.body.id)
    expect(receiver.received.at(-1)?.body).toBe(receiver.received[0].body)
  })

  it('documents every event body and the signature headers in the OpenAPI webhooks section', async () => {
    ctx = await setupNow()
    const doc = (await ctx.call('GET', '/api/openapi.json', null)).body
    expect(Object.keys(doc.webhooks)).toContain('ticket.sla_breached')
    const created = doc.webhooks['ticket.created'].post
    expect(created.parameters.map((p: { name: string }) => p.name)).toEqual([
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
    ])
    expect(created.requestBody.content['application/json'].schema.properties.type).toEqual({
      const: 'ticket.created',
    })
    expect(doc.paths['/api/webhooks/{id}/rotate'].post.requestBody).toBeTruthy()
  })
})
