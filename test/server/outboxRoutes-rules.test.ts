import { afterEach, describe, expect, it } from 'vitest'
import { mailSender } from '../../server/outbox/mail.ts'
import { webhookSender } from '../../server/outbox/webhookOut.ts'
import { OutboxWorker } from '../../server/outbox/worker.ts'
import { openTicket, setup } from './helpers.ts'
import { webhookReceiver } from './webhookReceiver.ts'

// The rules of the outbox and webhook routes: what a listing shows of a secret, what a refused URL
// names, what a change keeps, which message a retry or a resend takes, and the paging limits.

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
const closing: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of closing.splice(0)) await c()
  await ctx?.storage.close()
})

const worker = (c: Ctx) =>
  new OutboxWorker(
    c.sopflow.outbox,
    { mail: mailSender(null), webhook: webhookSender(c.sopflow.outbox) },
    c.clock,
    {
      random: () => 0.5,
      giveUpMs: 0,
    },
  )

async function subscribe(c: Ctx, url: string, extra: Record<string, unknown> = {}) {
  const r = await c.call('POST', '/api/webhooks', c.tokens.admin, {
    url,
    events: ['ticket.created'],
    allowPrivate: true,
    ...extra,
  })
  expect(r.status).toBe(201)
  return r.body as { id: string; secret: string; secretHint: string; sopId: string | null }
}

describe('webhook subscription routes', () => {
  it('shows a secret only when created; a listing shows its first ten characters and no secret', async () => {
    ctx = await setup()
    const sub = await subscribe(ctx, 'http://127.0.0.1:9/hook')
    expect(sub.secret).toMatch(/^whsec_/)
    expect(sub.secretHint).toBe(`${sub.secret.slice(0, 10)}…`)
    expect(sub.sopId).toBeNull()
    const listed = (await ctx.call('GET', '/api/webhooks', ctx.tokens.admin)).body
    expect(listed).toHaveLength(1)
    expect(listed[0].secretHint).toBe(`${sub.secret.slice(0, 10)}…`)
    expect(Object.keys(listed[0])).not.toContain('secret')
    expect(Object.keys(listed[0])).not.toContain('previousSecret')
    expect(JSON.stringify(listed)).not.toContain(sub.secret)
    // A rotation shows the new secret once; the old one is not shown.
    const rotated = (await ctx.call('POST', `/api/webhooks/${sub.id}/rotate`, ctx.tokens.admin, {})).body
    expect(rotated.secret).not.toBe(sub.secret)
    expect(rotated.secretHint).toBe(`${rotated.secret.slice(0, 10)}…`)
    expect(JSON.stringify(rotated)).not.toContain(sub.secret)
    // Default overlap: 24 hours from the clock.
    expect(rotated.previousUntil).toBe(new Date(ctx.clock().getTime() + 24 * 3_600_000).toISOString())
  })

  it('names the refused URL and the reason, and saves nothing', async () => {
    ctx = await setup()
    const r = await ctx.call('POST', '/api/webhooks', ctx.tokens.admin, {
      url: 'http://127.0.0.1:9/x',
      events: ['ticket.created'],
    })
    expect(r.status).toBe(422)
    expect(r.body.code).toBe('webhook_url_refused')
    expect(r.body.params.url).toBe('http://127.0.0.1:9/x')
    expect(typeof r.body.params.reason).toBe('string')
    expect(r.body.params.reason.length).toBeGreaterThan(0)
    expect(r.body.detail).toContain('http://127.0.0.1:9/x')
    expect(r.body.detail).toContain(r.body.params.reason)
    expect((await ctx.call('GET', '/api/webhooks', ctx.tokens.admin)).body).toEqual([])
  })

  it('refuses an empty or over-long URL, no events, and an empty SOP id', async () => {
    ctx = await setup()
    const base = { url: 'http://127.0.0.1:9/x', events: ['ticket.created'], allowPrivate: true }
    for (const [name, body] of [
      ['blank url', { ...base, url: '   ' }],
      ['long url', { ...base, url: `http://127.0.0.1:9/${'x'.repeat(2000)}` }],
      ['no events', { ...base, events: [] }],
      ['empty sop', { ...base, sopId: '' }],
    ] as const) {
      const r = await ctx.call('POST', '/api/webhooks', ctx.tokens.admin, body)
      expect(r.status, name).toBe(400)
    }
    expect((await ctx.call('GET', '/api/webhooks', ctx.tokens.admin)).body).toEqual([])
    // A SOP id of two letters is accepted and kept.
    const kept = await subscribe(ctx, 'http://127.0.0.1:9/x', { sopId: 'ab' })
    expect(kept.sopId).toBe('ab')
  })

  it('a change keeps the id and secret, sets what is sent, clears an omitted SOP, and checks the new URL', async () => {
    ctx = await setup()
    const sub = await subscribe(ctx, 'http://127.0.0.1:9/a', { sopId: 'support-ticket' })
    const changed = await ctx.call('PUT', `/api/webhooks/${sub.id}`, ctx.tokens.admin, {
      url: 'http://127.0.0.1:9/b',
      events: ['ticket.note_added'],
      allowPrivate: true,
      active: false,
    })
    expect(changed.status).toBe(200)
    expect(changed.body).toMatchObject({
      id: sub.id,
      url: 'http://127.0.0.1:9/b',
      events: ['ticket.note_added'],
      active: false,
      sopId: null,
      secretHint: sub.secretHint,
    })
    expect(JSON.stringify(changed.body)).not.toContain(sub.secret)
    const refused = await ctx.call('PUT', `/api/webhooks/${sub.id}`, ctx.tokens.admin, {
      url: 'http://10.0.0.1/c',
      events: ['ticket.created'],
    })
    expect(refused.status).toBe(422)
    expect(refused.body.params.url).toBe('http://10.0.0.1/c')
    const listed = (await ctx.call('GET', '/api/webhooks', ctx.tokens.admin)).body
    expect(listed.map((s: any) => [s.id, s.url])).toEqual([[sub.id, 'http://127.0.0.1:9/b']])
    const missing = await ctx.call('PUT', '/api/webhooks/wh_none', ctx.tokens.admin, {
      url: 'http://127.0.0.1:9/b',
      events: ['ticket.created'],
      allowPrivate: true,
    })
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ code: 'not_found', params: { kind: 'webhook', id: 'wh_none' } })
  })

  it('resends only a delivery of that subscription, as a new message to its current URL', async () => {
    ctx = await setup()
    const receiver = await webhookReceiver()
    closing.push(receiver.close)
    const a = await subscribe(ctx, receiver.url)
    const b = await subscribe(ctx, 'http://127.0.0.1:9/other')
    await openTicket(ctx)
    const logA = (await ctx.call('GET', `/api/webhooks/${a.id}/deliveries`, ctx.tokens.admin)).body
    const logB = (await ctx.call('GET', `/api/webhooks/${b.id}/deliveries`, ctx.tokens.admin)).body
    expect(logA).toHaveLength(1)
    expect(logB).toHaveLength(1)
    const wrong = await ctx.call(
      'POST',
      `/api/webhooks/${a.id}/deliveries/${logB[0].id}/resend`,
      ctx.tokens.admin,
    )
    expect(wrong.status).toBe(404)
    expect(wrong.body.params).toEqual({ kind: 'message', id: logB[0].id })
    const none = await ctx.call('POST', `/api/webhooks/${a.id}/deliveries/msg_none/resend`, ctx.tokens.admin)
    expect(none.status).toBe(404)
    expect(none.body.params).toEqual({ kind: 'message', id: 'msg_none' })
    await ctx.call('PUT', `/api/webhooks/${a.id}`, ctx.tokens.admin, {
      url: `${receiver.url}?moved=1`,
      events: ['ticket.created'],
      allowPrivate: true,
    })
    ctx.clock.advance(60_000)
    const copy = await ctx.call(
      'POST',
      `/api/webhooks/${a.id}/deliveries/${logA[0].id}/resend`,
      ctx.tokens.admin,
    )
    expect(copy.status).toBe(201)
    expect(copy.body.id).not.toBe(logA[0].id)
    expect(copy.body.id).toMatch(/^msg_/)
    expect(copy.body.target).toBe(`${receiver.url}?moved=1`)
    expect(copy.body.createdAt).toBe(ctx.clock().toISOString())
    expect(copy.body.subscriptionId).toBe(a.id)
    expect((await ctx.call('GET', `/api/webhooks/${a.id}/deliveries`, ctx.tokens.admin)).body).toHaveLength(2)
    const unknown = await ctx.call('GET', '/api/webhooks/wh_none/deliveries', ctx.tokens.admin)
    expect(unknown.status).toBe(404)
  })
})

describe('outbox routes', () => {
  it('retries only a failed message, naming its status otherwise; an unknown message is not found', async () => {
    ctx = await setup()
    const receiver = await webhookReceiver(() => 500)
    closing.push(receiver.close)
    await subscribe(ctx, receiver.url)
    await openTicket(ctx)
    const [queued] = (await ctx.call('GET', '/api/outbox', ctx.tokens.admin)).body.messages
    const early = await ctx.call('POST', `/api/outbox/${queued.id}/retry`, ctx.tokens.admin)
    expect(early.status).toBe(409)
    expect(early.body.code).toBe('outbox_not_failed')
    expect(early.body.params).toEqual({ id: queued.id, status: queued.status })
    expect(early.body.detail).toContain(queued.id)
    expect(early.body.detail).toContain(queued.status)
    // Delivered to a receiver answering 500, with no time to retry: failed.
    expect(await worker(ctx).tick()).toBe(1)
    const failed = (await ctx.call('GET', `/api/outbox/${queued.id}`, ctx.tokens.admin)).body
    expect(failed.status).toBe('failed')
    ctx.clock.advance(1000)
    const again = await ctx.call('POST', `/api/outbox/${queued.id}/retry`, ctx.tokens.admin)
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(queued.id)
    expect(again.body.status).not.toBe('failed')
    for (const path of ['/api/outbox/msg_none', '/api/outbox/msg_none/retry']) {
      const r = await ctx.call(path.endsWith('retry') ? 'POST' : 'GET', path, ctx.tokens.admin)
      expect(r.status, path).toBe(404)
      expect(r.body.params, path).toEqual({ kind: 'message', id: 'msg_none' })
    }
  })

  it('pages with limit 1 to 500 and offset from 0, and refuses others naming the query', async () => {
    ctx = await setup()
    await subscribe(ctx, 'http://127.0.0.1:9/a', { events: ['ticket.created', 'ticket.note_added'] })
    const t = await openTicket(ctx)
    await ctx.call('POST', `/api/tickets/${t.id}/notes`, ctx.tokens.agent, { text: 'one' })
    const all = (await ctx.call('GET', '/api/outbox', ctx.tokens.admin)).body.messages
    expect(all.length).toBeGreaterThanOrEqual(2)
    const first = (await ctx.call('GET', '/api/outbox?limit=1', ctx.tokens.admin)).body.messages
    expect(first.map((m: any) => m.id)).toEqual([all[0].id])
    const second = (await ctx.call('GET', '/api/outbox?limit=1&offset=1', ctx.tokens.admin)).body.messages
    expect(second.map((m: any) => m.id)).toEqual([all[1].id])
    expect((await ctx.call('GET', '/api/outbox?limit=500', ctx.tokens.admin)).status).toBe(200)
    for (const q of ['limit=0', 'limit=501', 'offset=-1', 'limit=1.5']) {
      const r = await ctx.call('GET', `/api/outbox?${q}`, ctx.tokens.admin)
      expect(r.status, q).toBe(400)
    }
    const subs = (await ctx.call('GET', '/api/webhooks', ctx.tokens.admin)).body
    const page = await ctx.call('GET', `/api/webhooks/${subs[0].id}/deliveries?limit=501`, ctx.tokens.admin)
    expect(page.status).toBe(400)
  })
})
