import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { linkHash } from '../../server/services/crypto.ts'
import { entryOf } from '../../server/services/tickets.ts'
import { ensureAdmin, importSop } from '../../server/start.ts'
import type { FlatOutcome } from '../../server/storage/commitBatch.mjs'
import { flatten } from '../../server/storage/flattenCommit.ts'
import { commitOneByOne } from '../../server/storage/pgCommitUnits.ts'
import { PgStorage } from '../../server/storage/postgres.ts'
import type { AuditRow, TicketCommit, TicketRow } from '../../server/storage/types.ts'
import { fixture, NOW, newTicket } from './commitFixtures.ts'
import { startPostgres, type TestPostgres } from './pgHarness.ts'

/**
 * PostgreSQL writes a commit batch with a few multi-row statements (server/storage/pgCommit.ts) and
 * falls back to writing it unit by unit, each in a savepoint, only when the database refuses part
 * of it. The fallback gives the same rows, so a broken fast path would only show as slowness: these
 * tests watch the statements sent, and compare every table with the same batches written by the
 * unit-by-unit path on a second database.
 */
const TABLES: Record<string, string> = {
  customers: 'id',
  tickets: 'id',
  audit: 'ticket_id, seq',
  ledger_nodes: 'level, idx',
  timers: 'ticket_id, id',
  idempotency: 'user_id, key',
  outbox: 'id',
  channel_messages: 'pos',
  channel_attachments: 'pos',
}

let server: TestPostgres
beforeAll(async () => {
  server = await startPostgres()
}, 120_000)
afterAll(() => server?.stop(), 60_000)

interface Db {
  storage: PgStorage
  adminId: string
  version: number
  /** Every statement sent on the storage's connections since the last `take()`. */
  take(): string[]
}

async function database(): Promise<Db> {
  const storage = await PgStorage.open(await server.createDatabase(), { poolSize: 2 })
  let sent: string[] = []
  const watched = new WeakSet<object>()
  storage.pool.on('acquire', (client) => {
    if (watched.has(client)) return
    watched.add(client)
    const query = client.query.bind(client) as (...a: unknown[]) => unknown
    ;(client as { query: unknown }).query = (...args: unknown[]) => {
      const q = args[0] as string | { text: string }
      sent.push(typeof q === 'string' ? q : q.text)
      return query(...args)
    }
  })
  await ensureAdmin(storage, NOW)
  const adminId = (await storage.listUsers())[0].id
  const version = (await importSop(storage, fixture, adminId, NOW)).version as number
  return {
    storage,
    adminId,
    version,
    take: () => {
      const s = sent
      sent = []
      return s
    },
  }
}

/** Audit rows chained after `head`, `count` of them from `seq`. */
function notes(
  ticketId: string,
  seq: number,
  head: string | null,
  count: number,
  actorId: string,
): AuditRow[] {
  const rows: AuditRow[] = []
  for (let i = 0; i < count; i++) {
    const row: AuditRow = {
      ticketId,
      seq: seq + i,
      type: 'note',
      at: NOW,
      actorId,
      role: 'admin',
      payload: { text: `note ${seq + i} of ${ticketId}`, visibility: 'internal' },
      prevHash: head,
      hash: '',
    }
    row.hash = linkHash(head, entryOf(row))
    head = row.hash
    rows.push(row)
  }
  return rows
}

/** A new ticket with everything a commit can carry: a new customer, messages, attachments, outbox rows, timers, an idempotency key. */
function rich(template: TicketCommit, id: string, n: number, adminId: string): TicketCommit {
  const created: AuditRow = { ...template.audit[0], ticketId: id }
  created.hash = linkHash(null, entryOf(created))
  const extra = notes(id, 1, created.hash, 3, adminId)
  const audit = [created, ...extra]
  const customerId = `c_${id}`
  const messageId = `m_${id}`
  return {
    ticket: {
      ...template.ticket,
      id,
      customerId,
      subject: `Ticket ${n}`,
      auditSeq: audit.length,
      auditHead: audit.at(-1)!.hash,
    },
    expected: null,
    audit,
    scheduleTimers: [
      {
        ticketId: id,
        id: 'sla',
        kind: 'sla',
        stepId: 's',
        transitionId: null,
        dueAt: `2026-03-0${1 + (n % 9)}T10:00:00.000Z`,
      },
      {
        ticketId: id,
        id: 'wait',
        kind: 'delay',
        stepId: 's',
        transitionId: 'go',
        dueAt: '2026-03-02T09:30:00.000Z',
      },
    ],
    removeTimers: [],
    idempotency: {
      userId: adminId,
      key: `create-${id}`,
      fingerprint: `fp${n}`,
      ticketId: id,
      status: 201,
      createdAt: NOW,
    },
    customers: [
      {
        id: customerId,
        name: `Customer ${n}`,
        phone: n % 2 ? `+42060000${String(n).padStart(4, '0')}` : null,
        email: `c${n}@example.com`,
        address: null,
        segment: n % 3 ? 'loyal' : null,
        createdAt: NOW,
        updatedAt: NOW,
      },
    ],
    messages: [
      {
        message: {
          id: messageId,
          connectionId: 'conn_mail',
          ticketId: id,
          followsTicketId: null,
          direction: 'in',
          channel: 'email',
          status: 'opened',
          sender: `c${n}@example.com`,
          senderName: `Customer ${n}`,
          subject: `Help ${n}`,
          text: `Message ${n}`,
          html: n % 2 ? `<p>Message ${n}</p>` : null,
          externalId: `<${n}@mail.example.com>`,
          conversationId: null,
          refs: n % 2 ? [`<${n - 1}@mail.example.com>`] : [],
          raw: Buffer.from(`raw ${n}`),
          at: NOW,
        },
        attachments: [
          {
            id: `a_${id}`,
            messageId,
            sha256: n % 4 ? null : 'ab'.repeat(32),
            filename: `file${n}.pdf`,
            contentType: 'application/pdf',
            size: n,
            refused: n % 4 ? 'too large' : null,
          },
        ],
      },
    ],
    outbox: [
      {
        id: `o_${id}`,
        kind: 'mail',
        ticketId: id,
        event: 'ticket.created',
        target: `c${n}@example.com`,
        subscriptionId: null,
        payload: { n },
        createdAt: NOW,
        nextAt: NOW,
      },
    ],
  }
}

/** Two changes to one ticket in one batch, the second expecting the first: the sla timer moved, the wait removed. */
function twice(t: TicketRow, adminId: string): TicketCommit[] {
  const first = notes(t.id, t.auditSeq, t.auditHead, 1, adminId)
  const second = notes(t.id, t.auditSeq + 1, first[0].hash, 1, adminId)
  const mid = {
    ...t,
    subject: `${t.subject}, seen`,
    version: t.version + 1,
    auditSeq: t.auditSeq + 1,
    auditHead: first[0].hash,
  }
  return [
    {
      ticket: mid,
      expected: { version: t.version, auditSeq: t.auditSeq },
      audit: first,
      scheduleTimers: [],
      removeTimers: ['wait'],
    },
    {
      ticket: {
        ...mid,
        status: 'closed',
        outcome: 'resolved',
        closedAt: NOW,
        version: t.version + 2,
        auditSeq: t.auditSeq + 2,
        auditHead: second[0].hash,
      },
      expected: { version: t.version + 1, auditSeq: t.auditSeq + 1 },
      audit: second,
      scheduleTimers: [
        {
          ticketId: t.id,
          id: 'sla',
          kind: 'sla',
          stepId: 'later',
          transitionId: 'x',
          dueAt: '2026-04-01T00:00:00.000Z',
        },
      ],
      removeTimers: [],
    },
  ]
}

async function dump(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {}
  for (const [table, order] of Object.entries(TABLES))
    out[table] = (await db.storage.pool.query(`SELECT * FROM ${table} ORDER BY ${order}`)).rows
  return out
}

/** The same units through the unit-by-unit path, on another database. */
async function oneByOne(db: Db, units: TicketCommit[]): Promise<FlatOutcome[]> {
  const client = await db.storage.pool.connect()
  try {
    return await commitOneByOne(client, units.map(flatten))
  } finally {
    client.release()
  }
}

const fellBack = (sent: string[]) => sent.filter((s) => /SAVEPOINT|ROLLBACK/.test(s))
const summary = (outcomes: ({ ok: true } | { ok: false; error: Error })[]) =>
  outcomes.map((o) => (o.ok ? 'ok' : (o.error as Error & { code?: string }).code))

describe('the PostgreSQL commit batch', () => {
  it('writes a batch of 1,800 new tickets and then 3,600 changes without falling back, in as many statements as the parameter limit needs', async () => {
    const db = await database()
    const template = newTicket('template', db.version, db.adminId)
    // 2 statements of ticket rows (1,304 per statement), 3 of audit rows (3,000 each), 2 of
    // ledger nodes (10,000 each); then 2 of ticket updates (1,764 each).
    const created = Array.from({ length: 1800 }, (_, i) =>
      rich(template, `t${String(i).padStart(4, '0')}`, i, db.adminId),
    )
    const before = Number(
      (await db.storage.pool.query('SELECT count(*) AS n FROM ledger_nodes WHERE level = 0')).rows[0].n,
    )
    db.take()
    expect(summary(await db.storage.commitTickets(created))).toEqual(created.map(() => 'ok'))
    const sent = db.take()
    expect(fellBack(sent)).toEqual([])
    const inserts = (table: string) => sent.filter((s) => s.startsWith(`INSERT INTO ${table} `)).length
    expect(inserts('tickets')).toBe(2)
    expect(inserts('audit')).toBe(3)
    expect(inserts('ledger_nodes')).toBe(2)
    expect(inserts('customers')).toBe(1)
    expect(sent.at(-1)).toBe('COMMIT')

    const changes = created.flatMap((u) => twice(u.ticket, db.adminId))
    expect(summary(await db.storage.commitTickets(changes))).toEqual(changes.map(() => 'ok'))
    const changed = db.take()
    expect(fellBack(changed)).toEqual([])
    expect(changed.filter((s) => s.startsWith('UPDATE tickets ')).length).toBe(2)
    expect(changed.filter((s) => s.startsWith('DELETE FROM timers ')).length).toBe(1)

    const rows = await dump(db)
    expect(rows.tickets).toHaveLength(1800)
    expect(rows.audit).toHaveLength(1800 * 6)
    // A leaf per record (after the leaves the database had already), and every complete subtree's node.
    const leaves = rows.ledger_nodes.filter((n) => (n as { level: number }).level === 0).length
    expect(leaves - before).toBe(1800 * 6)
    let inner = 0
    for (let width = 1; width <= leaves; width *= 2) inner += Math.floor(leaves / width)
    expect(rows.ledger_nodes).toHaveLength(inner)
    expect(rows.timers).toHaveLength(1800)
    expect(rows.outbox).toHaveLength(1800)
    expect(rows.channel_attachments).toHaveLength(1800)
    expect(rows.timers[1799]).toMatchObject({
      ticket_id: 't1799',
      id: 'sla',
      step_id: 'later',
      due_at: '2026-04-01T00:00:00.000Z',
    })
    expect(rows.tickets[1799]).toMatchObject({
      id: 't1799',
      status: 'closed',
      outcome: 'resolved',
      version: 3,
      audit_seq: 6,
    })
    await db.storage.close()
  }, 120_000)

  it('gives the same rows as writing the same batches unit by unit', async () => {
    const [fast, careful] = await Promise.all([database(), database()])
    const template = newTicket('template', fast.version, fast.adminId)
    const created = Array.from({ length: 40 }, (_, i) =>
      rich(template, `t${String(i).padStart(2, '0')}`, i, fast.adminId),
    )
    const changes = created.flatMap((u) => twice(u.ticket, fast.adminId))
    for (const batch of [created.slice(0, 7), created.slice(7), changes]) {
      expect(summary(await fast.storage.commitTickets(batch))).toEqual(batch.map(() => 'ok'))
      expect((await oneByOne(careful, batch)).every((o) => o.ok)).toBe(true)
    }
    expect(fellBack(fast.take())).toEqual([])
    const [a, b] = await Promise.all([dump(fast), dump(careful)])
    for (const table of Object.keys(TABLES)) {
      expect(a[table].length, table).toBeGreaterThan(0)
      expect(a[table], table).toEqual(b[table])
    }
    await Promise.all([fast.storage.close(), careful.storage.close()])
  }, 120_000)

  it('refuses stale, missing and repeated tickets on the fast path, and falls back unit by unit only when the database refuses a row', async () => {
    const [fast, careful] = await Promise.all([database(), database()])
    const template = newTicket('template', fast.version, fast.adminId)
    const first = [0, 1, 2].map((i) => rich(template, `t${i}`, i, fast.adminId))
    expect(summary(await fast.storage.commitTickets(first))).toEqual(['ok', 'ok', 'ok'])
    await oneByOne(careful, first)
    const t0 = (await fast.storage.getTicket('t0'))!
    const [change] = twice(t0, fast.adminId)
    const stale = { ...twice(t0, fast.adminId)[1], expected: { version: 7, auditSeq: t0.auditSeq } }
    const missing = { ...twice({ ...t0, id: 'nobody' }, fast.adminId)[0] }
    const repeated = rich(template, 't1', 1, fast.adminId)
    const fresh = rich(template, 't3', 3, fast.adminId)
    // At the right version but not at the right length of audit: refused as stale too.
    const shorter = {
      ...twice(t0, fast.adminId)[1],
      expected: { version: t0.version + 1, auditSeq: t0.auditSeq },
    }
    const refusals = [change, stale, missing, repeated, fresh, shorter]
    fast.take()
    const outcomes1 = await fast.storage.commitTickets(refusals)
    expect(
      outcomes1.map((o) =>
        o.ok ? 'ok' : [o.error.name, (o.error as Error & { code: string }).code, o.error.message],
      ),
    ).toEqual([
      'ok',
      ['ConflictError', 'stale_version', 'Ticket t0 is at version 2, not 7'],
      ['ConflictError', 'not_found', 'Ticket nobody does not exist'],
      ['RefusedError', 'storage_error', 'Ticket t1 exists already'],
      'ok',
      [
        'ConflictError',
        'stale_version',
        `Ticket t0 has ${t0.auditSeq + 1} audit records at version 2, not ${t0.auditSeq}`,
      ],
    ])
    expect(fellBack(fast.take())).toEqual([])
    expect((await oneByOne(careful, refusals)).map((o) => (o.ok ? 'ok' : o.code))).toEqual([
      'ok',
      'stale_version',
      'not_found',
      'storage_error',
      'ok',
      'stale_version',
    ])

    // An idempotency key used already: the database refuses the row, so the batch is written again unit by unit.
    const again = rich(template, 't4', 4, fast.adminId)
    again.idempotency = { ...again.idempotency!, key: 'create-t0' }
    const after = [rich(template, 't5', 5, fast.adminId), again, rich(template, 't6', 6, fast.adminId)]
    fast.take()
    const outcomes = summary(await fast.storage.commitTickets(after))
    expect(outcomes[0]).toBe('ok')
    expect(outcomes[1]).not.toBe('ok')
    expect(outcomes[2]).toBe('ok')
    const sent = fast.take()
    expect(sent).toContain('ROLLBACK')
    expect(sent.filter((s) => s === 'SAVEPOINT unit')).toHaveLength(3)
    await oneByOne(careful, after)

    const [a, b] = await Promise.all([dump(fast), dump(careful)])
    for (const table of Object.keys(TABLES)) expect(a[table], table).toEqual(b[table])
    expect(a.tickets.map((t) => (t as { id: string }).id)).toEqual(['t0', 't1', 't2', 't3', 't5', 't6'])
    await Promise.all([fast.storage.close(), careful.storage.close()])
  }, 120_000)
})
