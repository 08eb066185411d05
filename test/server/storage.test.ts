import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compile, start } from '../../engine/index.ts'
import { linkHash, sha256 } from '../../server/services/crypto.ts'
import { applyState, entryOf } from '../../server/services/tickets.ts'
import { ensureAdmin, importSop } from '../../server/start.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import {
  type AuditRow,
  ConflictError,
  type TicketCommit,
  type TicketRow,
} from '../../server/storage/types.ts'

const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'support-ticket.json'), 'utf8'),
)
const NOW = '2026-03-02T09:00:00.000Z'

/** A new ticket's commit: its first state, its first audit row and its timers. */
function newTicket(id: string, sopVersion: number, adminId: string): TicketCommit {
  const sop = compile(fixture, { sha256 })
  const d = start(sop, { actor: { id: adminId, role: 'admin' }, now: NOW })
  if (!d.ok) throw new Error(d.rejection.message)
  const base: TicketRow = {
    id,
    sopId: fixture.id,
    sopVersion,
    sopHash: sop.hash,
    channel: 'phone',
    customerId: null,
    subject: 'Storage test',
    status: 'open',
    outcome: null,
    priority: 'normal',
    assigneeId: null,
    queue: null,
    version: 1,
    createdAt: NOW,
    updatedAt: NOW,
    closedAt: null,
    dueAt: null,
    steps: [],
    state: d.state,
    auditSeq: 1,
    auditHead: null,
  }
  const row: AuditRow = {
    ticketId: id,
    seq: 0,
    type: 'created',
    at: NOW,
    actorId: adminId,
    role: 'admin',
    payload: { record: d.record },
    prevHash: null,
    hash: '',
  }
  row.hash = linkHash(null, entryOf(row))
  const ticket = { ...applyState(sop, base, d.state, NOW), version: 1, auditSeq: 1, auditHead: row.hash }
  return {
    ticket,
    expected: null,
    audit: [row],
    scheduleTimers: d.timers.schedule.map((t) => ({ ...t, ticketId: id })),
    removeTimers: [],
  }
}

/** A change of subject, with a note, to a ticket that expects it at `version`. */
function touch(t: TicketRow, version: number, subject: string, actorId: string): TicketCommit {
  const row: AuditRow = {
    ticketId: t.id,
    seq: t.auditSeq,
    type: 'note',
    at: NOW,
    actorId,
    role: 'admin',
    payload: { text: subject, visibility: 'internal' },
    prevHash: t.auditHead,
    hash: '',
  }
  row.hash = linkHash(t.auditHead, entryOf(row))
  return {
    ticket: { ...t, subject, version: version + 1, auditSeq: t.auditSeq + 1, auditHead: row.hash },
    expected: { version, auditSeq: t.auditSeq },
    audit: [row],
    scheduleTimers: [],
    removeTimers: [],
  }
}

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
