// The SQL of a ticket commit, shared by the storage (on its own connection) and by the writer
// thread (on the writer's connection). Units arrive flattened: every value ready to bind. Each
// audit record is appended to the installation's Merkle ledger in the same transaction and carries
// its leaf index.
import { prepareLedger } from './ledgerAppend.mjs'

/**
 * @typedef {Record<string, unknown>} Row
 * @typedef {{
 *   id: string
 *   expected: { version: number, auditSeq: number } | null
 *   ticket: Row
 *   audit: Row[]
 *   removeTimers: string[]
 *   scheduleTimers: Row[]
 *   idempotency: Row | null
 *   outbox?: Row[]
 *   customers?: Row[]
 *   messages?: Row[]
 *   attachments?: Row[]
 * }} FlatCommit
 * @typedef {{ ok: true } | { ok: false, conflict: boolean, code: string, message: string }} FlatOutcome
 */

// Named parameters: each statement takes the columns it needs from the same row object.
const UPDATE_TICKET = `UPDATE tickets SET status = @status, outcome = @outcome, priority = @priority,
  priority_rank = @priorityRank, assignee_id = @assigneeId, queue = @queue, version = @version,
  updated_at = @updatedAt, closed_at = @closedAt, due_at = @dueAt, steps = @steps, state = @state,
  audit_seq = @auditSeq, audit_head = @auditHead, subject = @subject, customer_id = @customerId WHERE id = @id`
const INSERT_TICKET = `INSERT INTO tickets (id, sop_id, sop_version, sop_hash, channel, customer_id, subject, status,
  outcome, priority, priority_rank, assignee_id, queue, version, created_at, updated_at, closed_at, due_at, steps,
  state, audit_seq, audit_head, number) VALUES (@id, @sopId, @sopVersion, @sopHash, @channel, @customerId, @subject,
  @status, @outcome, @priority, @priorityRank, @assigneeId, @queue, @version, @createdAt, @updatedAt, @closedAt, @dueAt,
  @steps, @state, @auditSeq, @auditHead, @number)`
const INSERT_AUDIT = `INSERT INTO audit (ticket_id, seq, type, at, actor_id, role, payload, prev_hash, hash, leaf)
  VALUES (@ticketId, @seq, @type, @at, @actorId, @role, @payload, @prevHash, @hash, @leaf)`
const INSERT_TIMER = `INSERT OR REPLACE INTO timers (ticket_id, id, kind, step_id, transition_id, due_at)
  VALUES (@ticketId, @id, @kind, @stepId, @transitionId, @dueAt)`
const INSERT_IDEMPOTENCY = `INSERT INTO idempotency (user_id, key, fingerprint, ticket_id, status, created_at)
  VALUES (@userId, @key, @fingerprint, @ticketId, @status, @createdAt)`

const INSERT_OUTBOX = `INSERT INTO outbox (id, kind, ticket_id, event, target, subscription_id, payload, next_at,
  created_at) VALUES (@id, @kind, @ticketId, @event, @target, @subscriptionId, @payload, @nextAt, @createdAt)`

// Rows a channel writes with the ticket operation: a new customer, the message and its attachments.
const INSERT_CUSTOMER = `INSERT INTO customers (id, name, phone, email, address, segment, created_at, updated_at)
  VALUES (@id, @name, @phone, @email, @address, @segment, @createdAt, @updatedAt)`
const INSERT_MESSAGE = `INSERT INTO channel_messages (id, connection_id, ticket_id, follows_ticket_id, direction,
  channel, status, sender, sender_name, subject, text, html, external_id, conversation_id, refs, raw, at)
  VALUES (@id, @connectionId, @ticketId, @followsTicketId, @direction, @channel, @status, @sender, @senderName,
  @subject, @text, @html, @externalId, @conversationId, @refs, @raw, @at)`
const INSERT_ATTACHMENT = `INSERT INTO channel_attachments (id, message_id, sha256, filename, content_type, size, refused)
  VALUES (@id, @messageId, @sha256, @filename, @contentType, @size, @refused)`

class Conflict extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message)
    this.code = code
  }
}

/**
 * Why a commit made against an older copy of a ticket is refused: the version it expected, or,
 * at the same version, the length of the audit trail (a record written meanwhile without a new
 * version). Used by both storages, so a refusal reads the same on SQLite and PostgreSQL.
 * @param {string} id
 * @param {{ version: number, auditSeq: number }} current
 * @param {{ version: number, auditSeq: number }} expected
 */
export function staleVersionMessage(id, current, expected) {
  if (current.version !== expected.version)
    return `Ticket ${id} is at version ${current.version}, not ${expected.version}`
  return `Ticket ${id} has ${current.auditSeq} audit records at version ${current.version}, not ${expected.auditSeq}`
}

/**
 * Prepares the statements of a commit on a connection and returns the function that writes a
 * batch: one transaction for the batch (one fsync), each unit in its own savepoint, so that a unit
 * whose ticket moved on is rolled back alone and reported as a conflict.
 * @param {import('better-sqlite3').Database} db
 * @param {{ ledger?: boolean }} [options] ledger false: records are not added to the ledger (only
 *   to measure what keeping it costs)
 * @returns {(units: FlatCommit[]) => FlatOutcome[]}
 */
export function prepareCommitBatch(db, options = {}) {
  const keepLedger = options.ledger !== false
  const current = db.prepare('SELECT version, audit_seq FROM tickets WHERE id = ?')
  const updateTicket = db.prepare(UPDATE_TICKET)
  const insertTicket = db.prepare(INSERT_TICKET)
  const insertAudit = db.prepare(INSERT_AUDIT)
  const removeTimer = db.prepare('DELETE FROM timers WHERE ticket_id = ? AND id = ?')
  const insertTimer = db.prepare(INSERT_TIMER)
  const insertIdempotency = db.prepare(INSERT_IDEMPOTENCY)
  const ledger = prepareLedger(db)
  const insertOutbox = db.prepare(INSERT_OUTBOX)
  const insertCustomer = db.prepare(INSERT_CUSTOMER)
  const insertMessage = db.prepare(INSERT_MESSAGE)
  const insertAttachment = db.prepare(INSERT_ATTACHMENT)

  /** @param {FlatCommit} u */
  const one = db.transaction((u) => {
    // The customer first: the new ticket refers to them.
    for (const c of u.customers ?? []) insertCustomer.run(c)
    if (u.expected) {
      const row = /** @type {{ version: number, audit_seq: number } | undefined} */ (current.get(u.id))
      if (!row) throw new Conflict('not_found', `Ticket ${u.id} does not exist`)
      if (row.version !== u.expected.version || row.audit_seq !== u.expected.auditSeq) {
        throw new Conflict(
          'stale_version',
          staleVersionMessage(u.id, { version: row.version, auditSeq: row.audit_seq }, u.expected),
        )
      }
      updateTicket.run(u.ticket)
    } else {
      insertTicket.run(u.ticket)
    }
    for (const a of u.audit)
      insertAudit.run({ ...a, leaf: keepLedger ? ledger.append(/** @type {string} */ (a.hash)) : null })
    for (const id of u.removeTimers) removeTimer.run(u.id, id)
    for (const tm of u.scheduleTimers) insertTimer.run(tm)
    if (u.idempotency) insertIdempotency.run(u.idempotency)
    // Messages the operation causes: in the unit's savepoint, so a conflict rolls them back too.
    for (const m of u.outbox ?? []) insertOutbox.run(m)
    for (const m of u.messages ?? []) insertMessage.run(m)
    for (const a of u.attachments ?? []) insertAttachment.run(a)
  })

  /** @param {FlatCommit[]} units */
  const batch = db.transaction((units) => {
    /** @type {FlatOutcome[]} */
    const outcomes = []
    ledger.begin()
    for (const u of units) {
      const size = ledger.size
      try {
        one(u)
        outcomes.push({ ok: true })
      } catch (error) {
        ledger.reset(size)
        const e = /** @type {Error & { code?: string }} */ (error)
        outcomes.push({
          ok: false,
          conflict: e instanceof Conflict,
          code: typeof e.code === 'string' ? e.code : 'storage_error',
          message: e.message,
        })
      }
    }
    return outcomes
  })
  return (units) => batch.immediate(units)
}
