// `npm run bench -- storage`, first part: the CPU the SQLite writer spends per ticket commit, with
// the alternatives measured side by side in one run (rounds interleaved, so that the machine's
// noise falls on both alike): how a batch crosses to the writer thread, and the audit table's
// layout. synchronous=OFF, so the figures are the writer's work, not the disk's.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { ensureAdmin, importSop } from '../server/start.ts'
import { type FlatCommit, prepareCommitBatch } from '../server/storage/commitBatch.mjs'
import { flatten } from '../server/storage/flattenCommit.ts'
import { MIGRATIONS } from '../server/storage/migrations.ts'
import { SqliteStorage } from '../server/storage/sqlite.ts'
import type { TicketRow } from '../server/storage/types.ts'
import { fixture, NOW, newTicket, touch } from '../test/server/commitFixtures.ts'
import { oldInstallation } from '../test/server/oldInstallation.ts'

const TICKETS = 64
const BATCH = 16
const ROUNDS = Number(process.env.BENCH_WRITER_ROUNDS ?? 400)

/** CPU microseconds of `f`, on this thread and any other of the process. */
function cpu(f: () => void): number {
  const before = process.cpuUsage()
  f()
  const d = process.cpuUsage(before)
  return d.user + d.system
}

/** A database with TICKETS tickets; `layoutBefore`: as an installation before the rowid audit table. */
async function seeded(layoutBefore: boolean) {
  const path = join(mkdtempSync(join(tmpdir(), 'sopflow-bench-writer-')), 'db.sqlite')
  const storage = new SqliteStorage(path, { writerThread: false })
  await ensureAdmin(storage, NOW)
  const admin = (await storage.listUsers())[0]
  const version = (await importSop(storage, fixture, admin.id, NOW)).version as number
  await storage.commitTickets(
    Array.from({ length: TICKETS }, (_, i) => newTicket(`t_${i}`, version, admin.id)),
  )
  const tickets: TicketRow[] = []
  for (let i = 0; i < TICKETS; i++) tickets.push((await storage.getTicket(`t_${i}`))!)
  await storage.close()
  const layout = MIGRATIONS.findIndex((m) => m.name.startsWith('audit records appended at the end'))
  const db = new Database(layoutBefore ? oldInstallation(path, layout) : path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = OFF')
  const commit = prepareCommitBatch(db)
  let next = 0
  /** The next batch: BATCH tickets in turn, each changed once. */
  const batch = () =>
    Array.from({ length: BATCH }, () => {
      const i = next++ % TICKETS
      const t = tickets[i]
      const unit = touch(t, t.version, `change ${t.version}`, admin.id)
      tickets[i] = unit.ticket
      return flatten(unit)
    })
  return { db, commit, batch }
}

export async function runWriterCpuBench(): Promise<void> {
  console.log(`## storage: the SQLite writer's CPU per commit, ${ROUNDS} rounds of ${BATCH}-commit batches`)
  // 1. Carrying a batch to the thread: a structured clone of the rows (what postMessage does, and
  // what the writer thread is sent) against one JSON string (written on the server's thread, read
  // on the writer's); both sides counted.
  const probe = await seeded(false)
  const units: FlatCommit[] = probe.batch()
  let cloned = 0
  let serialised = 0
  for (let r = 0; r < ROUNDS * 4; r++) {
    cloned += cpu(() => structuredClone(units))
    serialised += cpu(() => JSON.parse(JSON.stringify({ id: r, units })))
  }
  probe.db.close()
  const per = (us: number, rounds: number) => us / (rounds * BATCH)
  const [c, s] = [per(cloned, ROUNDS * 4), per(serialised, ROUNDS * 4)]
  console.log(
    `  batch to the writer thread: structured clone ${c.toFixed(1)} µs/commit, one JSON string ${s.toFixed(1)} µs/commit (×${(s / c).toFixed(2)})`,
  )

  // 2. Writing the batch: the audit table WITHOUT ROWID keyed by (ticket, seq) against a rowid table.
  const before = await seeded(true)
  const after = await seeded(false)
  let old = 0
  let now = 0
  for (let r = 0; r < ROUNDS; r++) {
    const [a, b] = [before.batch(), after.batch()]
    old += cpu(() => before.commit(a))
    now += cpu(() => after.commit(b))
  }
  before.db.close()
  after.db.close()
  const [o, n] = [per(old, ROUNDS), per(now, ROUNDS)]
  console.log(
    `  writing a commit (ticket, audit record, ledger leaf): audit WITHOUT ROWID ${o.toFixed(1)} µs, rowid table ${n.toFixed(1)} µs (×${(n / o).toFixed(2)})`,
  )
}
