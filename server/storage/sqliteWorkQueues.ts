/**
 * Work queues on the SQLite database, as clauses over the `tickets` table of a ticket list: the
 * responsible team of a ticket is the team its current steps name (table `sop_steps`, filled by a
 * trigger when an SOP version is published).
 */

import type { TicketFilter } from './types.ts'

export interface Clause {
  sql: string
  args: unknown[]
}

/** The current steps of the ticket, with their team and roles, as `st`. */
const STEPS = `SELECT 1 FROM json_each(tickets.steps) a
  JOIN sop_steps st ON st.sop_id = tickets.sop_id AND st.version = tickets.sop_version AND st.step_id = a.value`

/** The step allows one of the roles in the JSON array bound here (or names no roles). */
const ROLE_FITS = `(json_array_length(st.roles) = 0
  OR EXISTS (SELECT 1 FROM json_each(st.roles) r WHERE r.value IN (SELECT value FROM json_each(?))))`

const TEAMED = `EXISTS (${STEPS} WHERE st.team IS NOT NULL)`

/** Tickets whose current steps name this team. */
export function teamClause(team: string): Clause {
  return { sql: `EXISTS (${STEPS} WHERE st.team = ?)`, args: [team] }
}

/**
 * What a team member may read: their own tickets, their team's (by assignee), and unassigned ones
 * that are their team's work or no team's.
 */
export function visibleClause(v: { userId: string; team: string }): Clause {
  return {
    sql: `(assignee_id = ? OR assignee_id IN (SELECT id FROM users WHERE team = ?)
      OR (assignee_id IS NULL AND (NOT ${TEAMED} OR EXISTS (${STEPS} WHERE st.team = ?))))`,
    args: [v.userId, v.team, v.team],
  }
}

/**
 * A person's work queue: open tickets nobody holds that they may take. Work at a step that names a
 * team is that team's, for the members whose roles the step allows; other work is theirs when its
 * queue is one of their roles or their team, or, in no queue, when its step allows one of their roles.
 * A team's lead (a supervisor) has all of the team's unassigned work in their queue, whatever its roles.
 */
export function workQueueClause(q: {
  team: string | null
  roles: readonly string[]
  lead?: boolean
}): Clause {
  const roles = JSON.stringify(q.roles)
  const named = [...q.roles, ...(q.team ? [q.team] : [])]
  return {
    sql: `(assignee_id IS NULL AND status = 'open' AND CASE WHEN ${TEAMED}
      THEN EXISTS (${STEPS} WHERE st.team = ? AND (? OR ${ROLE_FITS}))
      ELSE (queue IN (SELECT value FROM json_each(?)) OR (queue IS NULL AND EXISTS (${STEPS} WHERE ${ROLE_FITS})))
      END)`,
    args: [q.team, q.lead ? 1 : 0, roles, JSON.stringify(named), roles],
  }
}

/** The clauses of a ticket list's visibility, team and work-queue filters. */
export function queueClauses(filter: TicketFilter): Clause[] {
  const out: Clause[] = []
  if (filter.visibleTo) out.push(visibleClause(filter.visibleTo))
  if (filter.team) out.push(teamClause(filter.team))
  if (filter.workQueue) out.push(workQueueClause(filter.workQueue))
  return out
}
