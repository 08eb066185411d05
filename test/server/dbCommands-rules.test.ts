import { copyFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toHex } from '../../engine/index.ts'
import { runDbCopy } from '../../server/cli/dbCommands.ts'
import { loadOrCreateKey } from '../../server/ledger/keys.ts'
import { LedgerService } from '../../server/ledger/ledger.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { startPostgres, type TestPostgres } from './pgHarness.ts'
import { workedDatabase } from './workedDatabase.ts'

// `sopflow db copy` (runDbCopy in server/cli/dbCommands.ts) run in this process, from a SQLite
// file worked through the API to a real PostgreSQL server the test starts: every line it prints
// and its exit code, for a good copy, for a source whose audit was changed behind sopflow's back,
// and for a --from or --to of the wrong kind.

let server: TestPostgres
let dir: string
let source: string

/** What `fail` is called with (it ends the command, as the CLI's own does). */
class Failed extends Error {}
const fail = (m: string): never => {
  throw new Failed(m)
}

/** The lines the command prints, and its exit code. */
async function copy(from: string, to: string) {
  const out: string[] = []
  const code = await runDbCopy(from, to, fail, (l) => out.push(l))
  return { code, out }
}

let ids: string[]
beforeAll(async () => {
  server = await startPostgres()
  dir = mkdtempSync(join(tmpdir(), 'sopflow-db-copy-cli-'))
  source = join(dir, 'sopflow.db')
  ids = await workedDatabase(source)
}, 120_000)
afterAll(() => server?.stop(), 60_000)

describe('sopflow db copy, in process', () => {
  it('prints the rows of each table, the ledger and every ticket verified on the target, and exits 0', async () => {
    const { code, out } = await copy(source, await server.createDatabase())
    expect(out.filter((l) => l.startsWith('✗'))).toEqual([])
    expect(code).toBe(0)
    expect(out).toContain('  tickets: 3')
    // Every table line gives the rows of that table in the source.
    const db = new Database(source, { readonly: true })
    const tables = out.filter((l) => l.startsWith('  '))
    expect(tables.length).toBeGreaterThan(3)
    for (const line of tables) {
      const [, table, rows] = /^ {2}(\w+): (\d+)$/.exec(line) ?? []
      expect(table, line).toBeTruthy()
      expect(Number(rows), `${line}: an empty table is not listed`).toBeGreaterThan(0)
      expect((db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n, line).toBe(
        Number(rows),
      )
    }
    db.close()
    // The ledger line names the source's record count and root.
    const src = new SqliteStorage(source, { writerThread: false })
    const size = await src.ledgerSize()
    const root = toHex(await new LedgerService(src, loadOrCreateKey(null)).rootOf(size))
    await src.close()
    expect(size).toBeGreaterThan(9)
    expect(out.slice(tables.length)).toEqual([
      `✓ ledger: ${size} records, root ${root}`,
      '✓ 3 of 3 tickets verified on the target (hash chain and replay)',
    ])
  }, 120_000)

  it('closes its connections to the target when done: the database can be dropped at once', async () => {
    const url = await server.createDatabase()
    expect((await copy(source, url)).code).toBe(0)
    const admin = new pg.Client({ connectionString: server.url('postgres') })
    await admin.connect()
    try {
      await admin.query(`DROP DATABASE "${new URL(url).pathname.slice(1)}"`)
    } finally {
      await admin.end()
    }
  }, 120_000)

  it('refuses to copy into a database that holds data already', async () => {
    const url = await server.createDatabase()
    expect((await copy(source, url)).code).toBe(0)
    await expect(copy(source, url)).rejects.toThrow(/already holds/)
  }, 120_000)

  it('reports a ticket whose audit was changed in the source, and exits 1: the copy is not to be trusted', async () => {
    const tampered = join(dir, 'tampered.db')
    copyFileSync(source, tampered)
    const db = new Database(tampered)
    db.exec('DROP TRIGGER IF EXISTS audit_append_only_update')
    const changed = db
      .prepare(`UPDATE audit SET payload = ? WHERE ticket_id = ? AND type = 'note'`)
      .run(JSON.stringify({ text: 'a note nobody wrote', visibility: 'internal' }), ids[1])
    expect(changed.changes).toBe(1)
    db.close()
    const { code, out } = await copy(tampered, await server.createDatabase())
    expect(code).toBe(1)
    const problems = out.filter((l) => l.startsWith('✗'))
    expect(problems.length).toBeGreaterThanOrEqual(2)
    expect(problems.slice(0, -1).every((l) => l.startsWith(`✗ ticket ${ids[1]}: `))).toBe(true)
    // One problem: the one ticket, however many of its checks fail.
    expect(out.at(-1)).toBe('✗ 1 problem(s): the copy is not to be trusted')
    expect(out).toContain('✓ 2 of 3 tickets verified on the target (hash chain and replay)')
    // The ledger holds the records' hashes, which were not changed: its root is the same.
    expect(out.some((l) => l.startsWith('✓ ledger: '))).toBe(true)
  }, 120_000)

  it('reports a ticket whose SOP version is missing from the source by that reason, and exits 1', async () => {
    const broken = join(dir, 'no-version.db')
    copyFileSync(source, broken)
    const db = new Database(broken)
    expect(db.prepare('UPDATE tickets SET sop_version = 99 WHERE id = ?').run(ids[2]).changes).toBe(1)
    db.close()
    const { code, out } = await copy(broken, await server.createDatabase())
    expect(code).toBe(1)
    expect(out.filter((l) => l.startsWith('✗'))).toEqual([
      `✗ ticket ${ids[2]}: ticket ${ids[2]}: its SOP version support-ticket@99 is missing`,
      '✗ 1 problem(s): the copy is not to be trusted',
    ])
    expect(out).toContain('✓ 2 of 3 tickets verified on the target (hash chain and replay)')
  }, 120_000)

  it('reports every ticket of a SOP version whose stored document no longer matches its hash', async () => {
    const changed = join(dir, 'sop-changed.db')
    copyFileSync(source, changed)
    const db = new Database(changed)
    db.exec('DROP TRIGGER IF EXISTS sop_versions_immutable_update')
    const { hash } = db.prepare(`SELECT hash FROM sop_versions WHERE sop_id = 'support-ticket'`).get() as {
      hash: string
    }
    db.prepare(
      `UPDATE sop_versions SET document = json_set(document, '$.name', 'Not what was published')`,
    ).run()
    db.close()
    const { code, out } = await copy(changed, await server.createDatabase())
    expect(code).toBe(1)
    expect(out.filter((l) => l.startsWith('✗'))).toEqual([
      ...[...ids]
        .sort()
        .map((id) => `✗ ticket ${id}: the stored SOP document does not match its hash ${hash}`),
      '✗ 3 problem(s): the copy is not to be trusted',
    ])
    expect(out).toContain('✓ 0 of 3 tickets verified on the target (hash chain and replay)')
  }, 120_000)

  it('takes only a SQLite file to copy from and a postgres:// URL to copy to', async () => {
    const url = await server.createDatabase()
    await expect(copy(url, url)).rejects.toThrow(new Failed(`--from must be a SQLite file, not "${url}"`))
    await expect(copy(source, join(dir, 'other.db'))).rejects.toThrow(
      new Failed(`--to must be a postgres:// URL, not "${join(dir, 'other.db')}"`),
    )
  }, 60_000)
})
