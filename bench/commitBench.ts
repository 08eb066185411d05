// The setup the commit benchmarks share (ledger, outbox): a file database in WAL with every
// migration, one action's commit unit, and the alternating rounds that compare two commit paths.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { sha256 } from '../server/services/crypto.ts'
import { migrate } from '../server/storage/migrations.ts'

/** A fresh database file in WAL with synchronous=FULL, as the server opens it. */
export function benchDb(name: string): Database.Database {
  const db = new Database(join(mkdtempSync(join(tmpdir(), `sopflow-bench-${name}-`)), 'b.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  // The units below name no real SOP or customer: only the commit's own cost is measured.
  db.pragma('foreign_keys = OFF')
  migrate(db)
  return db
}

/** One action's commit: the ticket row `t_<ticket>` and one audit record, with any outbox rows. */
export function commitUnit(i: number, ticket: number = i, outbox: unknown[] = []) {
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
    ...(outbox.length ? { outbox } : {}),
  }
}

type Commit = (units: never) => { ok: boolean; message?: string }[]

/**
 * The best time per action, in µs, of two commit paths over the same kind of units (batches of 64,
 * six alternating rounds of 40 batches each, so that both see the same machine).
 */
export function compareCommits(
  paths: { with: Commit; without: Commit },
  unitFor: (n: number, path: 'with' | 'without') => unknown,
): { with: number; without: number } {
  const per = { with: [] as number[], without: [] as number[] }
  let n = 0
  for (let round = 0; round < 6; round++) {
    for (const name of ['with', 'without'] as const) {
      const t = performance.now()
      for (let b = 0; b < 40; b++) {
        const units = Array.from({ length: 64 }, (_, i) => unitFor(n + b * 64 + i, name))
        for (const o of paths[name](units as never)) if (!o.ok) throw new Error(o.message)
      }
      n += 40 * 64
      per[name].push((performance.now() - t) / (40 * 64))
    }
  }
  const best = (xs: number[]) => Math.min(...xs) * 1000
  return { with: best(per.with), without: best(per.without) }
}
