import { Hono } from 'hono'
import type { AppEnv } from '../auth/roles.ts'
import { parse } from '../http/problem.ts'
import { schemas } from '../schemas.ts'
import { searchForAudit } from '../services/auditSearch.ts'
import type { TicketService } from '../services/tickets.ts'
import type { Storage } from '../storage/types.ts'

const iso = (v?: string) => (v ? new Date(v).toISOString() : undefined)

/** The auditor's ticket search, with each ticket's verification. */
export function auditRoutes(storage: Storage, tickets: TicketService) {
  const app = new Hono<AppEnv>()
  app.get('/tickets', async (c) => {
    const q = parse(schemas.auditQuery, c.req.query(), 'query')
    return c.json(
      await searchForAudit(storage, tickets, {
        q: q.q,
        sopId: q.sop,
        sopVersion: q.version,
        status: q.status,
        outcome: q.outcome,
        channel: q.channel,
        assigneeId: q.assignee,
        from: iso(q.from),
        to: iso(q.to),
        limit: q.limit,
        offset: q.offset,
      }),
    )
  })
  return app
}
