import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect } from 'vitest'
import { fromHex, leafHash } from '../../engine/index.ts'
import { Problem } from '../../server/http/problem.ts'
import { loadOrCreateKey } from '../../server/ledger/keys.ts'
import { sha256Bytes } from '../../server/ledger/sha.ts'
import { ensureAdmin, importSop } from '../../server/start.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { fixture, NOW, newTicket } from './commitFixtures.ts'

/** Storages with records in the ledger, for the ledger's rule tests (closed after each test). */
const opened: SqliteStorage[] = []
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close()
})

/** A storage with `n` tickets of one record each. */
export async function withRecords(n: number, prefix = 't') {
  const storage = new SqliteStorage(':memory:')
  opened.push(storage)
  await ensureAdmin(storage, NOW)
  const admin = (await storage.listUsers())[0]
  const { version } = await importSop(storage, fixture, admin.id, NOW)
  const add = async (count: number) => {
    const start = await storage.ledgerSize()
    for (let i = 0; i < count; i++) {
      const outcome = await storage.commitTickets([
        newTicket(`${prefix}_${start + i}`, version as number, admin.id),
      ])
      expect(outcome).toEqual([{ ok: true }])
    }
  }
  await add(n)
  return { storage, add }
}

/** A clock a second later at each reading. */
export function ticking() {
  let t = Date.parse(NOW)
  return () => {
    t += 1000
    return new Date(t)
  }
}

export const key = loadOrCreateKey(null)
export const tmp = () => mkdtempSync(join(tmpdir(), 'sopflow-ledger-'))
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function problem(p: Promise<unknown>): Promise<Problem> {
  const e = await p.then(
    () => null,
    (err) => err,
  )
  expect(e).toBeInstanceOf(Problem)
  return e as Problem
}

export async function leaves(storage: SqliteStorage) {
  const out: Uint8Array[] = []
  const size = await storage.ledgerSize()
  for (let i = 0; i < size; i++)
    out.push(leafHash(fromHex((await storage.ledgerRecord(i))!.hash)!, sha256Bytes))
  return out
}
