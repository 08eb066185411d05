import type { MetricsFilter, Storage, TicketRow } from '../storage/types.ts'

/** Open tickets of one agent or one team: how many, how old, how many past their SLA deadline. */
export interface Load {
  /** The user id or team name; null for tickets nobody (or no team) has. */
  id: string | null
  name: string | null
  open: number
  overdue: number
  /** Age of the oldest open ticket, and the average age, at the time of asking. */
  oldestMs: number
  avgAgeMs: number
}

export interface Workload {
  at: string
  total: number
  agents: Load[]
  teams: Load[]
}

function summarise(
  groups: Map<string | null, TicketRow[]>,
  name: (id: string | null) => string | null,
  now: string,
) {
  const at = Date.parse(now)
  const out: Load[] = []
  for (const [id, rows] of groups) {
    const ages = rows.map((t) => at - Date.parse(t.createdAt))
    out.push({
      id,
      name: name(id),
      open: rows.length,
      // Stryker disable next-line ConditionalExpression: with the null check made true, `null <= now` is false anyway
      overdue: rows.filter((t) => t.dueAt !== null && t.dueAt <= now).length,
      oldestMs: Math.max(...ages),
      avgAgeMs: ages.reduce((a, b) => a + b, 0) / ages.length,
    })
  }
  // Busiest first; the unassigned group last.
  return out.sort((a, b) => Number(a.id === null) - Number(b.id === null) || b.open - a.open)
}

/**
 * Open tickets per agent (their assignee) and per team (the assignee's team), whenever they were
 * created: the period filter does not apply, the SOP, version, channel and team filters do.
 */
export async function computeWorkload(
  storage: Storage,
  filter: MetricsFilter,
  now: string,
): Promise<Workload> {
  const { from: _from, to: _to, ...rest } = filter
  const [rows, users] = await Promise.all([storage.ticketsForMetrics(rest), storage.listUsers()])
  const open = rows.filter((t) => t.status === 'open')
  const byId = new Map(users.map((u) => [u.id, u]))
  const agents = new Map<string | null, TicketRow[]>()
  const teams = new Map<string | null, TicketRow[]>()
  for (const t of open) {
    const agent = t.assigneeId ?? null
    agents.set(agent, [...(agents.get(agent) ?? []), t])
    const team = (agent && byId.get(agent)?.team) || null
    teams.set(team, [...(teams.get(team) ?? []), t])
  }
  return {
    at: now,
    total: open.length,
    agents: summarise(agents, (id) => (id ? (byId.get(id)?.name ?? id) : null), now),
    teams: summarise(teams, (id) => id, now),
  }
}
