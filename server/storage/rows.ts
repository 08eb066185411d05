import type { TicketState } from '../../engine/index.ts'
import type { AdminLogEntry, TokenRecord } from './accessTypes.ts'
import type {
  AuditRow,
  AuditType,
  Customer,
  IdempotencyRow,
  Priority,
  SopVersion,
  Survey,
  TicketRow,
  TimerRow,
  TreeHeadRow,
  User,
} from './types.ts'

/**
 * Rows as the databases return them, turned into the storage's records. Both backends store the
 * same columns (JSON as text), so one mapping serves SQLite and PostgreSQL.
 */
export type Row = Record<string, unknown>

export { flatten, PRIORITY_RANK } from './flattenCommit.ts'

export function draftMeta(draft: Record<string, unknown>): {
  title: string
  department: string
  language: string
} {
  const s = (v: unknown) => (typeof v === 'string' ? v : '')
  return {
    title: s(draft.title) || s(draft.id) || 'Untitled SOP',
    department: s(draft.department),
    language: s(draft.language),
  }
}

export function toUser(r: Row): User {
  return {
    id: r.id as string,
    name: r.name as string,
    role: r.role as User['role'],
    team: (r.team as string | null) ?? null,
    createdAt: r.created_at as string,
    disabledAt: (r.disabled_at as string | null | undefined) ?? null,
  }
}

export function toVersion(r: Row): SopVersion {
  return {
    sopId: r.sop_id as string,
    version: r.version as number,
    hash: r.hash as string,
    document: JSON.parse(r.document as string),
    text: r.document as string,
    publishedAt: r.published_at as string,
    publishedBy: r.published_by as string,
  }
}

export function toCustomer(r: Row): Customer {
  return {
    id: r.id as string,
    name: r.name as string,
    phone: (r.phone as string | null) ?? null,
    email: (r.email as string | null) ?? null,
    address: (r.address as string | null) ?? null,
    segment: (r.segment as Customer['segment']) ?? null,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  }
}

export function toTicket(r: Row): TicketRow {
  return {
    id: r.id as string,
    sopId: r.sop_id as string,
    sopVersion: r.sop_version as number,
    sopHash: r.sop_hash as string,
    channel: r.channel as string,
    customerId: (r.customer_id as string | null) ?? null,
    subject: r.subject as string,
    status: r.status as TicketRow['status'],
    outcome: (r.outcome as string | null) ?? null,
    priority: r.priority as Priority,
    assigneeId: (r.assignee_id as string | null) ?? null,
    queue: (r.queue as string | null) ?? null,
    version: r.version as number,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
    closedAt: (r.closed_at as string | null) ?? null,
    dueAt: (r.due_at as string | null) ?? null,
    steps: readJson(r.steps) as string[],
    state: readJson(r.state) as TicketState,
    auditSeq: r.audit_seq as number,
    auditHead: (r.audit_head as string | null) ?? null,
    number: (r.number as number | null) ?? null,
  }
}

export function toAudit(r: Row): AuditRow {
  return {
    ticketId: r.ticket_id as string,
    seq: r.seq as number,
    type: r.type as AuditType,
    at: r.at as string,
    actorId: r.actor_id as string,
    role: r.role as string,
    payload: readJson(r.payload),
    prevHash: (r.prev_hash as string | null) ?? null,
    hash: r.hash as string,
    leaf: (r.leaf as number | null) ?? null,
  }
}

/**
 * A JSON column as stored. Text that is not JSON (a damaged or tampered row) is kept as it is,
 * as the value `{ "unreadable": <text> }`, so that verification reports it instead of failing.
 */
export function readJson(text: unknown): unknown {
  try {
    return JSON.parse(text as string)
  } catch {
    return { unreadable: String(text) }
  }
}

/** A timer with exactly the members the storage keeps, in the order it gives them back. */
export function storedTimer(tm: TimerRow): TimerRow & Row {
  return {
    ticketId: tm.ticketId,
    id: tm.id,
    kind: tm.kind,
    stepId: tm.stepId,
    transitionId: tm.transitionId ?? null,
    dueAt: tm.dueAt,
  }
}

export function toTimer(r: Row): TimerRow {
  return {
    ticketId: r.ticket_id as string,
    id: r.id as string,
    kind: r.kind as TimerRow['kind'],
    stepId: r.step_id as string,
    transitionId: (r.transition_id as string | null) ?? null,
    dueAt: r.due_at as string,
  }
}

export function toIdempotency(r: Row): IdempotencyRow {
  return {
    userId: r.user_id as string,
    key: r.key as string,
    fingerprint: r.fingerprint as string,
    ticketId: (r.ticket_id as string | null) ?? null,
    status: r.status as number,
    createdAt: r.created_at as string,
  }
}

export function toSurvey(r: Row): Survey {
  return {
    id: r.id as string,
    customerId: r.customer_id as string,
    ticketId: (r.ticket_id as string | null) ?? null,
    csat: (r.csat as number | null) ?? null,
    nps: (r.nps as number | null) ?? null,
    ces: (r.ces as number | null) ?? null,
    comment: (r.comment as string | null) ?? null,
    at: r.at as string,
    createdBy: r.created_by as string,
  }
}

export function toTreeHead(row: Row): TreeHeadRow {
  return {
    size: row.size as number,
    root: row.root as string,
    timestamp: row.timestamp as string,
    keyId: row.key_id as string,
    signature: row.signature as string,
  }
}

/** A JSON column that may be null. */
function jsonText(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : null
}

export function toToken(r: Row): TokenRecord {
  return {
    id: r.id as string,
    userId: r.user_id as string,
    name: r.label as string,
    kind: r.kind as TokenRecord['kind'],
    scopes: jsonText(r.scopes) as string[],
    createdBy: (r.created_by as string | null) ?? null,
    createdAt: r.created_at as string,
    expiresAt: (r.expires_at as string | null) ?? null,
    lastUsedAt: (r.last_used_at as string | null) ?? null,
    revokedAt: (r.revoked_at as string | null) ?? null,
    revokedBy: (r.revoked_by as string | null) ?? null,
  }
}

export function toLogEntry(r: Row): AdminLogEntry {
  return {
    seq: r.seq as number,
    at: r.at as string,
    actorId: r.actor_id as string,
    actorRole: r.actor_role as string,
    action: r.action as string,
    targetType: r.target_type as string,
    targetId: r.target_id as string,
    before: jsonText(r.before),
    after: jsonText(r.after),
  }
}
