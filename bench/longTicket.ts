/** A ticket with a long history, written straight into storage, for the read and verify benchmarks. */
import { compile, type TransitionRecord } from '../engine/index.ts'
import { linkHash, sha256 } from '../server/services/crypto.ts'
import { applyState, entryOf } from '../server/services/tickets.ts'
import type { AuditRow, Storage, TicketRow } from '../server/storage/types.ts'
import { longCase, longHistory } from './engine.ts'

/** The ticket part of a `created` record, as the ticket service writes it. */
export function createdTicket(t: TicketRow) {
  const { sopId, sopVersion, sopHash, channel, customerId, subject, priority, queue } = t
  return { sopId, sopVersion, sopHash, channel, customerId, subject, priority, queue }
}

/**
 * Commits ticket `t_bench_long` on the published `long-case` SOP with `count` chained records
 * (the SOP must be imported already); returns its id, its row and the compiled SOP.
 */
export async function commitLongTicket(storage: Storage, count: number) {
  const sop = compile(longCase(), { sha256 })
  const { records, state } = longHistory(sop, count)
  const version = (await storage.latestVersion('long-case'))!
  const now = records.at(-1)!.at
  const base: TicketRow = {
    id: 't_bench_long',
    sopId: 'long-case',
    sopVersion: version.version,
    sopHash: sop.hash,
    channel: 'phone',
    customerId: null,
    subject: `${count.toLocaleString('en')} records`,
    status: 'open',
    outcome: null,
    priority: 'normal',
    assigneeId: null,
    queue: null,
    version: records.length,
    createdAt: records[0].at,
    updatedAt: now,
    closedAt: null,
    dueAt: null,
    steps: [],
    state,
    auditSeq: 0,
    auditHead: null,
  }
  const audit: AuditRow[] = []
  let prev: string | null = null
  records.forEach((record: TransitionRecord, seq) => {
    const row: AuditRow = {
      ticketId: base.id,
      seq,
      type: seq === 0 ? 'created' : 'transition',
      at: record.at,
      actorId: record.actor.id,
      role: record.actor.role,
      payload: seq === 0 ? { record, ticket: createdTicket(base) } : { record },
      prevHash: prev,
      hash: '',
    }
    row.hash = linkHash(prev, entryOf(row))
    prev = row.hash
    audit.push(row)
  })
  const ticket = { ...applyState(sop, base, state, now), auditSeq: audit.length, auditHead: prev }
  await storage.commitTickets([{ ticket, expected: null, audit, scheduleTimers: [], removeTimers: [] }])
  return { id: base.id, ticket, sop }
}
