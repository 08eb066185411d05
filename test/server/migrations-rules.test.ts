import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { canonicalJson } from '../../engine/index.ts'
import { sha256 } from '../../server/services/crypto.ts'
import { MIGRATIONS, migrate } from '../../server/storage/migrations.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'

// The SQLite schema's migrations (server/storage/migrations.ts): how many run, a database newer
// than this sopflow refused untouched, and the ledger upgrade's rewriting of stored SOP documents.

const file = () => join(mkdtempSync(join(tmpdir(), 'sopflow-migrations-')), 'db.sqlite')
const LEDGER = MIGRATIONS.findIndex((m) => m.name.startsWith('the Merkle ledger'))

describe('SQLite migrations', () => {
  it('applies the ones a database has not seen, each once, and says how many', () => {
    const db = new Database(file())
    expect(migrate(db, 2)).toBe(2)
    expect(db.pragma('user_version', { simple: true })).toBe(2)
    expect(migrate(db)).toBe(MIGRATIONS.length - 2)
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    expect(migrate(db)).toBe(0)
    db.close()
  })

  it('refuses a database of a newer schema, naming both versions, and leaves it as it was', () => {
    const path = file()
    const db = new Database(path)
    migrate(db)
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`)
    db.close()
    expect(() => new SqliteStorage(path)).toThrow(
      `The database schema (version ${MIGRATIONS.length + 1}) is newer than this sopflow (version ${MIGRATIONS.length}); upgrade sopflow`,
    )
    const again = new Database(path)
    expect(again.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1)
    again.close()
    // The newest schema itself opens.
    const current = new Database(path)
    current.pragma(`user_version = ${MIGRATIONS.length}`)
    current.close()
    expect(() => new SqliteStorage(path).close()).not.toThrow()
  })

  it('stores each published SOP document canonically at the ledger upgrade, only where that gives its recorded hash', () => {
    const db = new Database(file())
    migrate(db, LEDGER)
    const doc = { title: 'Refunds', id: 'refunds', steps: [{ id: 'a' }] }
    const canonical = canonicalJson(doc)
    const stored = JSON.stringify(doc)
    expect(stored).not.toBe(canonical)
    const add = db.prepare(
      "INSERT INTO sop_versions (sop_id, version, hash, document, published_at, published_by) VALUES (?, ?, ?, ?, '2026-03-01', 'u')",
    )
    db.prepare(
      "INSERT INTO sops (id, draft, title, department, language, created_at, updated_at, created_by) VALUES (?, '{}', 'Refunds', 'Care', 'en', '2026-03-01', '2026-03-01', 'u')",
    ).run('refunds')
    add.run('refunds', 1, sha256(canonical), stored) // rewritten
    add.run('refunds', 2, sha256('something else'), stored) // its canonical form is not what was hashed
    add.run('refunds', 3, sha256(canonical), '{not json') // unreadable
    add.run('refunds', 4, sha256(canonical), canonical) // canonical already
    expect(migrate(db)).toBe(MIGRATIONS.length - LEDGER)
    const documents = db.prepare('SELECT version, document FROM sop_versions ORDER BY version').all()
    expect(documents).toEqual([
      { version: 1, document: canonical },
      { version: 2, document: stored },
      { version: 3, document: '{not json' },
      { version: 4, document: canonical },
    ])
    // Immutable again after the upgrade.
    expect(() => db.prepare("UPDATE sop_versions SET document = '{}' WHERE version = 1").run()).toThrow(
      'published SOP versions are immutable',
    )
    db.close()
  })
})
