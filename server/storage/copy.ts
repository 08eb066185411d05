import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { PgStorage } from './postgres.ts'
import type { SqliteStorage } from './sqlite.ts'

/**
 * Copies every table of a SQLite database into an empty PostgreSQL database, in one transaction:
 * the target holds all of it or none of it. Tables are copied parents first; a table the target
 * does not have, or a column it lacks, stops the copy before anything is written. Attachment
 * contents, files beside the SQLite database, go into the target's `attachment_contents`, where
 * every server on PostgreSQL reads them.
 */
const ORDER = [
  'users',
  'tokens',
  'teams',
  'org_roles',
  'user_org_roles',
  'sops',
  'sop_versions',
  'calendar_versions',
  'sop_calendar_pins',
  'sop_team_calendars',
  'customers',
  'surveys',
  'tickets',
  'audit',
  'timers',
  'idempotency',
  'ledger_nodes',
  'ledger_heads',
  'admin_log',
  'sessions',
  'auth_links',
  'sign_in_attempts',
  'oidc_pending',
  'channel_connections',
  'channel_messages',
  'channel_attachments',
  'status_links',
  'outbox',
  'webhook_subscriptions',
  'notifications',
  'notification_settings',
]

export class CopyError extends Error {
  override readonly name = 'CopyError'
  constructor(
    readonly code: 'target_not_empty' | 'table_missing' | 'column_missing',
    message: string,
    readonly table?: string,
  ) {
    super(message)
  }
}

/** Row counts by table, in copy order. */
export type TableCounts = [table: string, rows: number][]

function sourceTables(source: SqliteStorage): string[] {
  const names = (
    source.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[]
  )
    .map((r) => r.name)
    // The counter behind SQLite's access cache (`accessCache.ts`) is SQLite's own.
    .filter((n) => n !== 'access_version')
  const known = ORDER.filter((t) => names.includes(t))
  return [...known, ...names.filter((n) => !ORDER.includes(n)).sort()]
}

export async function copySqliteToPostgres(source: SqliteStorage, target: PgStorage): Promise<TableCounts> {
  const tables = sourceTables(source)
  const client = await target.pool.connect()
  const counts: TableCounts = []
  try {
    const targetColumns = new Map<string, Set<string>>()
    const r = await client.query<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'",
    )
    for (const row of r.rows) {
      const set = targetColumns.get(row.table_name) ?? new Set<string>()
      set.add(row.column_name)
      targetColumns.set(row.table_name, set)
    }
    const columns = new Map<string, string[]>()
    for (const table of tables) {
      const have = targetColumns.get(table)
      if (!have) throw new CopyError('table_missing', `The target database has no table "${table}"`, table)
      const cols = (source.db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map(
        (c) => c.name,
      )
      const lacking = cols.filter((c) => !have.has(c))
      if (lacking.length)
        throw new CopyError(
          'column_missing',
          `The target table "${table}" has no column ${lacking.map((c) => `"${c}"`).join(', ')}`,
          table,
        )
      columns.set(table, cols)
    }
    for (const table of ['users', 'sops', 'tickets', 'audit']) {
      const n = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)
      if (n.rows[0].n > 0)
        throw new CopyError(
          'target_not_empty',
          `The target database already holds ${table}; copy into an empty one`,
        )
    }
    await client.query('BEGIN')
    try {
      for (const table of tables) {
        const cols = columns.get(table)!
        const list = cols.map((c) => `"${c}"`).join(', ')
        const perBatch = Math.max(1, Math.floor(30_000 / cols.length))
        let rows = 0
        let batch: unknown[][] = []
        const flush = async () => {
          if (!batch.length) return
          const values = batch
            .map((_, i) => `(${cols.map((_, j) => `$${i * cols.length + j + 1}`).join(', ')})`)
            .join(', ')
          // sop_steps is derived: the target's trigger already made its rows from the versions.
          const derived = table === 'sop_steps' ? ' ON CONFLICT DO NOTHING' : ''
          await client.query(`INSERT INTO "${table}" (${list}) VALUES ${values}${derived}`, batch.flat())
          batch = []
        }
        for (const row of source.db.prepare(`SELECT ${list} FROM "${table}"`).raw().iterate() as Iterable<
          unknown[]
        >) {
          batch.push(row)
          rows++
          if (batch.length >= perBatch) await flush()
        }
        await flush()
        counts.push([table, rows])
      }
      if (source.file && tables.includes('channel_attachments')) {
        const folder = join(dirname(source.file), 'attachments')
        const shas = source.db
          .prepare('SELECT DISTINCT sha256 FROM channel_attachments WHERE sha256 IS NOT NULL')
          .pluck()
          .all() as string[]
        for (const sha of shas) {
          const file = join(folder, sha.slice(0, 2), sha)
          if (!/^[0-9a-f]{64}$/.test(sha) || !existsSync(file)) continue
          const content = readFileSync(file)
          await client.query(
            'INSERT INTO attachment_contents (sha256, content, size) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
            [sha, content, content.length],
          )
        }
      }
      // Ticket numbers continue after the copied tickets.
      await client.query(
        "SELECT setval('ticket_numbers', (SELECT coalesce(max(number), 1000) + 1 FROM tickets), false)",
      )
      // The admin log's numbering continues after the copied entries.
      await client.query(
        "SELECT setval(pg_get_serial_sequence('admin_log', 'seq'), (SELECT coalesce(max(seq), 0) + 1 FROM admin_log), false)",
      )
      await client.query('COMMIT')
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {})
      throw err
    }
  } finally {
    client.release()
  }
  return counts
}

/** Row counts of the same tables on the target, to compare with what was copied. */
export async function targetCounts(target: PgStorage, tables: string[]): Promise<TableCounts> {
  const out: TableCounts = []
  for (const t of tables) {
    const r = await target.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${t}"`)
    out.push([t, r.rows[0].n])
  }
  return out
}
