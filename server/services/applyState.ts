import {
  type CompiledSop,
  calendarsDigest,
  type Decision,
  type FieldValue,
  slaDueMs,
  slaHeld,
  type TicketState,
} from '../../engine/index.ts'
import { Problem } from '../http/problem.ts'
import type { AuditRow, AuditType, Customer, Storage, TicketRow, User } from '../storage/types.ts'
import { linkHash, sha256 } from './crypto.ts'
import { entryOf } from './verification.ts'

export function link(
  t: TicketRow,
  type: AuditType,
  at: string,
  user: User | null,
  payload: unknown,
): AuditRow {
  const row: AuditRow = {
    ticketId: t.id,
    seq: t.auditSeq,
    type,
    at,
    actorId: user?.id ?? 'system',
    role: user?.role ?? 'system',
    payload,
    prevHash: t.auditHead,
    hash: '',
  }
  row.hash = linkHash(row.prevHash, entryOf(row))
  return row
}

export const isEmptyValue = (v: FieldValue | undefined) => v === undefined || v === null || v === ''

/** The digest of the calendars a ticket counts in, for its first record (nothing when none). */
export function calendarsAnchor(sop: CompiledSop): { calendarsHash?: string } {
  const digest = calendarsDigest(sop.calendars, sha256, sop.teamCalendars)
  return digest ? { calendarsHash: digest } : {}
}

/** The values of an SOP's bound fields: from the customer's details and the ticket's intake data. */
export function boundValues(
  sop: CompiledSop,
  source: { customer: Customer | null; subject: string; channel: string },
): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {}
  for (const f of sop.document.fields) {
    if (!f.bind) continue
    const [scope, key] = f.bind.split('.') as ['customer' | 'ticket', string]
    const value =
      scope === 'customer'
        ? ((source.customer as unknown as Record<string, string | null> | null)?.[key] ?? null)
        : key === 'subject'
          ? source.subject
          : source.channel
    if (!isEmptyValue(value)) out[f.name] = value
  }
  return out
}

/**
 * The assignee's roles as the record keeps them when organisation roles are among them: whether the
 * assignee keeps the ticket at the new steps depends on them, and the history must say so (the
 * user's organisation roles may change later). Built-in roles alone are known from the history.
 */
export function orgRolesRecord(held: string[] | null): { assigneeRoles?: string[] } {
  return held && held.length > 1 ? { assigneeRoles: held } : {}
}

export function actorOf(user: User): { id: string; role: string; roles?: string[] } {
  return user.orgRoles?.length
    ? { id: user.id, role: user.role, roles: [...user.orgRoles] }
    : { id: user.id, role: user.role }
}

/** The ticket row after the engine moved its state: status, steps, deadline, priority, queue. */
export function applyState(
  sop: CompiledSop,
  t: TicketRow,
  state: TicketState,
  now: string,
  assigneeRoles: string | readonly string[] | null = null,
  /** The assignee's team, when the team rule applies (undefined: it does not). */
  assigneeTeam?: string | null,
): TicketRow {
  const held =
    assigneeRoles === null ? [] : typeof assigneeRoles === 'string' ? [assigneeRoles] : assigneeRoles
  const steps = Object.keys(state.active).filter((id) => {
    const kind = sop.steps.get(id)?.kind
    return kind !== 'group' && kind !== 'parallel'
  })
  let dueAt: string | null = null
  if (state.status === 'open') {
    for (const [id, entry] of Object.entries(state.active)) {
      const step = sop.steps.get(id)
      if (!step?.sla || slaHeld(sop, id, Boolean(state.pausedSince))) continue
      const due = new Date(slaDueMs(sop, step, entry)).toISOString()
      if (!dueAt || due < dueAt) dueAt = due
    }
  }
  let queue = state.context.queue ?? state.context.role ?? t.queue
  let assigneeId = t.assigneeId
  if (queue !== t.queue) assigneeId = null
  // When the work moves to steps only other roles may do (an escalation), it goes to their queue.
  // The assignee keeps it when any of their roles (built-in or organisation) may do the new steps.
  const roles = steps.flatMap((id) => sop.steps.get(id)?.roles ?? [])
  if (roles.length && held.length && !roles.some((r) => held.includes(r))) {
    assigneeId = null
    queue = roles[0]
  }
  // Work at steps that name teams is theirs: an assignee of another team (or none) lets it go.
  if (assigneeTeam !== undefined && assigneeId !== null) {
    const teams = steps.map((id) => sop.steps.get(id)?.team).filter((x): x is string => !!x)
    if (teams.length && !teams.includes(assigneeTeam ?? '')) assigneeId = null
  }
  // outbox: a ticket nobody holds, in no queue, whose work moves to steps none of the previous
  // steps' roles may do (an escalation), lands in the new steps' role queue.
  const before = t.steps.flatMap((id) => sop.steps.get(id)?.roles ?? [])
  if (
    roles.length &&
    before.length &&
    assigneeId === null &&
    queue === null &&
    !roles.some((r) => before.includes(r))
  )
    queue = roles[0]
  return {
    ...t,
    state,
    status: state.status,
    outcome: state.outcome,
    priority: state.context.priority,
    steps,
    dueAt,
    queue,
    assigneeId,
    updatedAt: now,
    closedAt: state.status === 'closed' ? (t.closedAt ?? now) : null,
  }
}

export function stale(t: TicketRow, version: number): Problem {
  return new Problem(
    409,
    'stale_version',
    `The ticket changed since you loaded it (version ${version}, now ${t.version}); reload and try again`,
    { currentVersion: t.version, params: { version, currentVersion: t.version } },
  )
}

export function rejection(d: Extract<Decision, { ok: false }>): Problem {
  const r = d.rejection
  const params: Record<string, string> = {}
  for (const k of ['stepId', 'transitionId'] as const) if (r[k]) params[k] = r[k]
  for (const k of ['missing', 'roles', 'allowed'] as const) if (r[k]) params[k] = r[k].join(', ')
  if (r.fields) params.fields = r.fields.map((f) => f.field).join(', ')
  if (r.nextAllowedAt) params.nextAllowedAt = r.nextAllowedAt
  return new Problem(422, r.code, r.message, { rejection: r, params })
}

export function requireNotClosed(t: TicketRow): void {
  if (t.status === 'closed')
    throw new Problem(422, 'ticket_closed', `Ticket ${t.id} is closed`, { params: { id: t.id } })
}

/**
 * The row after the engine moved the ticket, and what the record must keep for its history to
 * explain the row: the assignee's roles when organisation roles are among them, and the
 * assignee's team when it took the ticket from them (work at another team's step leaves them).
 */
export async function moveTicket(
  storage: Storage,
  sop: CompiledSop,
  t: TicketRow,
  state: TicketState,
  now: string,
): Promise<{ next: TicketRow; recorded: { assigneeRoles?: string[]; assigneeTeam?: string | null } }> {
  const user = t.assigneeId ? await storage.getUser(t.assigneeId) : null
  const held = user ? [user.role, ...(await storage.teams.orgRolesOf(user.id))] : null
  const kept = applyState(sop, t, state, now, held)
  if (!user) return { next: kept, recorded: orgRolesRecord(held) }
  const next = applyState(sop, t, state, now, held, user.team)
  const byTeam = next.assigneeId !== kept.assigneeId ? { assigneeTeam: user.team } : {}
  return { next, recorded: { ...orgRolesRecord(held), ...byTeam } }
}
