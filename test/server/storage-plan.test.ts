import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { AUDIT_READS, SqliteStorage } from '../../server/storage/sqlite.ts'

describe('reading a ticket’s notes and timers for a reply', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'sopflow-plan-')), 'sopflow.db')
  const storage = new SqliteStorage(path, { writerThread: false })
  const db = new Database(path, { readonly: true })
  afterAll(async () => {
    db.close()
    await storage.close()
  })

  const plan = (sql: string, ...params: unknown[]) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
      .map((r) => r.detail)
      .join('\n')

  it('reads records of one type through the type index, not the whole history', () => {
    const detail = plan(AUDIT_READS.oneType, 't', 'note')
    expect(detail).toContain('USING INDEX audit_by_type (ticket_id=? AND type=?)')
    expect(detail).not.toContain('USE TEMP B-TREE')
  })

  it('reads records of several types through the type index', () => {
    const detail = plan(AUDIT_READS.someTypes, 't', '["note","survey"]')
    expect(detail).toContain('USING INDEX audit_by_type (ticket_id=? AND type=?)')
  })
})
