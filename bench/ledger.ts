// Ledger figures: appends per second to the Merkle ledger, the cost per action of keeping it (the
// same commits with and without it, in one run), and verifying a 10,000-record ticket with its
// inclusion proofs, from the database and as an evidence bundle.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { createApp } from '../server/app.ts'
import { checkBundle } from '../server/services/bundleCheck.ts'
import { sha256 } from '../server/services/crypto.ts'
import { importSop } from '../server/start.ts'
import { prepareCommitBatch } from '../server/storage/commitBatch.mjs'
import { prepareLedger } from '../server/storage/ledgerAppend.mjs'
import { migrate } from '../server/storage/migrations.ts'
import { SqliteStorage } from '../server/storage/sqlite.ts'
import { longCase } from './engine.ts'
import { commitLongTicket } from './longTicket.ts'

const log = (line: string) => console.log(line)

function fileDb(): Database.Database {
  const db = new Database(join(mkdtempSync(join(tmpdir(), 'sopflow-bench-ledger-')), 'b.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  // The units below name no real SOP or customer: only the commit's own cost is measured.
  db.pragma('foreign_keys = OFF')
  migrate(db)
  return db
}

/** One action's commit: the ticket row and one audit record. */
function unit(i: number, ticket: number) {
  const id = `t_${ticket}`
  const hash = sha256(`record ${i}`)
  return {
    id,
    expected: null,
    ticket: {
      id,
      sopId: 's',
      sopVersion: 1,
      sopHash: 'h',
      channel: 'phone',
      customerId: null,
      subject: 'x',
      status: 'open',
      outcome: null,
      priority: 'normal',
      priorityRank: 1,
      assigneeId: null,
      queue: null,
      version: 1,
      createdAt: 'a',
      updatedAt: 'a',
      closedAt: null,
      dueAt: null,
      steps: '[]',
      state: '{}',
      auditSeq: 1,
      auditHead: hash,
    },
    audit: [
      {
        ticketId: id,
        seq: 0,
        type: 'created',
        at: 'a',
        actorId: 'u',
        role: 'agent',
        payload: '{}',
        prevHash: null,
        hash,
      },
    ],
    removeTimers: [],
    scheduleTimers: [],
    idempotency: null,
  }
}

export async function runLedgerBench(): Promise<void> {
  log('## ledger')
  // 1. Appends per second (batches of 256 per transaction, synchronous=FULL).
  {
    const db = fileDb()
    const ledger = prepareLedger(db)
    const total = 100_000
    const batch = db.transaction((from: number) => {
      ledger.begin()
      for (let i = from; i < from + 256; i++) ledger.append(sha256(String(i)))
    })
    const t = performance.now()
    for (let i = 0; i < total; i += 256) batch.immediate(i)
    const s = (performance.now() - t) / 1000
    log(
      `  ledger appends: ${Math.round(total / s).toLocaleString('en')} /s (batches of 256, synchronous=FULL)`,
    )
    db.close()
  }
  // 2. The cost per action: the same commits with and without the ledger, alternating rounds.
  {
    const withDb = fileDb()
    const withoutDb = fileDb()
    const commitWith = prepareCommitBatch(withDb)
    const commitWithout = prepareCommitBatch(withoutDb, { ledger: false })
    const per = { with: [] as number[], without: [] as number[] }
    let n = 0
    for (let round = 0; round < 6; round++) {
      for (const [name, commit] of [
        ['with', commitWith],
        ['without', commitWithout],
      ] as const) {
        const t = performance.now()
        for (let b = 0; b < 40; b++) {
          const units = Array.from({ length: 64 }, (_, i) => unit(n + b * 64 + i, n + b * 64 + i))
          for (const o of commit(units as never)) if (!o.ok) throw new Error(o.message)
        }
        n += 40 * 64
        per[name].push((performance.now() - t) / (40 * 64))
      }
    }
    const best = (xs: number[]) => Math.min(...xs) * 1000
    log(
      `  cost per action (batches of 64): ${best(per.with).toFixed(1)} µs with the ledger, ${best(per.without).toFixed(1)} µs without — ratio ${(best(per.with) / best(per.without)).toFixed(2)}`,
    )
    withDb.close()
    withoutDb.close()
  }
  // 3. A 10,000-record ticket verified with its inclusion proofs.
  {
    const storage = new SqliteStorage(join(mkdtempSync(join(tmpdir(), 'sopflow-bench-ledger-')), 'v.db'))
    await importSop(storage, longCase() as never, 'u_bench', '2026-02-01T08:00:00.000Z')
    const { id: longId } = await commitLongTicket(storage, 10_000)
    const app = createApp({ storage })
    const verifyRuns: number[] = []
    const bundleRuns: number[] = []
    for (let i = 0; i < 3; i++) {
      let t = performance.now()
      const r = await app.tickets.verify(longId)
      verifyRuns.push(performance.now() - t)
      if (!r.ok) throw new Error(`verify failed: ${r.problems.slice(0, 3).join('; ')}`)
      const bytes = await app.tickets.evidence((await storage.getTicket(longId))!, {
        id: 'u_bench',
      } as never)
      t = performance.now()
      const check = checkBundle(Buffer.from(bytes))
      bundleRuns.push(performance.now() - t)
      if (!check.ok) throw new Error(`bundle failed: ${check.problems.slice(0, 3).join('; ')}`)
    }
    log(
      `  10,000-record ticket with proofs: verify (chain, replay, row, 10,000 inclusion proofs) ${Math.min(...verifyRuns).toFixed(0)} ms, evidence bundle checked offline ${Math.min(...bundleRuns).toFixed(0)} ms`,
    )
    await storage.close()
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await runLedgerBench()
