import type pg from 'pg'
import { type FlatCommit, type FlatOutcome, staleVersionMessage } from './commitBatch.mjs'
import {
  attachmentValues,
  COMMIT_LOCK,
  commitOneByOne,
  customerValues,
  LEAF,
  messageValues,
  NODE,
  sha,
  ticketValues,
} from './pgCommitUnits.ts'

/**
 * The commit batch on PostgreSQL, in hand-written SQL (the hot path; SQLite's is ./commitBatch.mjs).
 * One transaction per batch; a unit whose ticket moved on is refused alone (see commitBatchPg).
 * Batches from every server are serialised by one transaction-scoped advisory
 * lock: the Merkle ledger is a single sequence, so its appends must not interleave. The reply waits
 * for COMMIT with `synchronous_commit` on: acknowledged means durable.
 */
/** Inserts rows in as few statements as the parameter limit allows. */
async function insertMany(
  client: pg.PoolClient,
  head: string,
  width: number,
  rows: unknown[][],
  tail = '',
): Promise<void> {
  const per = Math.floor(30_000 / width)
  for (let start = 0; start < rows.length; start += per) {
    const chunk = rows.slice(start, start + per)
    const values = chunk.map(
      (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`,
    )
    await client.query(`${head} VALUES ${values.join(', ')} ${tail}`, chunk.flat())
  }
}

const TICKET_COLUMNS = `id, status, outcome, priority, priority_rank, assignee_id, queue, version, updated_at, closed_at,
  due_at, steps, state, audit_seq, audit_head, subject, customer_id, sop_id, sop_version, sop_hash, channel, created_at, number`

const UPDATED = [
  ['status', 'text'],
  ['outcome', 'text'],
  ['priority', 'text'],
  ['priority_rank', 'int'],
  ['assignee_id', 'text'],
  ['queue', 'text'],
  ['version', 'int'],
  ['updated_at', 'text'],
  ['closed_at', 'text'],
  ['due_at', 'text'],
  ['steps', 'text'],
  ['state', 'text'],
  ['audit_seq', 'int'],
  ['audit_head', 'text'],
  ['subject', 'text'],
  ['customer_id', 'text'],
] as const

/** The changed tickets' final rows, in one statement per chunk. */
async function updateTickets(client: pg.PoolClient, tickets: Record<string, unknown>[]): Promise<void> {
  const width = UPDATED.length + 1
  const per = Math.floor(30_000 / width)
  const types = ['text', ...UPDATED.map(([, type]) => type)]
  const set = UPDATED.map(([c]) => `${c} = v.${c}`).join(', ')
  const names = ['id', ...UPDATED.map(([c]) => c)].join(', ')
  for (let start = 0; start < tickets.length; start += per) {
    const chunk = tickets.slice(start, start + per)
    const values = chunk
      .map((_, r) => `(${types.map((type, c) => `$${r * width + c + 1}::${type}`).join(', ')})`)
      .join(', ')
    await client.query(
      `UPDATE tickets AS t SET ${set} FROM (VALUES ${values}) AS v(${names}) WHERE t.id = v.id`,
      chunk.flatMap((t) => ticketValues(t).slice(0, 17)),
    )
  }
}

/**
 * Writes a batch in one transaction; the outcomes come once it has committed. The fast path
 * checks every unit's expected version with one read, then writes the accepted units' final rows
 * in a few multi-row statements (ledger nodes computed here from the tree's right edge). When the
 * database refuses any of it (a repeated idempotency key, say), the transaction is rolled back and
 * the batch is written again unit by unit, each in a savepoint.
 */
export async function commitBatchPg(client: pg.PoolClient, units: FlatCommit[]): Promise<FlatOutcome[]> {
  const outcomes: FlatOutcome[] = []
  await client.query('BEGIN')
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [COMMIT_LOCK])
    const ids = [...new Set(units.map((u) => u.id))]
    const current = await client.query<{ id: string; version: number; audit_seq: number }>(
      'SELECT id, version, audit_seq FROM tickets WHERE id = ANY($1::text[]) FOR UPDATE',
      [ids],
    )
    const state = new Map(
      current.rows.map((r) => [r.id, { version: r.version, auditSeq: r.audit_seq, isNew: false }]),
    )
    const accepted: FlatCommit[] = []
    for (const u of units) {
      const cur = state.get(u.id)
      let refused: FlatOutcome | null = null
      if (u.expected) {
        if (!cur)
          refused = { ok: false, conflict: true, code: 'not_found', message: `Ticket ${u.id} does not exist` }
        else if (cur.version !== u.expected.version || cur.auditSeq !== u.expected.auditSeq)
          refused = {
            ok: false,
            conflict: true,
            code: 'stale_version',
            message: staleVersionMessage(u.id, cur, u.expected),
          }
      } else if (cur)
        refused = {
          ok: false,
          conflict: false,
          code: 'storage_error',
          message: `Ticket ${u.id} exists already`,
        }
      if (refused) {
        outcomes.push(refused)
        continue
      }
      outcomes.push({ ok: true })
      accepted.push(u)
      state.set(u.id, {
        version: u.ticket.version as number,
        auditSeq: u.ticket.auditSeq as number,
        isNew: cur ? cur.isNew : true,
      })
    }
    try {
      await writeAccepted(client, accepted, state)
    } catch {
      await client.query('ROLLBACK')
      return commitOneByOne(client, units)
    }
    await client.query('COMMIT')
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  }
  return outcomes
}

async function writeAccepted(
  client: pg.PoolClient,
  units: FlatCommit[],
  state: Map<string, { isNew: boolean }>,
): Promise<void> {
  if (!units.length) return
  // The ledger's right edge: the perfect subtrees left of the next leaf, read in one query.
  const sizeRow = await client.query<{ n: string }>(
    'SELECT coalesce(max(idx) + 1, 0) AS n FROM ledger_nodes WHERE level = 0',
  )
  let size = Number(sizeRow.rows[0].n)
  const edge = new Map<number, Buffer>()
  const wanted: [number, number][] = []
  for (let level = 0; 2 ** level <= size; level++)
    if (Math.floor(size / 2 ** level) % 2 === 1) wanted.push([level, Math.floor(size / 2 ** level) - 1])
  if (wanted.length) {
    const r = await client.query<{ level: number; idx: string; hash: Buffer }>(
      `SELECT level, idx, hash FROM ledger_nodes WHERE (level, idx) IN (${wanted.map((_, i) => `($${2 * i + 1}::int, $${2 * i + 2}::bigint)`).join(', ')})`,
      wanted.flat(),
    )
    for (const row of r.rows) edge.set(row.level, row.hash)
    if (edge.size !== wanted.length) throw new Error('The ledger is missing nodes of its right edge')
  }
  const nodes: unknown[][] = []
  const audit: unknown[][] = []
  const finalTickets = new Map<string, Record<string, unknown>>()
  const timers = new Map<string, unknown[] | null>()
  const idempotency: unknown[][] = []
  const outbox: unknown[][] = []
  const customers: unknown[][] = []
  const messages: unknown[][] = []
  const attachments: unknown[][] = []
  for (const u of units) {
    finalTickets.set(u.id, u.ticket)
    for (const c of u.customers ?? []) customers.push(customerValues(c))
    for (const m of u.messages ?? []) messages.push(messageValues(m))
    for (const a of u.attachments ?? []) attachments.push(attachmentValues(a))
    for (const a of u.audit) {
      const index = size
      let hash = sha(LEAF, Buffer.from(a.hash as string, 'hex'))
      nodes.push([0, index, hash])
      let level = 0
      let idx = index
      while (idx % 2 === 1) {
        hash = sha(NODE, edge.get(level)!, hash)
        edge.delete(level)
        level++
        idx = Math.floor(idx / 2)
        nodes.push([level, idx, hash])
      }
      edge.set(level, hash)
      size = index + 1
      audit.push([a.ticketId, a.seq, a.type, a.at, a.actorId, a.role, a.payload, a.prevHash, a.hash, index])
    }
    for (const id of u.removeTimers) timers.set(`${u.id}\u0000${id}`, null)
    for (const tm of u.scheduleTimers)
      timers.set(`${tm.ticketId}\u0000${tm.id}`, [
        tm.ticketId,
        tm.id,
        tm.kind,
        tm.stepId,
        tm.transitionId,
        tm.dueAt,
      ])
    const i = u.idempotency
    if (i) idempotency.push([i.userId, i.key, i.fingerprint, i.ticketId, i.status, i.createdAt])
    for (const m of u.outbox ?? [])
      outbox.push([
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
  }
  const created = [...finalTickets.values()].filter((t) => state.get(t.id as string)?.isNew)
  const changed = [...finalTickets.values()].filter((t) => !state.get(t.id as string)?.isNew)
  // The customers first: new tickets refer to them.
  await insertMany(
    client,
    'INSERT INTO customers (id, name, phone, email, address, segment, created_at, updated_at)',
    8,
    customers,
  )
  if (created.length)
    await insertMany(client, `INSERT INTO tickets (${TICKET_COLUMNS})`, 23, created.map(ticketValues))
  if (changed.length) await updateTickets(client, changed)
  await insertMany(
    client,
    'INSERT INTO audit (ticket_id, seq, type, at, actor_id, role, payload, prev_hash, hash, leaf)',
    10,
    audit,
  )
  await insertMany(client, 'INSERT INTO ledger_nodes (level, idx, hash)', 3, nodes)
  const removed = [...timers.entries()].filter(([, v]) => v === null).map(([k]) => k.split('\u0000'))
  if (removed.length)
    await client.query(
      'DELETE FROM timers WHERE (ticket_id, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
      [removed.map((k) => k[0]), removed.map((k) => k[1])],
    )
  const scheduled = [...timers.values()].filter((v): v is unknown[] => v !== null)
  await insertMany(
    client,
    'INSERT INTO timers (ticket_id, id, kind, step_id, transition_id, due_at)',
    6,
    scheduled,
    `ON CONFLICT (ticket_id, id) DO UPDATE SET kind = excluded.kind, step_id = excluded.step_id,
      transition_id = excluded.transition_id, due_at = excluded.due_at, lease_until = NULL`,
  )
  await insertMany(
    client,
    'INSERT INTO idempotency (user_id, key, fingerprint, ticket_id, status, created_at)',
    6,
    idempotency,
  )
  await insertMany(
    client,
    'INSERT INTO outbox (id, kind, ticket_id, event, target, subscription_id, payload, next_at, created_at)',
    9,
    outbox,
  )
  // Messages in the order they were committed: `pos` keeps it.
  await insertMany(
    client,
    `INSERT INTO channel_messages (id, connection_id, ticket_id, follows_ticket_id, direction, channel, status, sender,
      sender_name, subject, text, html, external_id, conversation_id, refs, raw, at)`,
    17,
    messages,
  )
  await insertMany(
    client,
    'INSERT INTO channel_attachments (id, message_id, sha256, filename, content_type, size, refused)',
    7,
    attachments,
  )
}
