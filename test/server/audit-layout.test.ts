import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { ensureAdmin, importSop } from '../../server/start.ts'
import { MIGRATIONS } from '../../server/storage/migrations.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import type { AuditRow } from '../../server/storage/types.ts'
import { fixture, NOW, newTicket, touch } from './commitFixtures.ts'
import { oldInstallation } from './oldInstallation.ts'

const LAYOUT = MIGRATIONS.findIndex((m) =>
  m.name.startsWith('audit records appended at the end of a rowid table'),
)

/** An installation from before the rowid audit table, holding two tickets with a few records each. */
async function installationBeforeLayout(): Promise<{ old: string; records: AuditRow[] }> {
  const path = join(mkdtempSync(join(tmpdir(), 'sopflow-audit-layout-')), 'db.sqlite')
  const storage = new SqliteStorage(path, { writerThread: false })
  await ensureAdmin(storage, NOW)
  const admin = (await storage.listUsers())[0]
  const version = (await importSop(storage, fixture, admin.id, NOW)).version as number
  await storage.commitTickets([newTicket('t_1', version, admin.id), newTicket('t_2', version, admin.id)])
  for (let i = 0; i < 3; i++)
    for (const id of ['t_2', 't_1']) {
      const t = (await storage.getTicket(id))!
      expect((await storage.commitTickets([touch(t, t.version, `change ${i}`, admin.id)]))[0].ok).toBe(true)
    }
  const records = [...(await storage.getAudit('t_1')), ...(await storage.getAudit('t_2'))]
  await storage.close()
  return { old: oldInstallation(path, LAYOUT), records }
}

describe('the audit table as a rowid table', () => {
  it('the upgrade keeps every record, its hash and its ledger leaf, and new records go on from there', async () => {
    const { old, records } = await installationBeforeLayout()
    const before = new Database(old)
    expect(before.prepare("SELECT sql FROM sqlite_master WHERE name = 'audit'").pluck().get()).toContain(
      'WITHOUT ROWID',
    )
    before.close()
    const upgraded = new SqliteStorage(old, { writerThread: false })
    try {
      const sql = upgraded.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'audit'").pluck().get()
      expect(sql).not.toContain('WITHOUT ROWID')
      const after = [...(await upgraded.getAudit('t_1')), ...(await upgraded.getAudit('t_2'))]
      expect(after).toEqual(records)
      for (const r of records) expect((await upgraded.ledgerRecord(r.leaf as number))?.hash).toBe(r.hash)
      // Rows were copied in ledger order: the rowid follows the leaf.
      const order = upgraded.db.prepare('SELECT leaf FROM audit ORDER BY rowid').pluck().all() as number[]
      expect(order).toEqual([...order].sort((a, b) => a - b))
      const admin = (await upgraded.listUsers())[0]
      const t = (await upgraded.getTicket('t_1'))!
      expect((await upgraded.commitTickets([touch(t, t.version, 'after the upgrade', admin.id)]))[0].ok).toBe(
        true,
      )
      const last = (await upgraded.getAudit('t_1')).at(-1)!
      expect(last.leaf).toBe(Math.max(...records.map((r) => r.leaf as number)) + 1)
    } finally {
      await upgraded.close()
    }
  })

  it('after the upgrade the records stay append-only and one ticket cannot hold a seq twice', async () => {
    const { old, records } = await installationBeforeLayout()
    const upgraded = new SqliteStorage(old, { writerThread: false })
    try {
      const db = upgraded.db
      expect(() => db.exec("UPDATE audit SET actor_id = 'mallory'")).toThrow(/append-only/)
      expect(() => db.exec('DELETE FROM audit')).toThrow(/append-only/)
      const r = records[0]
      expect(() =>
        db
          .prepare(
            'INSERT INTO audit (ticket_id, seq, type, at, actor_id, role, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(r.ticketId, r.seq, 'note', NOW, r.actorId, r.role, '{}', null, 'x'),
      ).toThrow(/UNIQUE constraint failed: audit.ticket_id, audit.seq/)
      expect(db.prepare('SELECT count(*) FROM audit').pluck().get()).toBe(records.length)
    } finally {
      await upgraded.close()
    }
  })

  it('reads a ticket’s history and a ledger leaf through an index', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sopflow-audit-plan-')), 'db.sqlite')
    const storage = new SqliteStorage(path, { writerThread: false })
    const plan = (sql: string) =>
      (storage.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('t') as { detail: string }[])
        .map((r) => r.detail)
        .join('\n')
    try {
      const history = plan('SELECT * FROM audit WHERE ticket_id = ? ORDER BY seq')
      expect(history).toContain('USING INDEX audit_ticket_seq (ticket_id=?)')
      expect(history).not.toContain('USE TEMP B-TREE')
      expect(plan('SELECT * FROM audit WHERE leaf = ?')).toContain('USING INDEX audit_leaf (leaf=?)')
    } finally {
      await storage.close()
    }
  })
})
