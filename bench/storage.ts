// `npm run bench -- storage`: durable ticket commits through group commit, on SQLite (writer
// thread) and on PostgreSQL (a throwaway server, one storage and two storages on one database,
// as two servers would share it). Each client changes its own ticket as fast as it can.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureAdmin, importSop } from '../server/start.ts'
import { GroupCommitter } from '../server/storage/groupCommit.ts'
import { PgStorage } from '../server/storage/postgres.ts'
import { SqliteStorage } from '../server/storage/sqlite.ts'
import type { Storage } from '../server/storage/types.ts'
import { fixture, NOW, newTicket, touch } from '../test/server/commitFixtures.ts'
import { startPostgres } from '../test/server/pgHarness.ts'
import { runWriterCpuBench } from './writerCpu.ts'

const CLIENTS = 64
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4)

async function measure(storages: Storage[]): Promise<{ perSecond: number; p99: number }> {
  const first = storages[0]
  await ensureAdmin(first, NOW)
  const admin = (await first.listUsers())[0]
  const version = (await importSop(first, fixture, admin.id, NOW)).version as number
  const committers = storages.map((s) => new GroupCommitter(s))
  for (let i = 0; i < CLIENTS; i += 32)
    await first.commitTickets(
      Array.from({ length: Math.min(32, CLIENTS - i) }, (_, j) => newTicket(`t_${i + j}`, version, admin.id)),
    )
  const latencies: number[] = []
  const end = Date.now() + SECONDS * 1000
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      const committer = committers[c % committers.length]
      let t = (await first.getTicket(`t_${c}`))!
      while (Date.now() < end) {
        const unit = touch(t, t.version, `change ${t.version}`, admin.id)
        const started = performance.now()
        const outcome = await committer.commit(unit)
        latencies.push(performance.now() - started)
        if (!outcome.ok) throw outcome.error
        t = { ...unit.ticket }
      }
    }),
  )
  latencies.sort((a, b) => a - b)
  return { perSecond: latencies.length / SECONDS, p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0 }
}

export async function runStorageBench(): Promise<void> {
  await runWriterCpuBench()
  console.log(`## storage: durable commits, ${CLIENTS} clients, ${SECONDS} s each`)
  const rows: [string, { perSecond: number; p99: number }][] = []
  const sqlite = new SqliteStorage(join(mkdtempSync(join(tmpdir(), 'sopflow-bench-storage-')), 'db.sqlite'), {
    writerThread: true,
    backgroundCheckpoints: true,
  })
  rows.push(['SQLite (writer thread)', await measure([sqlite])])
  await sqlite.close()
  const server = await startPostgres()
  try {
    const one = await PgStorage.open(await server.createDatabase())
    rows.push(['PostgreSQL, one storage', await measure([one])])
    await one.close()
    const url = await server.createDatabase()
    const two = [await PgStorage.open(url), await PgStorage.open(url)]
    rows.push(['PostgreSQL, two storages on one database', await measure(two)])
    for (const s of two) await s.close()
  } finally {
    await server.stop()
  }
  const base = rows[0][1].perSecond
  for (const [name, r] of rows)
    console.log(
      `${name.padEnd(44)} ${r.perSecond.toFixed(0).padStart(7)} commits/s   p99 ${r.p99.toFixed(1).padStart(7)} ms   ×${(r.perSecond / base).toFixed(2)} of SQLite`,
    )
}
