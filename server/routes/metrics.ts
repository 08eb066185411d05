import { Hono } from 'hono'
import type { AppEnv } from '../auth/roles.ts'
import { parse } from '../http/problem.ts'
import { schemas } from '../schemas.ts'
import { ticketSummaries } from '../services/auditSearch.ts'
import type { MetricsRunner } from '../services/metricsRunner.ts'
import type { TicketService } from '../services/tickets.ts'
import { computeWorkload } from '../services/workload.ts'
import type { MetricsFilter, Storage } from '../storage/types.ts'

const iso = (v?: string) => (v ? new Date(v).toISOString() : undefined)

function filterOf(q: {
  sop?: string
  version?: number
  channel?: string
  team?: string
  from?: string
  to?: string
  agentSurveys?: 'include' | 'exclude'
}): MetricsFilter {
  return {
    sopId: q.sop,
    sopVersion: q.version,
    channel: q.channel,
    team: q.team,
    from: iso(q.from),
    to: iso(q.to),
    ...(q.agentSurveys ? { agentSurveys: q.agentSurveys } : {}),
  }
}

/** The supervisor's figures, the tickets behind each, open-ticket workload and the filter choices. */
export function metricsRoutes(storage: Storage, tickets: TicketService, metrics: MetricsRunner) {
  const app = new Hono<AppEnv>()

  app.get('/', async (c) => {
    const q = parse(schemas.metricsQuery, c.req.query(), 'query')
    return c.json(await metrics.compute(filterOf(q)))
  })

  // The tickets behind a figure carry customers' names: not for owners, who see aggregates only.
  app.get('/tickets', async (c) => {
    const q = parse(schemas.metricsTicketsQuery, c.req.query(), 'query')
    const m = await metrics.compute(filterOf(q))
    const ids = m.drill[q.figure]
    const rows = (await Promise.all(ids.map((id) => storage.getTicket(id)))).filter((t) => t !== null)
    return c.json({
      figure: q.figure,
      total: ids.length,
      items: await ticketSummaries(storage, tickets, rows),
    })
  })

  app.get('/workload', async (c) => {
    const q = parse(schemas.metricsQuery, c.req.query(), 'query')
    return c.json(await computeWorkload(storage, filterOf(q), tickets.now()))
  })

  /** The choices of the dashboard's filters: SOPs with their published versions, and teams. */
  app.get('/options', async (c) => {
    const [sops, users] = await Promise.all([storage.listSops(true), storage.listUsers()])
    const published = sops.filter((s) => s.latestVersion !== null)
    const versions = await Promise.all(published.map((s) => storage.listVersions(s.id)))
    return c.json({
      sops: published.map((s, i) => ({
        id: s.id,
        title: s.title,
        versions: versions[i].map((v) => v.version),
      })),
      teams: [...new Set(users.map((u) => u.team).filter((t): t is string => Boolean(t)))].sort(),
    })
  })

  return app
}
