import { createHash } from 'node:crypto'
import type pg from 'pg'
import { type FlatCommit, type FlatOutcome, staleVersionMessage } from './commitBatch.mjs'
import { refusalCode } from './refused.ts'

/**
 * The careful commit path on PostgreSQL (./pgCommit.ts falls back to it): each unit of a batch
 * in its own savepoint, statement by statement, so that a unit the database refuses is rolled
 * back alone and the others commit.
 */
export const COMMIT_LOCK = 0x50f1ed

const UPDATE_TICKET = `UPDATE tickets SET status = $2, outcome = $3, priority = $4, priority_rank = $5,
  assignee_id = $6, queue = $7, version = $8, updated_at = $9, closed_at = $10, due_at = $11, steps = $12,
  state = $13, audit_seq = $14, audit_head = $15, subject = $16, customer_id = $17 WHERE id = $1`
const INSERT_TICKET = `INSERT INTO tickets (id, status, outcome, priority, priority_rank, assignee_id, queue, version,
  updated_at, closed_at, due_at, steps, state, audit_seq, audit_head, subject, customer_id, sop_id, sop_version,
  sop_hash, channel, created_at, number) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
  $16, $17, $18, $19, $20, $21, $22, $23)`
const INSERT_AUDIT = `INSERT INTO audit (ticket_id, seq, type, at, actor_id, role, payload, prev_hash, hash, leaf)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
const INSERT_TIMER = `INSERT INTO timers (ticket_id, id, kind, step_id, transition_id, due_at)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (ticket_id, id) DO UPDATE SET kind = excluded.kind, step_id = excluded.step_id,
    transition_id = excluded.transition_id, due_at = excluded.due_at, lease_until = NULL`
const INSERT_IDEMPOTENCY = `INSERT INTO idempotency (user_id, key, fingerprint, ticket_id, status, created_at)
  VALUES ($1, $2, $3, $4, $5, $6)`
const INSERT_OUTBOX = `INSERT INTO outbox (id, kind, ticket_id, event, target, subscription_id, payload, next_at,
  created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`

// Rows a channel writes with the ticket operation: a new customer, the message and its attachments.
const INSERT_CUSTOMER = `INSERT INTO customers (id, name, phone, email, address, segment, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
const INSERT_MESSAGE = `INSERT INTO channel_messages (id, connection_id, ticket_id, follows_ticket_id, direction,
  channel, status, sender, sender_name, subject, text, html, external_id, conversation_id, refs, raw, at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`
const INSERT_ATTACHMENT = `INSERT INTO channel_attachments (id, message_id, sha256, filename, content_type, size,
  refused) VALUES ($1, $2, $3, $4, $5, $6, $7)`

type Row = Record<string, unknown>
export const customerValues = (c: Row) => [
  c.id,
  c.name,
  c.phone,
  c.email,
  c.address,
  c.segment,
  c.createdAt,
  c.updatedAt,
]
export const messageValues = (m: Row) => [
  m.id,
  m.connectionId,
  m.ticketId,
  m.followsTicketId,
  m.direction,
  m.channel,
  m.status,
  m.sender,
  m.senderName,
  m.subject,
  m.text,
  m.html,
  m.externalId,
  m.conversationId,
  m.refs,
  m.raw,
  m.at,
]
export const attachmentValues = (a: Row) => [
  a.id,
  a.messageId,
  a.sha256,
  a.filename,
  a.contentType,
  a.size,
  a.refused,
]

/** A ticket row's values in column order: the 17 an update sets, then the ones fixed at creation. */
export const ticketValues = (t: Record<string, unknown>) => [
  t.id,
  t.status,
  t.outcome,
  t.priority,
  t.priorityRank,
  t.assigneeId,
  t.queue,
  t.version,
  t.updatedAt,
  t.closedAt,
  t.dueAt,
  t.steps,
  t.state,
  t.auditSeq,
  t.auditHead,
  t.subject,
  t.customerId,
  t.sopId,
  t.sopVersion,
  t.sopHash,
  t.channel,
  t.createdAt,
  t.number ?? null,
]

class Conflict extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export const sha = (...parts: Buffer[]) => {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return h.digest()
}
export const LEAF = Buffer.from([0])
export const NODE = Buffer.from([1])

/** Appends leaves to the ledger inside the batch's transaction (as ./ledgerAppend.mjs does on SQLite). */
class PgLedger {
  size = 0
  private readonly nodes = new Map<string, Buffer>()
  constructor(private readonly client: pg.PoolClient) {}

  async begin(): Promise<void> {
    const r = await this.client.query<{ n: string }>(
      'SELECT coalesce(max(idx) + 1, 0) AS n FROM ledger_nodes WHERE level = 0',
    )
    this.size = Number(r.rows[0].n)
  }

  /** After a rolled-back savepoint: forget what it appended. */
  reset(size: number): void {
    this.size = size
    this.nodes.clear()
  }

  private async node(level: number, idx: number): Promise<Buffer> {
    const k = `${level}/${idx}`
    const cached = this.nodes.get(k)
    if (cached) return cached
    const r = await this.client.query<{ hash: Buffer }>(
      'SELECT hash FROM ledger_nodes WHERE level = $1 AND idx = $2',
      [level, idx],
    )
    if (!r.rows[0]) throw new Error(`The ledger has no node ${level}/${idx}`)
    return r.rows[0].hash
  }

  private async put(level: number, idx: number, hash: Buffer): Promise<void> {
    await this.client.query('INSERT INTO ledger_nodes (level, idx, hash) VALUES ($1, $2, $3)', [
      level,
      idx,
      hash,
    ])
    this.nodes.set(`${level}/${idx}`, hash)
  }

  async append(recordHash: string): Promise<number> {
    const index = this.size
    let hash = sha(LEAF, Buffer.from(recordHash, 'hex'))
    await this.put(0, index, hash)
    let level = 0
    let idx = index
    while (idx % 2 === 1) {
      hash = sha(NODE, await this.node(level, idx - 1), hash)
      level++
      idx = Math.floor(idx / 2)
      await this.put(level, idx, hash)
    }
    this.size = index + 1
    return index
  }
}

async function commitOne(client: pg.PoolClient, ledger: PgLedger, u: FlatCommit): Promise<void> {
  const t = u.ticket
  const values = ticketValues(t)
  // The customer first: the new ticket refers to them.
  for (const c of u.customers ?? []) await client.query(INSERT_CUSTOMER, customerValues(c))
  if (u.expected) {
    const r = await client.query<{ version: number; audit_seq: number }>(
      'SELECT version, audit_seq FROM tickets WHERE id = $1 FOR UPDATE',
      [u.id],
    )
    const row = r.rows[0]
    if (!row) throw new Conflict('not_found', `Ticket ${u.id} does not exist`)
    if (row.version !== u.expected.version || row.audit_seq !== u.expected.auditSeq)
      throw new Conflict(
        'stale_version',
        staleVersionMessage(u.id, { version: row.version, auditSeq: row.audit_seq }, u.expected),
      )
    await client.query(UPDATE_TICKET, values.slice(0, 17))
  } else {
    await client.query(INSERT_TICKET, values)
  }
  for (const a of u.audit) {
    const leaf = await ledger.append(a.hash as string)
    await client.query(INSERT_AUDIT, [
      a.ticketId,
      a.seq,
      a.type,
      a.at,
      a.actorId,
      a.role,
      a.payload,
      a.prevHash,
      a.hash,
      leaf,
    ])
  }
  for (const id of u.removeTimers)
    await client.query('DELETE FROM timers WHERE ticket_id = $1 AND id = $2', [u.id, id])
  for (const tm of u.scheduleTimers)
    await client.query(INSERT_TIMER, [tm.ticketId, tm.id, tm.kind, tm.stepId, tm.transitionId, tm.dueAt])
  const i = u.idempotency
  if (i)
    await client.query(INSERT_IDEMPOTENCY, [
      i.userId,
      i.key,
      i.fingerprint,
      i.ticketId,
      i.status,
      i.createdAt,
    ])
  for (const m of u.outbox ?? [])
    await client.query(INSERT_OUTBOX, [
      m.id,
      m.kind,
      m.ticketId,
      m.event,
      m.target,
      m.subscriptionId,
      m.payload,
      m.nextAt,
      m.createdAt,
    ])
  for (const m of u.messages ?? []) await client.query(INSERT_MESSAGE, messageValues(m))
  for (const a of u.attachments ?? []) await client.query(INSERT_ATTACHMENT, attachmentValues(a))
}

/** The careful path: each unit in its own savepoint, so a unit the database refuses fails alone. */
export async function commitOneByOne(client: pg.PoolClient, units: FlatCommit[]): Promise<FlatOutcome[]> {
  const outcomes: FlatOutcome[] = []
  await client.query('BEGIN')
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [COMMIT_LOCK])
    const ledger = new PgLedger(client)
    await ledger.begin()
    for (const u of units) {
      const size = ledger.size
      await client.query('SAVEPOINT unit')
      try {
        await commitOne(client, ledger, u)
        await client.query('RELEASE SAVEPOINT unit')
        outcomes.push({ ok: true })
      } catch (error) {
        await client.query('ROLLBACK TO SAVEPOINT unit')
        ledger.reset(size)
        const e = error as Error & { code?: string }
        const conflict = e instanceof Conflict
        outcomes.push({
          ok: false,
          conflict,
          code: conflict ? (e.code as string) : refusalCode(e),
          message: e.message,
        })
      }
    }
    await client.query('COMMIT')
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  }
  return outcomes
}
