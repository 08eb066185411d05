import type { Database } from 'better-sqlite3'

/** A ticket commit with every value ready to bind. */
export interface FlatCommit {
  id: string
  expected: { version: number; auditSeq: number } | null
  ticket: unknown[]
  audit: unknown[][]
  removeTimers: string[]
  scheduleTimers: unknown[][]
  idempotency: unknown[] | null
}

export type FlatOutcome = { ok: true } | { ok: false; conflict: boolean; code: string; message: string }

export function prepareCommitBatch(db: Database): (units: FlatCommit[]) => FlatOutcome[]
