import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ensureAdmin, importSop } from '../../server/start.ts'
import { GroupCommitter } from '../../server/storage/groupCommit.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import type { CommitOutcome, TicketCommit } from '../../server/storage/types.ts'
import { fixture, NOW, newTicket, touch } from './commitFixtures.ts'

/** A real SQLite storage (writer thread) whose batches are counted as they go and come back. */
async function countedStorage() {
  const path = join(mkdtempSync(join(tmpdir(), 'sopflow-group-')), 'db.sqlite')
  const storage = new SqliteStorage(path)
  await ensureAdmin(storage, NOW)
  const admin = (await storage.listUsers())[0]
  const version = (await importSop(storage, fixture, admin.id, NOW)).version as number
  const batches: number[] = []
  let inFlight = 0
  let mostInFlight = 0
  const commitTickets = storage.commitTickets.bind(storage)
  storage.commitTickets = async (units: TicketCommit[]): Promise<CommitOutcome[]> => {
    batches.push(units.length)
    mostInFlight = Math.max(mostInFlight, ++inFlight)
    try {
      return await commitTickets(units)
    } finally {
      inFlight--
    }
  }
  return { storage, admin, version, batches, mostInFlight: () => mostInFlight }
}

describe('group commit', () => {
  let close: (() => Promise<void>) | null = null
  afterEach(async () => {
    await close?.()
    close = null
  })

  it('sends a batch as soon as enough commits are queued, keeps at most two in flight, and stores all', async () => {
    const s = await countedStorage()
    close = () => s.storage.close()
    const committer = new GroupCommitter(s.storage, { eagerAt: 4, maxInFlight: 2 })
    const waits = Array.from({ length: 13 }, (_, i) =>
      committer.commit(newTicket(`t_g${i}`, s.version, s.admin.id)),
    )
    // Two eager batches left before the event loop came round; the rest waits for one of them to
    // be durable, though it is more than the eager size.
    expect(s.batches).toEqual([4, 4])
    const outcomes = await Promise.all(waits)
    expect(outcomes.every((o) => o.ok)).toBe(true)
    expect(s.batches).toEqual([4, 4, 5])
    expect(s.mostInFlight()).toBe(2)
    for (let i = 0; i < 13; i++) expect((await s.storage.getTicket(`t_g${i}`))?.version).toBe(1)
  })

  it('commits arriving together share one batch when fewer than the eager size are queued', async () => {
    const s = await countedStorage()
    close = () => s.storage.close()
    const committer = new GroupCommitter(s.storage)
    const waits = Array.from({ length: 5 }, (_, i) =>
      committer.commit(newTicket(`t_s${i}`, s.version, s.admin.id)),
    )
    expect(s.batches).toEqual([])
    await Promise.all(waits)
    expect(s.batches).toEqual([5])
  })

  it('writes pipelined batches in order: a later batch sees the changes of an earlier one', async () => {
    const s = await countedStorage()
    close = () => s.storage.close()
    const committer = new GroupCommitter(s.storage, { eagerAt: 1, maxInFlight: 2 })
    await committer.commit(newTicket('t_order', s.version, s.admin.id))
    const t = (await s.storage.getTicket('t_order'))!
    const first = touch(t, 1, 'first', s.admin.id)
    const second = touch(first.ticket, 2, 'second', s.admin.id)
    const [a, b] = await Promise.all([committer.commit(first), committer.commit(second)])
    expect([a.ok, b.ok]).toEqual([true, true])
    expect(s.mostInFlight()).toBe(2)
    const after = (await s.storage.getTicket('t_order'))!
    expect(after.subject).toBe('second')
    expect(after.version).toBe(3)
  })

  it('refuses every commit of a batch the storage could not write, and goes on with the next', async () => {
    const s = await countedStorage()
    close = () => s.storage.close()
    const committer = new GroupCommitter(s.storage)
    const bad = newTicket('t_bad', s.version, s.admin.id)
    bad.ticket = { ...bad.ticket, sopId: 'no-such-sop' }
    const outcome = await committer.commit(bad).catch((e: Error) => e)
    const refused = outcome instanceof Error || !outcome.ok
    expect(refused).toBe(true)
    expect(await s.storage.getTicket('t_bad')).toBeNull()
    expect((await committer.commit(newTicket('t_good', s.version, s.admin.id))).ok).toBe(true)
  })
})
