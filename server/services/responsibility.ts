import type { Actor, CompiledSop } from '../../engine/index.ts'
import { qualifies } from '../../engine/index.ts'
import { WRITE_TICKETS as WORKING_ROLES } from '../auth/roles.ts'
import { Problem } from '../http/problem.ts'
import type { Storage, TicketRow, User } from '../storage/types.ts'

/**
 * Refuses to give a ticket to someone who cannot work it: a role that works no tickets (owner,
 * auditor, admin), or one that no current step of the ticket allows (by built-in or organisation
 * role), or a user outside the team a current step names.
 */
export function requireQualified(sop: CompiledSop, t: TicketRow, assignee: User, actor: Actor): void {
  const steps = t.steps.map((id) => sop.steps.get(id)).filter((s) => !!s)
  const named = [...new Set(steps.flatMap((s) => s.roles))]
  const workers = WORKING_ROLES as readonly string[]
  const qualified =
    workers.includes(assignee.role) &&
    (!steps.length || steps.some((s) => !s.roles.length || qualifies(s.roles, actor)))
  if (!qualified) {
    const needs = named.length ? named : [...workers]
    throw new Problem(
      422,
      'assignee_not_qualified',
      `${assignee.name} (${assignee.role}) cannot work ticket ${t.id}; it needs: ${needs.join(', ')}`,
      { params: { name: assignee.name, role: assignee.role, roles: needs.join(', ') } },
    )
  }
  const teams = [...new Set(steps.map((s) => s.team).filter((x): x is string => !!x))]
  if (teams.length && !teams.includes(assignee.team ?? '')) {
    throw new Problem(
      422,
      'assignee_wrong_team',
      `${assignee.name} is not in team ${teams.join(', ')}, which is responsible for ticket ${t.id} now`,
      { params: { name: assignee.name, team: teams.join(', ') } },
    )
  }
}

/**
 * The assignee rule: a claimed or assigned ticket is worked only by its assignee, or by an admin or
 * a supervisor (of the assignee's team, or one in no team), whose intervention is recorded as such
 * (true is returned for it). Anyone else is refused with `not_assignee`, naming the assignee.
 */
export async function responsibility(storage: Storage, user: User, t: TicketRow): Promise<boolean> {
  if (!t.assigneeId || t.assigneeId === user.id) return false
  if (user.role === 'admin') return true
  const assignee = await storage.getUser(t.assigneeId)
  if (user.role === 'supervisor' && (!user.team || assignee?.team === user.team)) return true
  const name = assignee?.name ?? t.assigneeId
  throw new Problem(
    403,
    'not_assignee',
    `Ticket ${t.id} is assigned to ${name}; only they or a supervisor may work it`,
    {
      params: { id: t.id, assignee: name },
      assigneeId: t.assigneeId,
    },
  )
}
