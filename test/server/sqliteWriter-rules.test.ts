import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { ensureAdmin, importSop } from '../../server/start.ts'
import type { FlatCommit } from '../../server/storage/commitBatch.mjs'
import { flatten } from '../../server/storage/flattenCommit.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { WriterThread } from '../../server/storage/sqliteWriter.ts'
import { fixture, NOW, newTicket } from './commitFixtures.ts'

/**
 * The writer thread's rules (server/storage/sqliteWriter.ts), on real SQLite files and the real
 * writer worker: what is acknowledged was written, what was not written is refused, and a thread
 * that has failed or stopped refuses every later commit instead of leaving it waiting.
 */

/** A database file with the schema, an admin and the support SOP; the writer thread opens it. */
async function database() {
  const path = join(mkdtempSync(join(tmpdir(), 'sopflow-writer-rules-')), 'db.sqlite')
  const storage = new SqliteStorage(path)
  await ensureAdmin(storage, NOW)
  const admin = (await storage.listUsers())[0]
  const version = (await importSop(storage, fixture, admin.id, NOW)).version as number
  const unit = (id: string): FlatCommit => flatten(newTicket(id, version, admin.id))
  const ids = () =>
    (storage.db.prepare('SELECT id FROM tickets ORDER BY id').all() as { id: string }[]).map((r) => r.id)
  return { path, storage, unit, ids }
}

/** How a promise settles within `ms`: its value, its error's message, or 'still waiting'. */
function settled<T>(p: Promise<T>, ms = 5000): Promise<{ value: T } | { error: string } | 'still waiting'> {
  return Promise.race([
    p.then(
      (value) => ({ value }),
      (e: unknown) => ({ error: e instanceof Error ? e.message : `not an Error: ${String(e)}` }),
    ),
    new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), ms)),
  ])
}

const MISSING = '/nonexistent-sopflow-dir/db.sqlite'
const OPEN_FAILED = 'The writer thread failed: Cannot open database because the directory does not exist'

describe('the writer thread (sqliteWriter.ts)', () => {
  const cleanup: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c()
  })

  it('acknowledges a batch with one outcome per unit once it is written', async () => {
    const db = await database()
    const writer = new WriterThread(db.path, 1000)
    cleanup.push(
      () => writer.stop(),
      () => db.storage.close(),
    )
    expect(await settled(writer.commit([db.unit('t_1'), db.unit('t_2')]))).toEqual({
      value: [{ ok: true }, { ok: true }],
    })
    expect(await settled(writer.commit([]))).toEqual({ value: [] })
    expect(db.ids()).toEqual(['t_1', 't_2'])
  })

  it('refuses a batch the database refuses as a whole with its message, and commits the next one', async () => {
    const db = await database()
    const writer = new WriterThread(db.path, 1000)
    cleanup.push(
      () => writer.stop(),
      () => db.storage.close(),
    )
    expect(await settled(writer.commit([db.unit('t_1')]))).toEqual({ value: [{ ok: true }] })
    // The ledger's table is gone for a moment: the batch cannot even begin.
    const other = new Database(db.path)
    other.exec('ALTER TABLE ledger_nodes RENAME TO ledger_nodes_away')
    expect(await settled(writer.commit([db.unit('t_2')]))).toEqual({
      error: 'The commit failed: no such table: ledger_nodes',
    })
    other.exec('ALTER TABLE ledger_nodes_away RENAME TO ledger_nodes')
    other.close()
    expect(db.ids()).toEqual(['t_1'])
    expect(await settled(writer.commit([db.unit('t_3')]))).toEqual({ value: [{ ok: true }] })
    expect(db.ids()).toEqual(['t_1', 't_3'])
  })

  it('acknowledges none of a batch when the answer does not count every unit sent', async () => {
    const db = await database()
    const writer = new WriterThread(db.path, 1000)
    cleanup.push(
      () => writer.stop(),
      () => db.storage.close(),
    )
    // A Set has no length: the thread writes its one unit, but what was sent counts no units.
    const units = new Set([db.unit('t_1')]) as unknown as FlatCommit[]
    expect(await settled(writer.commit(units))).toEqual({
      error: 'The writer answered 1 of undefined commits',
    })
  })

  it('refuses the commit waiting when the thread fails to start, and every later one, at once', async () => {
    const writer = new WriterThread(MISSING, 1000)
    expect(await settled(writer.commit([]))).toEqual({ error: OPEN_FAILED })
    expect(await settled(writer.commit([]), 1000)).toEqual({ error: OPEN_FAILED })
    // Stopping a failed thread is immediate and keeps the failure as the reason.
    const started = Date.now()
    await writer.stop()
    expect(Date.now() - started).toBeLessThan(1000)
    expect(await settled(writer.commit([]), 1000)).toEqual({ error: OPEN_FAILED })
  })

  it('stops a thread that dies while stopping without waiting out the two seconds', async () => {
    const writer = new WriterThread(MISSING, 1000)
    const started = Date.now()
    await writer.stop()
    expect(Date.now() - started).toBeLessThan(1500)
    expect(await settled(writer.commit([]), 1000)).toEqual({ error: 'The storage is closed' })
  })

  it('writes every batch queued before stop, refuses one sent after, and every commit once stopped', async () => {
    const db = await database()
    const writer = new WriterThread(db.path, 1000)
    cleanup.push(() => db.storage.close())
    await writer.commit([]) // the thread is up
    // Enough batches that the thread is still writing them when it is asked to stop.
    const name = (i: number, k: number) => `t_q${String(i).padStart(2, '0')}_${k}`
    const queued = Array.from({ length: 30 }, (_, i) =>
      writer.commit(Array.from({ length: 10 }, (_, k) => db.unit(name(i, k)))),
    )
    const stopping = writer.stop()
    const late = writer.commit([db.unit('t_late')])
    const written = await Promise.all(queued.map((q) => settled(q)))
    expect(written).toEqual(Array(30).fill({ value: Array(10).fill({ ok: true }) }))
    expect(await settled(late)).toEqual({ error: 'The storage is closed' })
    expect(await settled(stopping)).toEqual({ value: undefined })
    expect(await settled(writer.commit([db.unit('t_after')]), 1000)).toEqual({
      error: 'The storage is closed',
    })
    // Stopping again changes nothing.
    await writer.stop()
    expect(await settled(writer.commit([]), 1000)).toEqual({ error: 'The storage is closed' })
    expect(db.ids()).toEqual(Array.from({ length: 300 }, (_, n) => name(Math.floor(n / 10), n % 10)))
  })
})
