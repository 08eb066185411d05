/**
 * Work queues as clauses over the `tickets` table of a ticket list, on either database: the
 * responsible team of a ticket is the team its current steps name (table `sop_steps`, filled by a
 * trigger when an SOP version is published).
 */
import { type RawBuilder, sql } from 'kysely'
import type { SqlDialect } from './sqlDialect.ts'
import type { TicketFilter } from './types.ts'

type Clause = RawBuilder<boolean>

/** The current steps of the ticket, joined with their team and roles as `st`; `where` narrows them. */
const steps = (d: SqlDialect, where: RawBuilder<unknown>) =>
  sql<boolean>`EXISTS (SELECT 1 FROM ${d.elements(sql.ref('tickets.steps'), 'a')}
    JOIN sop_steps st ON st.sop_id = tickets.sop_id AND st.version = tickets.sop_version AND st.step_id = a.value
    WHERE ${where})`

/** The step allows one of these roles (or names no roles). */
const roleFits = (d: SqlDialect, roles: readonly string[]) =>
  sql`(${d.length(sql.ref('st.roles'))} = 0
    OR EXISTS (SELECT 1 FROM ${d.elements(sql.ref('st.roles'), 'r')} WHERE ${d.oneOf(sql.ref('r.value'), roles)}))`

const teamed = (d: SqlDialect) => steps(d, sql`st.team IS NOT NULL`)

/** Tickets whose current steps name this team. */
export const teamClause = (d: SqlDialect, team: string): Clause => steps(d, sql`st.team = ${team}`)

/**
 * What a team member may read: their own tickets, their team's (by assignee), and unassigned ones
 * that are their team's work or no team's.
 */
export const visibleClause = (d: SqlDialect, v: { userId: string; team: string }): Clause =>
  sql<boolean>`(assignee_id = ${v.userId} OR assignee_id IN (SELECT id FROM users WHERE team = ${v.team})
    OR (assignee_id IS NULL AND (NOT ${teamed(d)} OR ${teamClause(d, v.team)})))`

/**
 * A person's work queue: open tickets nobody holds that they may take. Work at a step that names a
 * team is that team's, for the members whose roles the step allows; other work is theirs when its
 * queue is one of their roles or their team, or, in no queue, when its step allows one of their roles.
 * A team's lead (a supervisor) has all of the team's unassigned work in their queue, whatever its roles.
 */
export function workQueueClause(
  d: SqlDialect,
  q: { team: string | null; roles: readonly string[]; lead?: boolean },
): Clause {
  const teamQueue = q.team
    ? [q.team]
    : // Stryker disable next-line ArrayDeclaration: only a queue literally named "Stryker was here" could tell a placeholder name from none
      []
  const named = [...q.roles, ...teamQueue]
  const anyRole = q.lead ? sql`TRUE` : roleFits(d, q.roles)
  return sql<boolean>`(assignee_id IS NULL AND status = 'open' AND CASE WHEN ${teamed(d)}
    THEN ${steps(d, sql`st.team = ${q.team} AND ${anyRole}`)}
    ELSE (${d.oneOf(sql.ref('queue'), named)} OR (queue IS NULL AND ${steps(d, roleFits(d, q.roles))}))
    END)`
}

/** The clauses of a ticket list's visibility, team and work-queue filters. */
export function queueClauses(d: SqlDialect, filter: TicketFilter): Clause[] {
  const out: Clause[] = []
  if (filter.visibleTo) out.push(visibleClause(d, filter.visibleTo))
  if (filter.team) out.push(teamClause(d, filter.team))
  if (filter.workQueue) out.push(workQueueClause(d, filter.workQueue))
  return out
}
