// Ledger figures: appends per second to the Merkle ledger, the cost per action of keeping it (the
// same commits with and without it, in one run), and verifying a 10,000-record ticket with its
// inclusion proofs, from the database and as an evidence bundle.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createApp } from '../server/app.ts'
import { checkBundle } from '../server/services/bundleCheck.ts'
import { sha256 } from '../server/services/crypto.ts'
import { importSop } from '../server/start.ts'
import { prepareCommitBatch } from '../server/storage/commitBatch.mjs'
import { prepareLedger } from '../server/storage/ledgerAppend.mjs'
import { SqliteStorage } from '../server/storage/sqlite.ts'
import { benchDb, commitUnit, compareCommits } from './commitBench.ts'
import { longCase } from './engine.ts'
import { commitLongTicket } from './longTicket.ts'

const log = (line: string) => console.log(line)

export async function runLedgerBench(): Promise<void> {
  log('## ledger')
  // 1. Appends per second (batches of 256 per transaction, synchronous=FULL).
  {
    const db = benchDb('ledger')
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
    const withDb = benchDb('ledger')
    const withoutDb = benchDb('ledger')
    const best = compareCommits(
      { with: prepareCommitBatch(withDb), without: prepareCommitBatch(withoutDb, { ledger: false }) },
      (n) => commitUnit(n),
    )
    log(
      `  cost per action (batches of 64): ${best.with.toFixed(1)} µs with the ledger, ${best.without.toFixed(1)} µs without — ratio ${(best.with / best.without).toFixed(2)}`,
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
