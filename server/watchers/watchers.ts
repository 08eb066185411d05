import { type Context, Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../auth/identity.ts'
import { jsonBody, notFound, parse } from '../http/problem.ts'
import type { Op } from '../openapi/operations.ts'
import type { TicketService } from '../services/tickets.ts'
import type { AuditRow, Storage, TicketRow } from '../storage/types.ts'

/** The payload of a `watch` audit record: someone starts or stops watching the ticket. */
export interface WatchPayload {
  userId: string
  watching: boolean
}

/**
 * A ticket's watchers, from its `watch` records in order: the last record about a person decides.
 * They live in the ticket's chain, so adding one commits with its record, and history shows who
 * watched when.
 */
export function watchersOf(audit: readonly AuditRow[]): string[] {
  const on = new Map<string, boolean>()
  for (const a of audit) {
    if (a.type !== 'watch') continue
    const p = a.payload as WatchPayload
    on.set(p.userId, p.watching)
  }
  return [...on].filter(([, w]) => w).map(([id]) => id)
}

export async function ticketWatchers(storage: Storage, ticketId: string): Promise<string[]> {
  return watchersOf(await storage.getAudit(ticketId, ['watch']))
}

export const watchBody = z.object({ userId: z.string().min(1).max(100) }).strict()

/** Watchers of a ticket: listed, added and removed by the people who work tickets. */
export function watcherRoutes(
  storage: Storage,
  tickets: TicketService,
  /** The ticket of the request, when its user may read it (the team rule of the ticket routes). */
  readable: (c: Context<AppEnv>) => Promise<TicketRow>,
) {
  const app = new Hono<AppEnv>()
  const list = async (id: string) => {
    const [ids, users] = await Promise.all([ticketWatchers(storage, id), storage.listUsers()])
    const names = new Map(users.map((u) => [u.id, u.name]))
    return ids.map((userId) => ({ userId, name: names.get(userId) ?? userId }))
  }
  const change = async (user: AppEnv['Variables']['user'], id: string, userId: string, watching: boolean) => {
    const watcher = await storage.getUser(userId)
    if (!watcher || watcher.disabledAt) throw notFound('User', userId)
    const now = await ticketWatchers(storage, id)
    if (now.includes(userId) === watching) return
    await tickets.amend(user, id, (t) => ({
      ticket: t,
      type: 'watch',
      payload: { userId, watching } satisfies WatchPayload,
      bump: false,
    }))
  }
  app.get('/:id/watchers', async (c) => {
    const t = await readable(c)
    return c.json(await list(t.id))
  })
  app.post('/:id/watchers', async (c) => {
    const body = parse(watchBody, await jsonBody(c))
    const t = await readable(c)
    await change(c.get('user'), t.id, body.userId, true)
    return c.json(await list(t.id), 201)
  })
  app.delete('/:id/watchers/:userId', async (c) => {
    const t = await readable(c)
    const userId = c.req.param('userId')
    if (!(await ticketWatchers(storage, t.id)).includes(userId)) throw notFound('Watcher', userId)
    await change(c.get('user'), t.id, userId, false)
    return c.json(await list(t.id))
  })
  return app
}

export const watcherOps: Op[] = [
  { method: 'get', path: '/api/tickets/{id}/watchers', summary: "The ticket's watchers", tag: 'Tickets' },
  {
    method: 'post',
    path: '/api/tickets/{id}/watchers',
    summary: 'Add a watcher: they are told of breaches, escalations and customer replies',
    tag: 'Tickets',
    body: watchBody,
    notes:
      "Recorded in the ticket's audit chain (a `watch` record). Adding someone who already watches changes nothing.",
  },
  {
    method: 'delete',
    path: '/api/tickets/{id}/watchers/{userId}',
    summary: 'Remove a watcher',
    tag: 'Tickets',
  },
]
