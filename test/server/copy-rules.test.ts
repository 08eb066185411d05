import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CopyError, copySqliteToPostgres } from '../../server/storage/copy.ts'
import { PgStorage } from '../../server/storage/postgres.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { startPostgres, type TestPostgres } from './pgHarness.ts'
import { workedDatabase } from './workedDatabase.ts'

// copySqliteToPostgres (server/storage/copy.ts), the heart of `sopflow db copy`, on a SQLite file
// worked through the API and a real PostgreSQL server: the order it copies in, batches larger
// than one statement takes, the checks that stop it before it writes, the sequences it moves on,
// and the attachment contents it carries.

let server: TestPostgres
let dir: string
let worked: string
beforeAll(async () => {
  server = await startPostgres()
  dir = mkdtempSync(join(tmpdir(), 'sopflow-copy-rules-'))
  worked = join(dir, 'worked.db')
  await workedDatabase(worked)
}, 120_000)
afterAll(() => server?.stop(), 60_000)

let n = 0
/** A copy of the worked database, changed by `change` behind sopflow's back. */
function source(change?: (db: Database.Database) => void): string {
  const file = join(dir, `source-${n++}.db`)
  copyFileSync(worked, file)
  if (change) {
    const db = new Database(file)
    change(db)
    db.close()
  }
  return file
}

async function copied(file: string, prepare?: (target: PgStorage) => Promise<void>) {
  const from = new SqliteStorage(file)
  const to = await PgStorage.open(await server.createDatabase())
  await prepare?.(to)
  try {
    return {
      counts: await copySqliteToPostgres(from, to),
      to,
      close: () => Promise.all([from.close(), to.close()]),
    }
  } catch (error) {
    await Promise.all([from.close(), to.close()])
    throw error
  }
}

const count = async (to: PgStorage, table: string) =>
  (await to.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0].n

describe('copying a SQLite database into PostgreSQL', () => {
  it('copies every table, parents before the tables that refer to them, and counts what it copied', async () => {
    const { counts, to, close } = await copied(source())
    const order = counts.map(([t]) => t)
    const fks = await to.pool.query<{ child: string; parent: string }>(
      `SELECT tc.table_name AS child, ccu.table_name AS parent FROM information_schema.table_constraints tc
       JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
       WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'`,
    )
    expect(fks.rows.length).toBeGreaterThan(5)
    for (const { child, parent } of fks.rows)
      if (child !== parent && order.includes(child))
        expect(order.indexOf(parent), `${parent} before ${child}`).toBeLessThan(order.indexOf(child))
    expect(order.slice(0, 2)).toEqual(['users', 'tokens'])
    for (const [table, rows] of counts) expect(await count(to, table), table).toBe(rows)
    expect(Object.fromEntries(counts)).toMatchObject({ tickets: 3, users: expect.any(Number) })
    expect(Object.fromEntries(counts).audit).toBeGreaterThanOrEqual(9)
    await close()
  })

  it('writes a table larger than one statement takes in several, every row once', async () => {
    // 9,000 customers of 8 columns: more than the 3,750 rows one statement takes, and more
    // parameters (72,000) than PostgreSQL takes in one.
    const file = source((db) => {
      const add = db.prepare(
        'INSERT INTO customers (id, name, phone, email, address, segment, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      db.transaction(() => {
        for (let i = 0; i < 9000; i++)
          add.run(
            `c_bulk_${i}`,
            `Customer ${i}`,
            null,
            `c${i}@example.com`,
            null,
            null,
            '2026-03-01',
            '2026-03-01',
          )
      })()
    })
    const { counts, to, close } = await copied(file)
    const customers = Object.fromEntries(counts).customers
    expect(customers).toBeGreaterThanOrEqual(9000)
    expect(await count(to, 'customers')).toBe(customers)
    const bulk = await to.pool.query<{ n: number; d: number }>(
      "SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM customers WHERE id LIKE 'c_bulk_%'",
    )
    expect(bulk.rows[0]).toEqual({ n: 9000, d: 9000 })
    await close()
  })

  it('continues ticket numbers and the admin log after the copied ones', async () => {
    const { to, close } = await copied(source())
    const max = (await to.pool.query<{ m: number }>('SELECT max(number)::int AS m FROM tickets')).rows[0].m
    const number = await to.pool.query<{ n: string }>("SELECT nextval('ticket_numbers') AS n")
    expect(Number(number.rows[0].n)).toBe(max + 1)
    const seq = (await to.pool.query<{ m: number }>('SELECT max(seq)::int AS m FROM admin_log')).rows[0].m
    expect(seq).toBeGreaterThan(0)
    const next = await to.pool.query<{ n: string }>(
      "SELECT nextval(pg_get_serial_sequence('admin_log', 'seq')) AS n",
    )
    expect(Number(next.rows[0].n)).toBe(seq + 1)
    await close()
  })

  it('carries the attachment contents kept beside the SQLite file, and skips a name that is not a SHA-256', async () => {
    const sha = 'ab'.repeat(32)
    const file = source((db) => {
      db.prepare(
        "INSERT INTO channel_messages (id, connection_id, ticket_id, follows_ticket_id, direction, channel, status, sender, sender_name, subject, text, html, external_id, conversation_id, refs, raw, at) VALUES ('m1', 'conn', NULL, NULL, 'in', 'email', 'pending', 'a@example.com', NULL, 'Hi', 'Hi', NULL, NULL, NULL, '[]', NULL, '2026-03-01')",
      ).run()
      const add = db.prepare(
        "INSERT INTO channel_attachments (id, message_id, sha256, filename, content_type, size, refused) VALUES (?, 'm1', ?, 'f.txt', 'text/plain', 5, NULL)",
      )
      add.run('a1', sha)
      add.run('a2', '../../etc/passwd')
      add.run('a3', 'cd'.repeat(32)) // no file for it
    })
    mkdirSync(join(dir, 'attachments', 'ab'), { recursive: true })
    writeFileSync(join(dir, 'attachments', 'ab', sha), 'hello')
    const { to, close } = await copied(file)
    const rows = await to.pool.query('SELECT sha256, content, size FROM attachment_contents')
    expect(rows.rows).toEqual([{ sha256: sha, content: Buffer.from('hello'), size: 5 }])
    expect(await count(to, 'channel_attachments')).toBe(3)
    await close()
  })

  it('stops before writing anything when the target lacks a table or a column, or holds data already', async () => {
    const refused = async (prepare: (to: PgStorage) => Promise<void>) => {
      const from = new SqliteStorage(source())
      const to = await PgStorage.open(await server.createDatabase())
      await prepare(to)
      try {
        const error = await copySqliteToPostgres(from, to).then(
          () => null,
          (e: unknown) => e,
        )
        return { error: error as CopyError, users: await count(to, 'users') }
      } finally {
        await Promise.all([from.close(), to.close()])
      }
    }
    const table = await refused((to) => to.pool.query('DROP TABLE notification_settings').then(() => {}))
    expect(table.error).toBeInstanceOf(CopyError)
    expect([table.error.code, table.error.table, table.error.message]).toEqual([
      'table_missing',
      'notification_settings',
      'The target database has no table "notification_settings"',
    ])
    expect(table.users).toBe(0)
    const column = await refused((to) => to.pool.query('ALTER TABLE surveys DROP COLUMN ces').then(() => {}))
    expect([column.error.code, column.error.table, column.error.message]).toEqual([
      'column_missing',
      'surveys',
      'The target table "surveys" has no column "ces"',
    ])
    expect(column.users).toBe(0)
    const full = await refused(async (to) => {
      await to.createUser(
        { id: 'u_there', name: 'There', role: 'agent', team: null, createdAt: '2026-03-01' },
        'h',
        't',
      )
    })
    expect([full.error.code, full.error.message]).toEqual([
      'target_not_empty',
      'The target database already holds users; copy into an empty one',
    ])
    expect(full.error.name).toBe('CopyError')
    expect(full.users).toBe(1)
  })
})
