import type { Database } from 'better-sqlite3'

type Row = Record<string, unknown>

/** A ticket commit with every value ready to bind, by column name. */
export interface FlatCommit {
  id: string
  expected: { version: number; auditSeq: number } | null
  ticket: Row
  audit: Row[]
  removeTimers: string[]
  scheduleTimers: Row[]
  idempotency: Row | null
  outbox?: Row[]
  customers?: Row[]
  messages?: Row[]
  attachments?: Row[]
}

export type FlatOutcome =
  | { ok: true; number?: number }
  | { ok: false; conflict: boolean; code: string; message: string }

export function prepareCommitBatch(
  db: Database,
  options?: { ledger?: boolean },
): (units: FlatCommit[]) => FlatOutcome[]

/** Why a commit made against an older copy of a ticket is refused (its version or its audit length). */
export function staleVersionMessage(
  id: string,
  current: { version: number; auditSeq: number },
  expected: { version: number; auditSeq: number },
): string
