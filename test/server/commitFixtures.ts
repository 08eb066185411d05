import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { compile, start } from '../../engine/index.ts'
import { linkHash, sha256 } from '../../server/services/crypto.ts'
import { applyState, entryOf } from '../../server/services/tickets.ts'
import type { AuditRow, TicketCommit, TicketRow } from '../../server/storage/types.ts'

/** Ticket commits written straight to storage, for the storage and group-commit tests. */
export const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'support-ticket.json'), 'utf8'),
)
export const NOW = '2026-03-02T09:00:00.000Z'

/** A new ticket's commit: its first state, its first audit row and its timers. */
export function newTicket(id: string, sopVersion: number, adminId: string): TicketCommit {
  const sop = compile(fixture, { sha256 })
  const d = start(sop, { actor: { id: adminId, role: 'admin' }, now: NOW })
  if (!d.ok) throw new Error(d.rejection.message)
  const base: TicketRow = {
    id,
    sopId: fixture.id,
    sopVersion,
    sopHash: sop.hash,
    channel: 'phone',
    customerId: null,
    subject: 'Storage test',
    status: 'open',
    outcome: null,
    priority: 'normal',
    assigneeId: null,
    queue: null,
    version: 1,
    createdAt: NOW,
    updatedAt: NOW,
    closedAt: null,
    dueAt: null,
    steps: [],
    state: d.state,
    auditSeq: 1,
    auditHead: null,
  }
  const row: AuditRow = {
    ticketId: id,
    seq: 0,
    type: 'created',
    at: NOW,
    actorId: adminId,
    role: 'admin',
    payload: { record: d.record },
    prevHash: null,
    hash: '',
  }
  row.hash = linkHash(null, entryOf(row))
  const ticket = { ...applyState(sop, base, d.state, NOW), version: 1, auditSeq: 1, auditHead: row.hash }
  return {
    ticket,
    expected: null,
    audit: [row],
    scheduleTimers: d.timers.schedule.map((t) => ({ ...t, ticketId: id })),
    removeTimers: [],
  }
}

/** A change of subject, with a note, to a ticket that expects it at `version`. */
export function touch(t: TicketRow, version: number, subject: string, actorId: string): TicketCommit {
  const row: AuditRow = {
    ticketId: t.id,
    seq: t.auditSeq,
    type: 'note',
    at: NOW,
    actorId,
    role: 'admin',
    payload: { text: subject, visibility: 'internal' },
    prevHash: t.auditHead,
    hash: '',
  }
  row.hash = linkHash(t.auditHead, entryOf(row))
  return {
    ticket: { ...t, subject, version: version + 1, auditSeq: t.auditSeq + 1, auditHead: row.hash },
    expected: { version, auditSeq: t.auditSeq },
    audit: [row],
    scheduleTimers: [],
    removeTimers: [],
  }
}
