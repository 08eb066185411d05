import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ensureAdmin, importSop } from '../../server/start.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { fixture, NOW, newTicket } from './commitFixtures.ts'

// How the embedded SQLite storage opens (server/storage/sqlite.ts): in memory or in a file, read
// only, with WAL checkpoints in the background, with commits in a writer thread; and that each way
// commits and reads back the same ticket and closes cleanly.

const path = () => join(mkdtempSync(join(tmpdir(), 'sopflow-sqlite-options-')), 'db.sqlite')

/** Commits one new ticket and reads it back. */
async function roundTrip(storage: SqliteStorage, id: string) {
  await ensureAdmin(storage, NOW)
  const admin = (await storage.listUsers())[0]
  const version = (await importSop(storage, fixture, admin.id, NOW)).version as number
  const unit = newTicket(id, version, admin.id)
  unit.ticket = { ...unit.ticket, priority: 'urgent' }
  expect(await storage.commitTickets([unit])).toEqual([{ ok: true }])
  expect((await storage.getTicket(id))?.id).toBe(id)
  expect(await storage.ticketPriorityRank(id)).toBe(3)
  expect(await storage.ticketPriorityRank('nobody')).toBeNull()
  expect(await storage.countUsers()).toBe(1)
}

describe('opening the SQLite storage', () => {
  it('in memory: no file, and commits read back on the same connection, with or without a writer thread asked for', async () => {
    for (const writerThread of [false, true]) {
      const storage = new SqliteStorage(':memory:', { writerThread, backgroundCheckpoints: true })
      expect(storage.file).toBeNull()
      // No checkpoint thread for a database only this connection sees.
      expect(storage.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
      await roundTrip(storage, `t_mem_${writerThread}`)
      await storage.close()
      expect(storage.db.open).toBe(false)
    }
  })

  it('in a file: names it, and with a writer thread and background checkpoints commits read back and it closes', async () => {
    const file = path()
    const storage = new SqliteStorage(file, { writerThread: true, backgroundCheckpoints: true })
    expect(storage.file).toBe(file)
    // Checkpoints run in their own thread, so the connection's own waits for a larger WAL.
    expect(storage.db.pragma('wal_autocheckpoint', { simple: true })).toBe(20000)
    expect(storage.db.pragma('journal_mode', { simple: true })).toBe('wal')
    await roundTrip(storage, 't_file')
    await storage.close()
    expect(storage.db.open).toBe(false)
    await storage.close()
    const plain = new SqliteStorage(file)
    expect(plain.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
    expect((await plain.getTicket('t_file'))?.priority).toBe('urgent')
    await plain.close()
  })

  it('read only: needs the file to exist, reads what another connection wrote, and refuses to write', async () => {
    const file = path()
    expect(() => new SqliteStorage(file, { readonly: true })).toThrow()
    expect(existsSync(file)).toBe(false)
    const writer = new SqliteStorage(file)
    await roundTrip(writer, 't_ro')
    const reader = new SqliteStorage(file, { readonly: true })
    expect(reader.db.pragma('busy_timeout', { simple: true })).toBe(5000)
    expect((await reader.getTicket('t_ro'))?.id).toBe('t_ro')
    await expect(
      reader.createUser({ id: 'u_x', name: 'X', role: 'agent', team: null, createdAt: NOW }, 'h', 'x'),
    ).rejects.toThrow(/readonly/)
    await reader.close()
    await writer.close()
  })
})
