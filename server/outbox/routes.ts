import { randomBytes } from 'node:crypto'
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../auth/identity.ts'
import { jsonBody, notFound, Problem, parse } from '../http/problem.ts'
import { newId } from '../services/crypto.ts'
import type { Clock } from '../services/tickets.ts'
import { OUTBOX_STATUSES, type OutboxStore, WEBHOOK_EVENTS, type WebhookSubscription } from './outbox.ts'
import { urlProblem } from './ssrf.ts'

export const outboxPage = z.object({
  status: z.enum(OUTBOX_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
})

export const subscriptionBody = z
  .object({
    url: z.string().trim().min(1).max(2000),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1),
    sopId: z.string().min(1).nullish(),
    allowPrivate: z.boolean().default(false),
    active: z.boolean().default(true),
  })
  .strict()

export const rotateBody = z
  .object({
    overlapHours: z
      .number()
      .min(0)
      .max(24 * 30)
      .default(24),
  })
  .strict()

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`

/** A subscription as listed: the secrets are shown only when created or rotated. */
function shown(s: WebhookSubscription) {
  const { secret: _s, previousSecret: _p, ...rest } = s
  return { ...rest, secretHint: `${s.secret.slice(0, 10)}…` }
}

async function checkUrl(url: string, allowPrivate: boolean) {
  const problem = await urlProblem(url, allowPrivate)
  if (problem)
    throw new Problem(422, 'webhook_url_refused', `The webhook URL ${url} is refused: ${problem}`, {
      params: { url, reason: problem },
    })
}

/** The outbox as admins see it: every message's state, and a retry for a failed one. */
export function outboxRoutes(store: OutboxStore, clock: Clock) {
  const app = new Hono<AppEnv>()
  app.get('/', async (c) => {
    const q = parse(outboxPage, c.req.query(), 'query')
    return c.json({ counts: await store.counts(), messages: await store.list(q) })
  })
  app.get('/:id', async (c) => {
    const m = await store.get(c.req.param('id'))
    if (!m) throw notFound('Message', c.req.param('id'))
    return c.json(m)
  })
  app.post('/:id/retry', async (c) => {
    const id = c.req.param('id')
    const m = await store.get(id)
    if (!m) throw notFound('Message', id)
    if (!(await store.retry(id, clock().toISOString())))
      throw new Problem(
        409,
        'outbox_not_failed',
        `Message ${id} is ${m.status}; only a failed message is retried`,
        {
          params: { id, status: m.status },
        },
      )
    return c.json(await store.get(id))
  })
  return app
}

/** Webhook subscriptions: create, change, rotate the secret, the delivery log and resend. */
export function webhookRoutes(store: OutboxStore, clock: Clock) {
  const app = new Hono<AppEnv>()
  const find = async (id: string) => {
    const s = await store.getSubscription(id)
    if (!s) throw notFound('Webhook', id)
    return s
  }
  app.get('/', async (c) => c.json((await store.listSubscriptions()).map(shown)))
  app.post('/', async (c) => {
    const body = parse(subscriptionBody, await jsonBody(c))
    await checkUrl(body.url, body.allowPrivate)
    const s: WebhookSubscription = {
      id: newId('wh'),
      url: body.url,
      events: body.events,
      sopId: body.sopId ?? null,
      secret: newSecret(),
      previousSecret: null,
      previousUntil: null,
      allowPrivate: body.allowPrivate,
      active: body.active,
      createdAt: clock().toISOString(),
      createdBy: c.get('user').id,
    }
    await store.saveSubscription(s)
    return c.json({ ...shown(s), secret: s.secret }, 201)
  })
  app.put('/:id', async (c) => {
    const s = await find(c.req.param('id'))
    const body = parse(subscriptionBody, await jsonBody(c))
    await checkUrl(body.url, body.allowPrivate)
    const next = { ...s, ...body, sopId: body.sopId ?? null }
    await store.saveSubscription(next)
    return c.json(shown(next))
  })
  app.post('/:id/rotate', async (c) => {
    const s = await find(c.req.param('id'))
    const body = parse(rotateBody, await jsonBody(c))
    const until = new Date(clock().getTime() + body.overlapHours * 3_600_000).toISOString()
    const next = { ...s, secret: newSecret(), previousSecret: s.secret, previousUntil: until }
    await store.saveSubscription(next)
    return c.json({ ...shown(next), secret: next.secret })
  })
  app.get('/:id/deliveries', async (c) => {
    const s = await find(c.req.param('id'))
    const q = parse(outboxPage, c.req.query(), 'query')
    return c.json(await store.list({ ...q, subscriptionId: s.id }))
  })
  app.post('/:id/deliveries/:mid/resend', async (c) => {
    const s = await find(c.req.param('id'))
    const m = await store.get(c.req.param('mid'))
    if (!m || m.subscriptionId !== s.id) throw notFound('Message', c.req.param('mid'))
    const now = clock().toISOString()
    const copy = { ...m, id: newId('msg'), target: s.url, createdAt: now, nextAt: now }
    await store.enqueue([copy])
    return c.json(await store.get(copy.id), 201)
  })
  return app
}
