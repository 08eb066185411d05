import type Database from 'better-sqlite3'
import { canonicalJson } from '../../engine/index.ts'
import { sha256 } from '../services/crypto.ts'
import { prepareLedger } from './ledgerAppend.mjs'

/**
 * Schema migrations, applied in order inside a transaction each. `PRAGMA user_version` holds
 * the number of migrations applied. Never edit a released migration: append a new one.
 */
export const MIGRATIONS: { name: string; sql: string; run?: (db: Database.Database) => void }[] = [
  {
    name: 'initial schema',
    sql: `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  team TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE tokens (
  hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  label TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE sops (
  id TEXT PRIMARY KEY,
  draft TEXT NOT NULL,
  title TEXT NOT NULL,
  department TEXT NOT NULL,
  language TEXT NOT NULL,
  archived INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE TABLE sop_versions (
  sop_id TEXT NOT NULL REFERENCES sops(id),
  version INTEGER NOT NULL,
  hash TEXT NOT NULL,
  document TEXT NOT NULL,
  published_at TEXT NOT NULL,
  published_by TEXT NOT NULL,
  PRIMARY KEY (sop_id, version)
);
CREATE TRIGGER sop_versions_immutable_update BEFORE UPDATE ON sop_versions
BEGIN SELECT RAISE(ABORT, 'published SOP versions are immutable'); END;
CREATE TRIGGER sop_versions_immutable_delete BEFORE DELETE ON sop_versions
BEGIN SELECT RAISE(ABORT, 'published SOP versions are immutable'); END;

CREATE TABLE customers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  phone TEXT,
  email TEXT,
  address TEXT,
  segment TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX customers_name ON customers(name COLLATE NOCASE);
CREATE TABLE surveys (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  ticket_id TEXT,
  csat INTEGER,
  nps INTEGER,
  ces INTEGER,
  comment TEXT,
  at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX surveys_customer ON surveys(customer_id, at);
CREATE INDEX surveys_ticket ON surveys(ticket_id);

CREATE TABLE tickets (
  id TEXT PRIMARY KEY,
  sop_id TEXT NOT NULL REFERENCES sops(id),
  sop_version INTEGER NOT NULL,
  sop_hash TEXT NOT NULL,
  channel TEXT NOT NULL,
  customer_id TEXT REFERENCES customers(id),
  subject TEXT NOT NULL,
  status TEXT NOT NULL,
  outcome TEXT,
  priority TEXT NOT NULL,
  priority_rank INTEGER NOT NULL,
  assignee_id TEXT,
  queue TEXT,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  closed_at TEXT,
  due_at TEXT,
  steps TEXT NOT NULL,
  state TEXT NOT NULL,
  audit_seq INTEGER NOT NULL,
  audit_head TEXT
);
CREATE INDEX tickets_urgency ON tickets(status, priority_rank DESC, due_at, created_at);
CREATE INDEX tickets_assignee ON tickets(assignee_id, status);
CREATE INDEX tickets_sop ON tickets(sop_id, sop_version, created_at);
CREATE INDEX tickets_customer ON tickets(customer_id);
CREATE INDEX tickets_created ON tickets(created_at);

CREATE TABLE audit (
  ticket_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  at TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  role TEXT NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT,
  hash TEXT NOT NULL,
  PRIMARY KEY (ticket_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE timers (
  ticket_id TEXT NOT NULL,
  id TEXT NOT NULL,
  kind TEXT NOT NULL,
  step_id TEXT NOT NULL,
  transition_id TEXT,
  due_at TEXT NOT NULL,
  PRIMARY KEY (ticket_id, id)
) WITHOUT ROWID;
CREATE INDEX timers_due ON timers(due_at);

CREATE TABLE idempotency (
  user_id TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  ticket_id TEXT,
  status INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
`,
  },
  {
    name: 'audit records by type (notes, assignments)',
    sql: 'CREATE INDEX audit_by_type ON audit(ticket_id, type, seq);',
  },
  {
    name: 'draft revision: every saved draft is numbered, so that a save on a newer draft is refused',
    sql: 'ALTER TABLE sops ADD COLUMN draft_revision INTEGER NOT NULL DEFAULT 1;',
  },
  {
    name: 'the Merkle ledger over all audit records, signed tree heads, SOP documents stored canonically',
    sql: `
ALTER TABLE audit ADD COLUMN leaf INTEGER;
CREATE TABLE ledger_nodes (
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TRIGGER ledger_nodes_append_only_update BEFORE UPDATE ON ledger_nodes
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_nodes_append_only_delete BEFORE DELETE ON ledger_nodes
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TABLE ledger_heads (
  size INTEGER PRIMARY KEY,
  root TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  key_id TEXT NOT NULL,
  signature TEXT NOT NULL
);
`,
    run: addExistingRecordsToLedger,
  },
  {
    name: 'calendars with immutable versions, and the calendar versions each SOP version runs on',
    sql: `
CREATE TABLE IF NOT EXISTS calendar_versions (
  calendar_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  document TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (calendar_id, version)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS calendar_versions_immutable BEFORE UPDATE ON calendar_versions
BEGIN SELECT RAISE(ABORT, 'calendar versions are immutable'); END;
CREATE TABLE IF NOT EXISTS sop_calendar_pins (
  sop_id TEXT NOT NULL,
  sop_version INTEGER NOT NULL,
  calendar_id TEXT NOT NULL,
  calendar_version INTEGER NOT NULL,
  PRIMARY KEY (sop_id, sop_version, calendar_id),
  FOREIGN KEY (calendar_id, calendar_version) REFERENCES calendar_versions(calendar_id, version)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS sop_calendar_pins_immutable BEFORE UPDATE ON sop_calendar_pins
BEGIN SELECT RAISE(ABORT, 'calendar pins are immutable'); END;`,
  },
]

/**
 * The upgrade to the ledger: every audit record already written becomes a leaf, in the order the
 * records were written, once; and each published SOP document is stored as the canonical JSON its
 * hash was computed over, so the hash is over exactly the stored bytes. A document whose canonical
 * form does not give its recorded hash is left as it is (verification reports it).
 */
function addExistingRecordsToLedger(db: Database.Database): void {
  db.exec('DROP TRIGGER IF EXISTS audit_append_only_update')
  const ledger = prepareLedger(db)
  ledger.begin()
  const setLeaf = db.prepare('UPDATE audit SET leaf = ? WHERE ticket_id = ? AND seq = ?')
  const rows = db
    .prepare('SELECT ticket_id, seq, hash FROM audit ORDER BY at, ticket_id, seq')
    .iterate() as Iterable<{
    ticket_id: string
    seq: number
    hash: string
  }>
  const all = [...rows]
  for (const r of all) setLeaf.run(ledger.append(r.hash), r.ticket_id, r.seq)
  db.exec(`CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE UNIQUE INDEX audit_leaf ON audit(leaf);`)

  db.exec('DROP TRIGGER IF EXISTS sop_versions_immutable_update')
  const versions = db.prepare('SELECT sop_id, version, hash, document FROM sop_versions').all() as {
    sop_id: string
    version: number
    hash: string
    document: string
  }[]
  const setDocument = db.prepare('UPDATE sop_versions SET document = ? WHERE sop_id = ? AND version = ?')
  for (const v of versions) {
    let text: string
    try {
      text = canonicalJson(JSON.parse(v.document))
    } catch {
      continue
    }
    if (text !== v.document && sha256(text) === v.hash) setDocument.run(text, v.sop_id, v.version)
  }
  db.exec(`CREATE TRIGGER sop_versions_immutable_update BEFORE UPDATE ON sop_versions
BEGIN SELECT RAISE(ABORT, 'published SOP versions are immutable'); END;`)
}

/** Applies the migrations this database has not seen yet. Returns how many were applied. */
export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > MIGRATIONS.length) {
    throw new Error(
      `The database schema (version ${current}) is newer than this sopflow (version ${MIGRATIONS.length}); upgrade sopflow`,
    )
  }
  let applied = 0
  for (let i = current; i < MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[i].sql)
      MIGRATIONS[i].run?.(db)
      db.pragma(`user_version = ${i + 1}`)
    }).immediate()
    applied++
  }
  return applied
}
