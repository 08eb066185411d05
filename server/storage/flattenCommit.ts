import type { AttachmentRow, MessageRow } from './channelTypes.ts'
import type { FlatCommit } from './commitBatch.mjs'
import { storedTimer } from './rows.ts'
import type { AuditRow, Customer, OutboxRow, Priority, TicketCommit, TicketRow } from './types.ts'

/** The stored sort rank of each priority. */
export const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 }

type Row = Record<string, unknown>

// Each row holds exactly the columns its statement binds, an absent value as null: nothing else
// is copied to the writer thread, and every named parameter is present.

function ticketRow(t: TicketRow): Row {
  return {
    id: t.id,
    sopId: t.sopId,
    sopVersion: t.sopVersion,
    sopHash: t.sopHash,
    channel: t.channel,
    customerId: t.customerId ?? null,
    subject: t.subject,
    status: t.status,
    outcome: t.outcome ?? null,
    priority: t.priority,
    priorityRank: PRIORITY_RANK[t.priority],
    assigneeId: t.assigneeId ?? null,
    queue: t.queue ?? null,
    version: t.version,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    closedAt: t.closedAt ?? null,
    dueAt: t.dueAt ?? null,
    steps: JSON.stringify(t.steps),
    state: JSON.stringify(t.state),
    auditSeq: t.auditSeq,
    auditHead: t.auditHead ?? null,
    number: t.number ?? null,
  }
}

function auditRow(a: AuditRow): Row {
  return {
    ticketId: a.ticketId,
    seq: a.seq,
    type: a.type,
    at: a.at,
    actorId: a.actorId,
    role: a.role,
    payload: JSON.stringify(a.payload),
    prevHash: a.prevHash ?? null,
    hash: a.hash,
  }
}

function outboxRow(m: OutboxRow): Row {
  return {
    id: m.id,
    kind: m.kind,
    ticketId: m.ticketId ?? null,
    event: m.event,
    target: m.target,
    subscriptionId: m.subscriptionId ?? null,
    payload: JSON.stringify(m.payload),
    nextAt: m.nextAt,
    createdAt: m.createdAt,
  }
}

function customerRow(c: Customer): Row {
  return {
    id: c.id,
    name: c.name,
    phone: c.phone ?? null,
    email: c.email ?? null,
    address: c.address ?? null,
    segment: c.segment ?? null,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  }
}

function messageRow(m: MessageRow): Row {
  return {
    id: m.id,
    connectionId: m.connectionId,
    ticketId: m.ticketId ?? null,
    followsTicketId: m.followsTicketId ?? null,
    direction: m.direction,
    channel: m.channel,
    status: m.status,
    sender: m.sender,
    senderName: m.senderName ?? null,
    subject: m.subject,
    text: m.text,
    html: m.html ?? null,
    externalId: m.externalId ?? null,
    conversationId: m.conversationId ?? null,
    refs: JSON.stringify(m.refs),
    raw: m.raw ?? null,
    at: m.at,
  }
}

function attachmentRow(a: AttachmentRow): Row {
  return {
    id: a.id,
    messageId: a.messageId,
    sha256: a.sha256 ?? null,
    filename: a.filename,
    contentType: a.contentType,
    size: a.size,
    refused: a.refused ?? null,
  }
}

/** A commit with every value ready to bind, as `commitBatch.mjs` takes it. */
export function flatten(u: TicketCommit): FlatCommit {
  const flat: FlatCommit = {
    id: u.ticket.id,
    expected: u.expected,
    ticket: ticketRow(u.ticket),
    audit: u.audit.map(auditRow),
    removeTimers: u.removeTimers,
    scheduleTimers: u.scheduleTimers.map(storedTimer),
    idempotency: u.idempotency
      ? {
          userId: u.idempotency.userId,
          key: u.idempotency.key,
          fingerprint: u.idempotency.fingerprint,
          ticketId: u.idempotency.ticketId ?? null,
          status: u.idempotency.status,
          createdAt: u.idempotency.createdAt,
        }
      : null,
  }
  if (u.outbox?.length) flat.outbox = u.outbox.map(outboxRow)
  if (u.customers?.length) flat.customers = u.customers.map(customerRow)
  if (u.messages?.length) {
    flat.messages = u.messages.map((m) => messageRow(m.message))
    flat.attachments = u.messages.flatMap((m) => m.attachments.map(attachmentRow))
  }
  return flat
}
