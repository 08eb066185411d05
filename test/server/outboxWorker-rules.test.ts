import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { mailSender } from '../../server/outbox/mail.ts'
import type { OutboxRow } from '../../server/outbox/outbox.ts'
import { webhookSender } from '../../server/outbox/webhookOut.ts'
import { OutboxWorker, type WorkerOptions } from '../../server/outbox/worker.ts'
import { setup } from './helpers.ts'
import { webhookReceiver } from './webhookReceiver.ts'

// The rules of delivering the outbox: what each kind of failure is recorded as, when a retry is
// due, when delivery is given up, how long a delivery holds its message, and the worker's own loop.

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
const closing: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of closing.splice(0)) await c()
  await ctx?.storage.close()
})

function workerFor(c: Ctx, options: WorkerOptions = {}) {
  return new OutboxWorker(
    c.sopflow.outbox,
    { mail: mailSender(null), webhook: webhookSender(c.sopflow.outbox) },
    c.clock,
    { random: () => 0.5, giveUpMs: 3_600_000, ...options },
  )
}

/** A row written straight into the outbox, as a ticket commit or a resend would. */
function row(c: Ctx, extra: Partial<OutboxRow>): OutboxRow {
  const now = c.clock().toISOString()
  return {
    id: `msg_${Math.random().toString(36).slice(2)}`,
    kind: 'webhook',
    ticketId: null,
    event: 'ticket.created',
    target: 'http://127.0.0.1:9/x',
    subscriptionId: null,
    payload: { type: 'ticket.created', data: {} },
    createdAt: now,
    nextAt: now,
    ...extra,
  }
}

async function subscription(c: Ctx, url: string) {
  const r = await c.call('POST', '/api/webhooks', c.tokens.admin, {
    url,
    events: ['ticket.created'],
    allowPrivate: true,
  })
  expect(r.status).toBe(201)
  return r.body as { id: string; secret: string }
}

const message = async (c: Ctx, id: string) => (await c.sopflow.outbox.get(id))!

describe('outbox delivery rules', () => {
  it('a receiver answering 2xx is sent; 300 and 500 are retried after the backoff, with the status kept', async () => {
    ctx = await setup()
    let status = 204
    const receiver = await webhookReceiver(() => status)
    closing.push(receiver.close)
    const ok = row(ctx, { target: receiver.url })
    await ctx.sopflow.outbox.enqueue([ok])
    expect(await workerFor(ctx).tick()).toBe(1)
    expect(await message(ctx, ok.id)).toMatchObject({ status: 'sent', lastStatus: 204, attempts: 1 })
    for (const s of [300, 500]) {
      status = s
      const m = row(ctx, { target: receiver.url })
      await ctx.sopflow.outbox.enqueue([m])
      await workerFor(ctx).tick()
      const after = await message(ctx, m.id)
      expect(after.status, String(s)).toBe('queued')
      expect(after.lastStatus).toBe(s)
      expect(after.lastError).toBe(`The receiver answered ${s}`)
      // First retry: the base of 1 s, jitter over its upper half (random 0.5 → 750 ms).
      expect(after.nextAt).toBe(new Date(ctx.clock().getTime() + 750).toISOString())
    }
  })

  it('gives up once the message is older than giveUpMs, naming the attempts and the last error', async () => {
    ctx = await setup()
    const receiver = await webhookReceiver(() => 503)
    closing.push(receiver.close)
    const m = row(ctx, { target: receiver.url })
    await ctx.sopflow.outbox.enqueue([m])
    const worker = workerFor(ctx, { giveUpMs: 60_000 })
    await worker.tick()
    expect((await message(ctx, m.id)).status).toBe('queued')
    // Exactly giveUpMs after it was written: given up.
    ctx.clock.advance(60_000)
    await worker.tick()
    const failed = await message(ctx, m.id)
    expect(failed.status).toBe('failed')
    expect(failed.lastError).toBe('Gave up after 2 attempt(s): The receiver answered 503')
    expect(failed.lastStatus).toBe(503)
    // The default is three days.
    const later = row(ctx, { target: receiver.url })
    await ctx.sopflow.outbox.enqueue([later])
    const patient = new OutboxWorker(
      ctx.sopflow.outbox,
      { mail: mailSender(null), webhook: webhookSender(ctx.sopflow.outbox) },
      ctx.clock,
      { random: () => 0.5 },
    )
    ctx.clock.advance(3 * 86_400_000 - 1)
    await patient.tick()
    expect((await message(ctx, later.id)).status).toBe('queued')
  })

  it('a removed subscription or a refused URL fails at once, whatever the age; an unreachable receiver is retried', async () => {
    ctx = await setup()
    const gone = row(ctx, { subscriptionId: 'wh_gone' })
    const sub = await subscription(ctx, 'http://127.0.0.1:9/x')
    const stored = (await ctx.sopflow.outbox.getSubscription(sub.id))!
    await ctx.sopflow.outbox.saveSubscription({ ...stored, allowPrivate: false })
    const refused = row(ctx, { subscriptionId: sub.id, target: 'http://127.0.0.1:9/x' })
    // A closed port on the loopback: nothing listens there.
    const probe = createServer()
    await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>((ok) => probe.close(() => ok()))
    const unreachable = row(ctx, { target: `http://127.0.0.1:${port}/x` })
    await ctx.sopflow.outbox.enqueue([gone, refused, unreachable])
    expect(await workerFor(ctx).tick()).toBe(3)
    expect(await message(ctx, gone.id)).toMatchObject({
      status: 'failed',
      lastError: 'The subscription was removed',
    })
    const r = await message(ctx, refused.id)
    expect(r.status).toBe('failed')
    expect(r.lastError).toMatch(/^The URL is refused: \S/)
    const u = await message(ctx, unreachable.id)
    expect(u.status).toBe('queued')
    expect(u.lastError).toMatch(/^The receiver could not be reached: \S/)
    expect(u.lastStatus).toBeNull()
  })

  it('mail without a relay and a notice without a notice sender are retried with the reason', async () => {
    ctx = await setup()
    const mail = row(ctx, {
      kind: 'mail',
      target: 'ana@example.com',
      payload: { from: 'a@b.c', to: 'ana@example.com', subject: 'Hi', text: 'Hi', messageId: '<x@b.c>' },
    })
    const notice = row(ctx, { kind: 'notify', target: 'team' })
    await ctx.sopflow.outbox.enqueue([mail, notice])
    await workerFor(ctx).tick()
    expect(await message(ctx, mail.id)).toMatchObject({
      status: 'queued',
      lastError: 'No SMTP relay is configured (--smtp-relay)',
    })
    expect(await message(ctx, notice.id)).toMatchObject({
      status: 'queued',
      lastError: 'Notices are not delivered by this worker',
    })
  })

  it('a delivery holds its message for leaseMs: another worker does not take it meanwhile', async () => {
    ctx = await setup()
    let release: () => void = () => {}
    const held = new Promise<void>((ok) => {
      release = ok
    })
    const slow = createServer((req, res) => {
      req.resume()
      held.then(() => res.writeHead(200).end())
    })
    await new Promise<void>((ok) => slow.listen(0, '127.0.0.1', ok))
    closing.push(() => new Promise<void>((ok) => slow.close(() => ok())))
    const m = row(ctx, { target: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/x` })
    await ctx.sopflow.outbox.enqueue([m])
    const first = workerFor(ctx, { leaseMs: 30_000 }).tick()
    await new Promise((ok) => setTimeout(ok, 100))
    const during = await message(ctx, m.id)
    expect(during.status).toBe('sending')
    expect(during.leaseUntil).toBe(new Date(ctx.clock().getTime() + 30_000).toISOString())
    expect(await workerFor(ctx).tick()).toBe(0)
    release()
    expect(await first).toBe(1)
    expect((await message(ctx, m.id)).status).toBe('sent')
  })

  it('signs with the previous secret until, not at, the end of the overlap', async () => {
    ctx = await setup()
    ctx.clock.advance(Date.now() - ctx.clock().getTime())
    const receiver = await webhookReceiver()
    closing.push(receiver.close)
    const sub = await subscription(ctx, receiver.url)
    const until = new Date(ctx.clock().getTime() + 3_600_000).toISOString()
    const stored = (await ctx.sopflow.outbox.getSubscription(sub.id))!
    await ctx.sopflow.outbox.saveSubscription({
      ...stored,
      secret: `whsec_${Buffer.from('n'.repeat(24)).toString('base64')}`,
      previousSecret: stored.secret,
      previousUntil: until,
    })
    ctx.clock.advance(3_600_000 - 1)
    await ctx.sopflow.outbox.enqueue([row(ctx, { subscriptionId: sub.id, target: receiver.url })])
    await workerFor(ctx).tick()
    ctx.clock.advance(1)
    await ctx.sopflow.outbox.enqueue([row(ctx, { subscriptionId: sub.id, target: receiver.url })])
    await workerFor(ctx).tick()
    const signatures = receiver.received.map((r) => String(r.headers['webhook-signature']).split(' ').length)
    expect(signatures).toEqual([2, 1])
    const last = receiver.received[1]
    expect(() => new Webhook(sub.secret).verify(last.body, last.headers as Record<string, string>)).toThrow()
    // A message of no subscription and no connection goes unsigned.
    await ctx.sopflow.outbox.enqueue([row(ctx, { target: receiver.url })])
    await workerFor(ctx).tick()
    expect(receiver.received[2].headers['webhook-signature']).toBeUndefined()
    expect(receiver.received[2].headers['webhook-id']).toMatch(/^msg_/)
  })

  it('started, it queues again what a stopped process was sending and delivers on its own until stopped', async () => {
    ctx = await setup()
    const receiver = await webhookReceiver()
    closing.push(receiver.close)
    const interrupted = row(ctx, { target: receiver.url })
    await ctx.sopflow.outbox.enqueue([interrupted])
    // Taken by a process that died while sending: leased far ahead.
    const now = ctx.clock().toISOString()
    expect(
      await ctx.sopflow.outbox.lease(now, new Date(Date.now() + 86_400_000).toISOString(), 16),
    ).toHaveLength(1)
    const lines: string[] = []
    const worker = workerFor(ctx, { intervalMs: 20, log: (l) => lines.push(l) })
    worker.start()
    for (let i = 0; i < 100 && receiver.received.length < 1; i++)
      await new Promise((ok) => setTimeout(ok, 20))
    expect(lines).toContain('outbox: 1 message(s) interrupted by a stop are queued again')
    expect((await message(ctx, interrupted.id)).status).toBe('sent')
    // Idle, it looks again every intervalMs.
    const next = row(ctx, { target: receiver.url })
    await ctx.sopflow.outbox.enqueue([next])
    for (let i = 0; i < 100 && receiver.received.length < 2; i++)
      await new Promise((ok) => setTimeout(ok, 20))
    expect((await message(ctx, next.id)).status).toBe('sent')
    await worker.stop()
    const after = row(ctx, { target: receiver.url })
    await ctx.sopflow.outbox.enqueue([after])
    await new Promise((ok) => setTimeout(ok, 150))
    expect((await message(ctx, after.id)).status).toBe('queued')
    expect(receiver.received).toHaveLength(2)
  })

  it('after a round that found work it looks again at once, not after intervalMs', async () => {
    ctx = await setup()
    const receiver = await webhookReceiver()
    closing.push(receiver.close)
    const rows = [
      row(ctx, { target: receiver.url }),
      row(ctx, { target: receiver.url }),
      row(ctx, { target: receiver.url }),
    ]
    await ctx.sopflow.outbox.enqueue(rows)
    const worker = workerFor(ctx, { intervalMs: 60_000, batch: 1 })
    worker.start()
    for (let i = 0; i < 150 && receiver.received.length < 3; i++)
      await new Promise((ok) => setTimeout(ok, 20))
    await worker.stop()
    expect(receiver.received).toHaveLength(3)
  })

  it('a failure given up is logged with the message id and why', async () => {
    ctx = await setup()
    const lines: string[] = []
    const m = row(ctx, { subscriptionId: 'wh_gone' })
    await ctx.sopflow.outbox.enqueue([m])
    await workerFor(ctx, { log: (l) => lines.push(l) }).tick()
    expect(lines).toEqual([`outbox: ${m.id} failed: The subscription was removed`])
  })
})
