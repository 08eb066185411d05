import type { Database } from 'better-sqlite3'

export function leafHash(leaf: Buffer): Buffer
export function nodeHash(left: Buffer, right: Buffer): Buffer
export function prepareLedger(db: Database): {
  begin(): number
  readonly size: number
  reset(n: number): void
  append(recordHash: string): number
}
