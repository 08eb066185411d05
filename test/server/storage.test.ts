import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ensureAdmin, importSop } from '../../server/start.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { ConflictError } from '../../server/storage/types.ts'
import { fixture, NOW, newTicket, touch } from './commitFixtures.ts'

for (const writerThread of [true, false]) {
  describe(`SQLite storage, commits ${writerThread ? 'in a writer thread' : 'on its own connection'}`, () => {
    it('commits a batch atomically per unit: a stale unit is refused alone and leaves nothing behind', async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'sopflow-storage-')), 'db.sqlite')
      const storage = new SqliteStorage(path, { writerThread })
      await ensureAdmin(storage, NOW)
      const admin = (await storage.listUsers())[0]
      const version = (await importSop(storage, fixture, admin.id, NOW)).version as number
      const created = newTicket('t_storage', version, admin.id)
      expect(await storage.commitTickets([created])).toEqual([{ ok: true }])
      const t = (await storage.getTicket('t_storage'))!
      expect(t.version).toBe(1)

      // Two changes at the same version in one batch: the first wins, the second is a conflict.
      const first = touch(t, 1, 'first', admin.id)
      const second = touch(t, 1, 'second', admin.id)
      const outcomes = await storage.commitTickets([first, second])
      expect(outcomes[0]).toEqual({ ok: true })
      expect(outcomes[1].ok).toBe(false)
      if (!outcomes[1].ok) {
        expect(outcomes[1].error).toBeInstanceOf(ConflictError)
        expect((outcomes[1].error as ConflictError).code).toBe('stale_version')
      }
      await storage.close()

      // Reopened from the file: exactly the winning change and its audit row are there.
      const again = new SqliteStorage(path, { writerThread })
      const after = (await again.getTicket('t_storage'))!
      expect(after.subject).toBe('first')
      expect(after.version).toBe(2)
      const audit = await again.getAudit('t_storage')
      expect(audit.map((a) => a.type)).toEqual(['created', 'note'])
      expect((audit[1].payload as { text: string }).text).toBe('first')
      expect(await again.listTimers('t_storage')).toEqual(created.scheduleTimers)
      await again.close()
    })

    it('refuses commits once closed, rather than acknowledging what it did not write', async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'sopflow-storage-')), 'db.sqlite')
      const storage = new SqliteStorage(path, { writerThread })
      await ensureAdmin(storage, NOW)
      const admin = (await storage.listUsers())[0]
      const version = (await importSop(storage, fixture, admin.id, NOW)).version as number
      await storage.close()
      await expect(storage.commitTickets([newTicket('t_late', version, admin.id)])).rejects.toThrow()
    })
  })
}
