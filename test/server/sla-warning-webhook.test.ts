import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { mailSender } from '../../server/outbox/mail.ts'
import { webhookSender } from '../../server/outbox/webhookOut.ts'
import { OutboxWorker } from '../../server/outbox/worker.ts'
import { TimerScheduler } from '../../server/timers/scheduler.ts'
import { setup } from './helpers.ts'
import { webhookReceiver } from './webhookReceiver.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
const H = 3_600_000
let ctx: Ctx
const closing: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of closing.splice(0)) await c()
  await ctx?.storage.close()
})

/** First reply within 4 hours (wall-clock), warned at 75 %; resolution within 8 hours, unwarned. */
const warned = {
  schema: 'sopflow/v1',
  id: 'warned_reply',
  title: 'Warned reply',
  department: 'Care',
  purpose: 'Warn the supervisor before the first reply is late.',
  policy: {
    targets: [
      { metric: 'first_reply', due: 'PT4H', warnAt: 0.75, warnNotify: 'supervisor' },
      { metric: 'resolution', due: 'PT8H', notify: 'supervisor' },
    ],
  },
  initial: 'work',
  steps: [
    { id: 'work', kind: 'task', title: 'Work the ticket', roles: ['agent'] },
    { id: 'done', kind: 'end', title: 'Resolved', outcome: 'resolved' },
  ],
  transitions: [{ id: 'resolve', from: 'work', to: 'done', action: 'resolve', reply: true }],
}

describe('the ticket.sla_warning webhook', () => {
  it('delivers exactly one signed ticket.sla_warning per warning, with the metric, step, due time and share', async () => {
    ctx = await setup()
    // The receiver's library checks the signed timestamp: the warnings fall due at the real time.
    ctx.clock.advance(Date.now() - 3 * H - ctx.clock().getTime())
    const receiver = await webhookReceiver()
    closing.push(receiver.close)
    const sub = await ctx.call('POST', '/api/webhooks', ctx.tokens.admin, {
      url: receiver.url,
      events: ['ticket.sla_warning'],
      allowPrivate: true,
    })
    expect(sub.status).toBe(201)
    expect((await ctx.call('POST', '/api/sops', ctx.tokens.owner, { document: warned })).status).toBe(201)
    expect((await ctx.call('POST', '/api/sops/warned_reply/publish', ctx.tokens.owner)).status).toBe(201)
    const start = ctx.clock().getTime()
    const open = async (subject: string) => {
      const r = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
        sopId: 'warned_reply',
        channel: 'email',
        subject,
      })
      expect(r.status).toBe(201)
      return r.body.ticket.id as string
    }
    const first = await open('Card blocked')
    const second = await open('Card blocked again')
    const scheduler = new TimerScheduler(ctx.storage, ctx.sopflow.tickets, ctx.clock)
    const worker = new OutboxWorker(
      ctx.sopflow.outbox,
      { mail: mailSender(null), webhook: webhookSender(ctx.sopflow.outbox) },
      ctx.clock,
      { random: () => 0.5, giveUpMs: H },
    )
    // Before 75 % of the 4 hours: nothing.
    ctx.clock.advance(3 * H - 1000)
    expect(await scheduler.tick()).toBe(0)
    await worker.tick()
    expect(receiver.received).toHaveLength(0)
    // At 3 hours both tickets warn, once each.
    ctx.clock.advance(1000)
    expect(await scheduler.tick()).toBe(2)
    await worker.tick()
    expect(receiver.received).toHaveLength(2)
    // Later timers (the breaches) and further worker rounds send no second warning.
    ctx.clock.advance(6 * H)
    await scheduler.tick()
    await worker.tick()
    await worker.tick()
    expect(receiver.received).toHaveLength(2)
    const verifier = new Webhook(sub.body.secret)
    const events = receiver.received.map(
      (r) => verifier.verify(r.body, r.headers as Record<string, string>) as { type: string; data: any },
    )
    expect(events.map((e) => e.type)).toEqual(['ticket.sla_warning', 'ticket.sla_warning'])
    const due = new Date(start + 4 * H).toISOString()
    expect(events.map((e) => e.data.ticketId).sort()).toEqual([first, second].sort())
    for (const e of events)
      expect(e.data).toMatchObject({
        metric: 'first_reply',
        stepId: 'work',
        due,
        warnAt: 0.75,
        notify: 'supervisor',
        sopId: 'warned_reply',
      })
  })

  it('lists ticket.sla_warning in the OpenAPI webhooks and accepts it in a subscription', async () => {
    ctx = await setup()
    const doc = await ctx.call('GET', '/api/openapi.json', null)
    expect(Object.keys(doc.body.webhooks)).toContain('ticket.sla_warning')
    const bad = await ctx.call('POST', '/api/webhooks', ctx.tokens.admin, {
      url: 'https://example.com/hook',
      events: ['ticket.sla_warned'],
    })
    expect(bad.status).toBe(400)
    expect((await ctx.call('GET', '/api/webhooks', ctx.tokens.admin)).body).toEqual([])
  })
})
