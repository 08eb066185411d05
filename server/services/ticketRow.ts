import { type CompiledSop, canonicalJson, type TicketState } from '../../engine/index.ts'
import type { AuditRow, TicketRow } from '../storage/types.ts'
import { applyState } from './tickets.ts'

/** A value the history does not determine (records written before sopflow kept it). */
export const UNKNOWN = Symbol('unknown')

export type DerivedRow = { [K in keyof TicketRow]: TicketRow[K] | typeof UNKNOWN }

export interface RowFinding {
  field: string
  seq?: number
  message: string
  stored?: unknown
  expected?: unknown
}

type Payload = Record<string, unknown>
const obj = (v: unknown): Payload => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Payload) : {})

/**
 * The ticket row its history gives: every record applied the way the ticket service applies it,
 * with the engine states of the replay. A value the records do not determine is UNKNOWN.
 */
export function deriveRow(
  sop: CompiledSop,
  audit: readonly AuditRow[],
  states: readonly TicketState[],
): { row: DerivedRow | null; findings: RowFinding[] } {
  const findings: RowFinding[] = []
  const roles = new Map<string, string>()
  let cur: DerivedRow | null = null
  let k = 0
  for (const a of audit) {
    if (a.actorId !== 'system') roles.set(a.actorId, a.role)
    const p = obj(a.payload)
    if (a.type === 'created') {
      const t = obj(p.ticket)
      const state = states[k++]
      if (!state) break
      const base: DerivedRow = {
        id: a.ticketId,
        sopId: t.sopId as string,
        sopVersion: t.sopVersion as number,
        sopHash: t.sopHash as string,
        channel: t.channel as string,
        customerId: (t.customerId as string | null) ?? null,
        subject: t.subject as string,
        // Stryker disable next-line StringLiteral: applyState sets the status from the engine state
        status: 'open',
        outcome: null,
        // Stryker disable next-line LogicalOperator,StringLiteral: applyState sets the priority from the engine state
        priority: (t.priority as TicketRow['priority']) ?? 'normal',
        assigneeId: (t.assigneeId as string | undefined) ?? null,
        queue: 'queue' in t ? ((t.queue as string | null) ?? null) : UNKNOWN,
        version: 0,
        createdAt: a.at,
        updatedAt: a.at,
        closedAt: null,
        dueAt: null,
        // Stryker disable next-line ArrayDeclaration: applyState reads these steps' roles, and a step the SOP lacks has none
        steps: [],
        state,
        auditSeq: 0,
        auditHead: null,
        // Tickets numbered by the upgrade that introduced numbers do not record theirs.
        number: typeof t.number === 'number' ? t.number : UNKNOWN,
      }
      cur = { ...apply(sop, base, state, a.at, null), version: 1 }
    } else if (!cur) {
      findings.push({
        field: 'history',
        seq: a.seq,
        message: `record ${a.seq} comes before the ticket was created`,
      })
      break
    } else if (
      a.type === 'transition' ||
      a.type === 'update' ||
      a.type === 'override' ||
      a.type === 'timer' ||
      a.type === 'reopen'
    ) {
      const state = states[k++]
      if (!state) break
      const assignee: string | null | typeof UNKNOWN = cur.assigneeId
      // A record keeps the assignee's roles when organisation roles are among them.
      const recorded = Array.isArray(p.assigneeRoles) ? (p.assigneeRoles as string[]) : null
      const role: string | readonly string[] | null | typeof UNKNOWN =
        assignee === null
          ? null
          : recorded
            ? recorded
            : // Stryker disable next-line ConditionalExpression: roles.get(UNKNOWN) is undefined, which gives UNKNOWN too
              assignee === UNKNOWN
              ? UNKNOWN
              : (roles.get(assignee) ?? UNKNOWN)
      const team = 'assigneeTeam' in p ? ((p.assigneeTeam as string | null) ?? null) : undefined
      const before: DerivedRow = cur
      cur = { ...apply(sop, before, state, a.at, role, team), version: (before.version as number) + 1 }
    } else if (a.type === 'assignment') {
      const to = (p.to as string | null | undefined) ?? null
      if (to && p.claimed === true) roles.set(to, a.role)
      if (to && typeof p.toRole === 'string') roles.set(to, p.toRole)
      const before: DerivedRow = cur
      cur = {
        ...before,
        assigneeId: to,
        queue: 'queue' in p ? ((p.queue as string | null) ?? null) : before.queue,
        version: (before.version as number) + 1,
        updatedAt: a.at,
      }
    } else if (a.type === 'note' || a.type === 'message' || a.type === 'survey' || a.type === 'watch') {
      cur = { ...(cur as DerivedRow), updatedAt: a.at }
    } else if (a.type !== 'rejected') {
      findings.push({
        field: 'history',
        seq: a.seq,
        message: `record ${a.seq} has type "${String(a.type)}", which sopflow does not write`,
      })
    }
    cur = { ...(cur as DerivedRow), auditSeq: a.seq + 1, auditHead: a.hash }
  }
  return { row: cur, findings }
}

/** applyState with values the history may not determine: what depends on an unknown is unknown. */
function apply(
  sop: CompiledSop,
  t: DerivedRow,
  state: TicketState,
  at: string,
  assigneeRole: string | readonly string[] | null | typeof UNKNOWN,
  assigneeTeam?: string | null,
): DerivedRow {
  const known = applyState(
    sop,
    t as TicketRow,
    state,
    at,
    // Stryker disable next-line ConditionalExpression: applyState reads a symbol, which has no length, as no roles held, as null
    assigneeRole === UNKNOWN ? null : assigneeRole,
    assigneeTeam,
  )
  const out: DerivedRow = { ...known }
  if (t.queue === UNKNOWN && out.queue !== UNKNOWN && t.assigneeId !== null) out.assigneeId = UNKNOWN
  if (assigneeRole === UNKNOWN) {
    const roles = known.steps.flatMap((id) => sop.steps.get(id)?.roles ?? [])
    if (roles.length) {
      out.assigneeId = UNKNOWN
      out.queue = UNKNOWN
    }
  }
  return out
}

const LABELS: Partial<Record<keyof TicketRow, string>> = {
  id: 'id',
  sopId: 'SOP',
  sopVersion: 'SOP version',
  sopHash: 'SOP hash',
  channel: 'channel',
  customerId: 'customer',
  subject: 'subject',
  status: 'status',
  outcome: 'outcome',
  priority: 'priority',
  assigneeId: 'assignee',
  queue: 'queue',
  version: 'version',
  createdAt: 'creation time',
  updatedAt: 'last change time',
  closedAt: 'closing time',
  dueAt: 'SLA deadline',
  steps: 'active steps',
  auditSeq: 'audit record count',
  auditHead: 'audit head hash',
  number: 'number',
}

/** The members of a ticket row its history determines. */
export const ROW_KEYS = Object.keys(LABELS) as (keyof TicketRow)[]

const show = (v: unknown) =>
  v === null || v === undefined ? 'empty' : typeof v === 'string' ? v : JSON.stringify(v)

/**
 * Every difference between a stored (or exported) ticket row and the one its history gives, by
 * name: "ticket status is closed, but the history ends open at step Diagnose".
 */
export function compareRow(
  sop: CompiledSop,
  stored: Partial<TicketRow>,
  derived: DerivedRow,
  keys: readonly (keyof TicketRow)[] = ROW_KEYS,
): RowFinding[] {
  const findings: RowFinding[] = []
  const title = (id: string) => sop.steps.get(id)?.title ?? id
  const ending = () => {
    const steps = (derived.steps as string[]).map(title)
    return derived.status === 'closed'
      ? `closed${derived.outcome ? ` (${String(derived.outcome)})` : ''}`
      : `open at step ${steps.join(', ') || '—'}`
  }
  for (const key of keys) {
    const expected = derived[key]
    if (expected === UNKNOWN) continue
    const value = stored[key]
    if (canon(value) === canon(expected)) continue
    const label = LABELS[key] ?? String(key)
    const message =
      key === 'status' || key === 'steps' || key === 'outcome'
        ? `ticket ${label} is ${key === 'steps' ? show((value as string[] | undefined)?.map?.(title) ?? value) : show(value)}, but the history ends ${ending()}`
        : `ticket ${label} is ${show(value)}, but the history gives ${show(expected)}`
    findings.push({ field: key, message, stored: value, expected })
  }
  if ('state' in stored && derived.state !== UNKNOWN) {
    const s = stored.state as unknown as Record<string, unknown> | undefined
    const d = derived.state as unknown as Record<string, unknown>
    for (const part of [
      'sopHash',
      'value',
      'context',
      'status',
      'outcome',
      'active',
      'checklist',
      'seq',
      'head',
    ]) {
      if (canon(s?.[part]) === canon(d[part])) continue
      const what =
        part === 'context'
          ? 'field values, priority or assignment target'
          : part === 'checklist'
            ? 'checklist ticks'
            : part
      findings.push({
        field: `state.${part}`,
        message: `ticket state (${what}) is ${show(s?.[part])}, but the history gives ${show(d[part])}`,
        stored: s?.[part],
        expected: d[part],
      })
    }
    if (s && typeof s === 'object') {
      const extra = Object.keys(s).filter((k) => !(k in d))
      if (extra.length)
        findings.push({
          field: 'state',
          message: `ticket state has members the history does not give: ${extra.join(', ')}`,
        })
    }
  }
  return findings
}

function canon(v: unknown): string {
  return canonicalJson(v === undefined ? null : v)
}
