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
    name: 'users can be disabled: a disabled user is refused at the next request',
    sql: 'ALTER TABLE users ADD COLUMN disabled_at TEXT;',
  },
  {
    name: 'API tokens: an id, a kind, scopes, an optional expiry, last use and revocation',
    sql: `
CREATE TABLE api_tokens (
  hash TEXT PRIMARY KEY,
  id TEXT NOT NULL UNIQUE DEFAULT ('tok_' || lower(hex(randomblob(8)))),
  user_id TEXT NOT NULL REFERENCES users(id),
  label TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'personal',
  scopes TEXT NOT NULL DEFAULT '["read","tickets","sops","ingest","admin"]',
  created_by TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  last_used_at TEXT,
  revoked_at TEXT,
  revoked_by TEXT
);
INSERT INTO api_tokens (hash, user_id, label, created_at)
  SELECT hash, user_id, label, created_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE api_tokens RENAME TO tokens;
CREATE INDEX tokens_user ON tokens(user_id, created_at);
`,
  },
  {
    name: 'the admin-actions log: users, roles, tokens and settings changes, append-only',
    sql: `
CREATE TABLE admin_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  before TEXT,
  after TEXT
);
CREATE TRIGGER admin_log_append_only_update BEFORE UPDATE ON admin_log
BEGIN SELECT RAISE(ABORT, 'the admin-actions log is append-only'); END;
CREATE TRIGGER admin_log_append_only_delete BEFORE DELETE ON admin_log
BEGIN SELECT RAISE(ABORT, 'the admin-actions log is append-only'); END;
`,
  },
  {
    name: 'people sign in: e-mail and password hash on users; sessions; one-time links',
    sql: `
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN password_hash TEXT;
CREATE UNIQUE INDEX users_email ON users(lower(email)) WHERE email IS NOT NULL;
CREATE TABLE sessions (
  hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,
  via TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  idle_expires_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);
CREATE TABLE auth_links (
  hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  purpose TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX auth_links_by_user ON auth_links(user_id);
CREATE TABLE sign_in_attempts (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  not_before INTEGER NOT NULL,
  last_failure INTEGER NOT NULL
);
CREATE TABLE oidc_pending (
  state TEXT PRIMARY KEY,
  verifier TEXT NOT NULL,
  nonce TEXT NOT NULL,
  at INTEGER NOT NULL
);
`,
  },
  {
    name: 'channels: connections (mailboxes, forms, webhooks), the conversation of messages, attachments, status links',
    sql: `
CREATE TABLE IF NOT EXISTS channel_connections (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  address TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  sop_id TEXT NOT NULL,
  queue TEXT,
  priority TEXT NOT NULL,
  secret TEXT,
  settings TEXT NOT NULL DEFAULT '{}',
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS channel_messages (
  id TEXT PRIMARY KEY,
  connection_id TEXT NOT NULL,
  ticket_id TEXT,
  follows_ticket_id TEXT,
  direction TEXT NOT NULL,
  channel TEXT NOT NULL,
  status TEXT NOT NULL,
  sender TEXT NOT NULL,
  sender_name TEXT,
  subject TEXT NOT NULL,
  text TEXT NOT NULL,
  html TEXT,
  external_id TEXT,
  conversation_id TEXT,
  refs TEXT NOT NULL DEFAULT '[]',
  raw BLOB,
  at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS channel_messages_external ON channel_messages(connection_id, external_id);
CREATE INDEX IF NOT EXISTS channel_messages_external_any ON channel_messages(external_id);
CREATE INDEX IF NOT EXISTS channel_messages_ticket ON channel_messages(ticket_id, at);
CREATE INDEX IF NOT EXISTS channel_messages_conversation ON channel_messages(connection_id, conversation_id, at);
CREATE INDEX IF NOT EXISTS channel_messages_status ON channel_messages(status, at);
CREATE TABLE IF NOT EXISTS channel_attachments (
  id TEXT PRIMARY KEY,
  message_id TEXT NOT NULL REFERENCES channel_messages(id),
  sha256 TEXT,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  refused TEXT
);
CREATE INDEX IF NOT EXISTS channel_attachments_message ON channel_attachments(message_id);
CREATE TABLE IF NOT EXISTS status_links (
  token_hash TEXT PRIMARY KEY,
  ticket_id TEXT NOT NULL,
  connection_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS status_links_ticket ON status_links(ticket_id);
`,
  },
  {
    name: 'the outbox: messages an action causes, written with it and delivered by a worker; webhook subscriptions; notifications',
    sql: `
CREATE TABLE IF NOT EXISTS outbox (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  ticket_id TEXT,
  event TEXT NOT NULL,
  target TEXT NOT NULL,
  subscription_id TEXT,
  payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at TEXT NOT NULL,
  lease_until TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT,
  last_status INTEGER,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(status, next_at);
CREATE INDEX IF NOT EXISTS outbox_by_subscription ON outbox(subscription_id, created_at);
CREATE TABLE IF NOT EXISTS webhook_subscriptions (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  sop_id TEXT,
  secret TEXT NOT NULL,
  previous_secret TEXT,
  previous_until TEXT,
  allow_private INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notifications (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  ticket_id TEXT,
  kind TEXT NOT NULL,
  params TEXT NOT NULL,
  created_at TEXT NOT NULL,
  read_at TEXT
);
CREATE INDEX IF NOT EXISTS notifications_by_user ON notifications(user_id, created_at);
CREATE TABLE IF NOT EXISTS notification_settings (
  user_id TEXT PRIMARY KEY,
  email TEXT,
  email_on INTEGER NOT NULL DEFAULT 1
);
`,
  },
  {
    name: 'teams, and organisation roles that qualify users for SOP steps beside their built-in role',
    sql: `
CREATE TABLE teams (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);
INSERT INTO teams (id, name, created_at)
  SELECT DISTINCT team, team, min(created_at) FROM users WHERE team IS NOT NULL AND team <> '' GROUP BY team;
CREATE TABLE org_roles (
  name TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE user_org_roles (
  user_id TEXT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL REFERENCES org_roles(name),
  PRIMARY KEY (user_id, role)
);
`,
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
  {
    name: "the steps of each SOP version with their responsible team and roles, kept by a trigger at publishing, for the teams' work queues",
    sql: `
CREATE TABLE sop_steps (
  sop_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  step_id TEXT NOT NULL,
  team TEXT,
  roles TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (sop_id, version, step_id)
) WITHOUT ROWID;
CREATE INDEX sop_steps_team ON sop_steps(team) WHERE team IS NOT NULL;
INSERT OR IGNORE INTO sop_steps (sop_id, version, step_id, team, roles)
  SELECT v.sop_id, v.version, json_extract(s.value, '$.id'), json_extract(s.value, '$.team'),
    coalesce(json_extract(s.value, '$.roles'), '[]')
  FROM sop_versions v, json_each(v.document, '$.steps') s
  WHERE json_valid(v.document) AND json_type(s.value, '$.id') = 'text';
CREATE TRIGGER sop_versions_steps AFTER INSERT ON sop_versions
BEGIN
  INSERT OR IGNORE INTO sop_steps (sop_id, version, step_id, team, roles)
    SELECT NEW.sop_id, NEW.version, json_extract(s.value, '$.id'), json_extract(s.value, '$.team'),
      coalesce(json_extract(s.value, '$.roles'), '[]')
    FROM json_each(NEW.document, '$.steps') s
    WHERE json_type(s.value, '$.id') = 'text';
END;
`,
  },
  {
    name: 'ticket numbers: the sequential reference customers see (T-1042), numbered in order of creation',
    sql: `
ALTER TABLE tickets ADD COLUMN number INTEGER;
UPDATE tickets SET number = r.n
  FROM (SELECT id, 1000 + ROW_NUMBER() OVER (ORDER BY created_at, id) AS n FROM tickets) AS r
  WHERE tickets.id = r.id;
CREATE UNIQUE INDEX tickets_number ON tickets(number);`,
  },
  {
    name: 'timers are claimed with a lease, so that one server fires each and another takes over when it lapses',
    sql: 'ALTER TABLE timers ADD COLUMN lease_until TEXT;',
  },
  {
    name: "a team's calendar: business time that names no calendar counts in the responsible team's, pinned at publishing",
    sql: `
ALTER TABLE teams ADD COLUMN calendar_id TEXT;
CREATE TABLE sop_team_calendars (
  sop_id TEXT NOT NULL,
  sop_version INTEGER NOT NULL,
  team_id TEXT NOT NULL,
  calendar_id TEXT NOT NULL,
  PRIMARY KEY (sop_id, sop_version, team_id)
) WITHOUT ROWID;
CREATE TRIGGER sop_team_calendars_immutable BEFORE UPDATE ON sop_team_calendars
BEGIN SELECT RAISE(ABORT, 'calendar pins are immutable'); END;`,
  },
  {
    // A WITHOUT ROWID table keyed by (ticket_id, seq) stores every record, payload included, in the
    // order of its key, so each append lands inside the tree and splits pages; a rowid table
    // appends at its end and keeps the key as a narrow unique index. Same columns, same indexes.
    name: 'audit records appended at the end of a rowid table, the (ticket, seq) key kept as a unique index',
    sql: `
CREATE TABLE audit_appended (
  ticket_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  at TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  role TEXT NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT,
  hash TEXT NOT NULL,
  leaf INTEGER
);
INSERT INTO audit_appended (ticket_id, seq, type, at, actor_id, role, payload, prev_hash, hash, leaf)
  SELECT ticket_id, seq, type, at, actor_id, role, payload, prev_hash, hash, leaf FROM audit
  ORDER BY leaf, at, ticket_id, seq;
DROP TRIGGER audit_append_only_update;
DROP TRIGGER audit_append_only_delete;
DROP TABLE audit;
ALTER TABLE audit_appended RENAME TO audit;
CREATE UNIQUE INDEX audit_ticket_seq ON audit(ticket_id, seq);
CREATE INDEX audit_by_type ON audit(ticket_id, type, seq);
CREATE UNIQUE INDEX audit_leaf ON audit(leaf);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;`,
  },
  {
    // Every request reads its credential, its user and their organisation roles. A counter that
    // every change of them bumps, in whichever process it is made, lets a server keep what it read
    // while the counter stays the same (one read of one row instead of three queries).
    name: 'a counter of changes to tokens, users and organisation roles, bumped by triggers',
    sql: `
CREATE TABLE access_version (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
INSERT INTO access_version (id, n) VALUES (1, 0);
CREATE TRIGGER access_tokens_insert AFTER INSERT ON tokens
BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER access_tokens_update AFTER UPDATE OF hash, user_id, label, kind, scopes, expires_at, revoked_at, revoked_by ON tokens
BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER access_tokens_delete AFTER DELETE ON tokens
BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER access_users_insert AFTER INSERT ON users
BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER access_users_update AFTER UPDATE ON users
BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER access_users_delete AFTER DELETE ON users
BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER access_org_roles_insert AFTER INSERT ON user_org_roles
BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER access_org_roles_update AFTER UPDATE ON user_org_roles
BEGIN UPDATE access_version SET n = n + 1; END;
CREATE TRIGGER access_org_roles_delete AFTER DELETE ON user_org_roles
BEGIN UPDATE access_version SET n = n + 1; END;`,
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
export function migrate(db: Database.Database, upTo: number = MIGRATIONS.length): number {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > MIGRATIONS.length) {
    throw new Error(
      `The database schema (version ${current}) is newer than this sopflow (version ${MIGRATIONS.length}); upgrade sopflow`,
    )
  }
  let applied = 0
  for (let i = current; i < upTo; i++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[i].sql)
      MIGRATIONS[i].run?.(db)
      db.pragma(`user_version = ${i + 1}`)
    }).immediate()
    applied++
  }
  return applied
}
