import type pg from 'pg'

/**
 * The PostgreSQL schema, as versioned migrations run once each under an advisory lock (several
 * servers starting together apply each migration exactly once). The first migration is the
 * schema SQLite reaches after its twelve first migrations; later ones follow SQLite's one for one (./migrations.ts), with the same columns, so
 * that one row mapping (./rows.ts) serves both. Text compares byte by byte (`COLLATE "C"`), as in
 * SQLite. Never edit a released migration: append a new one.
 */
const T = 'text COLLATE "C"'

export const PG_MIGRATIONS: { name: string; sql: string }[] = [
  {
    name: 'the schema of SQLite migration 12',
    sql: `
CREATE FUNCTION sopflow_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'insufficient_privilege'; END $$;

CREATE TABLE users (
  id ${T} PRIMARY KEY, name ${T} NOT NULL, role ${T} NOT NULL, team ${T}, created_at ${T} NOT NULL,
  disabled_at ${T}, email ${T}, password_hash ${T}
);
CREATE UNIQUE INDEX users_email ON users (lower(email)) WHERE email IS NOT NULL;
CREATE TABLE tokens (
  hash ${T} PRIMARY KEY,
  id ${T} NOT NULL UNIQUE DEFAULT ('tok_' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 16)),
  user_id ${T} NOT NULL REFERENCES users(id), label ${T} NOT NULL,
  kind ${T} NOT NULL DEFAULT 'personal',
  scopes ${T} NOT NULL DEFAULT '["read","tickets","sops","ingest","admin"]',
  created_by ${T}, created_at ${T} NOT NULL, expires_at ${T}, last_used_at ${T}, revoked_at ${T}, revoked_by ${T}
);
CREATE INDEX tokens_user ON tokens (user_id, created_at);

CREATE TABLE sops (
  id ${T} PRIMARY KEY, draft ${T} NOT NULL, title ${T} NOT NULL, department ${T} NOT NULL, language ${T} NOT NULL,
  archived integer NOT NULL DEFAULT 0, created_at ${T} NOT NULL, updated_at ${T} NOT NULL, created_by ${T} NOT NULL,
  draft_revision integer NOT NULL DEFAULT 1
);
CREATE TABLE sop_versions (
  sop_id ${T} NOT NULL REFERENCES sops(id), version integer NOT NULL, hash ${T} NOT NULL, document ${T} NOT NULL,
  published_at ${T} NOT NULL, published_by ${T} NOT NULL, PRIMARY KEY (sop_id, version)
);
CREATE TRIGGER sop_versions_immutable BEFORE UPDATE OR DELETE ON sop_versions
  FOR EACH ROW EXECUTE FUNCTION sopflow_refuse_change('published SOP versions are immutable');
CREATE TRIGGER sop_versions_immutable_truncate BEFORE TRUNCATE ON sop_versions
  FOR EACH STATEMENT EXECUTE FUNCTION sopflow_refuse_change('published SOP versions are immutable');

CREATE TABLE customers (
  id ${T} PRIMARY KEY, name ${T} NOT NULL, phone ${T}, email ${T}, address ${T}, segment ${T},
  created_at ${T} NOT NULL, updated_at ${T} NOT NULL
);
CREATE INDEX customers_name ON customers (lower(name));
CREATE TABLE surveys (
  id ${T} PRIMARY KEY, customer_id ${T} NOT NULL REFERENCES customers(id), ticket_id ${T},
  csat integer, nps integer, ces integer, comment ${T}, at ${T} NOT NULL, created_by ${T} NOT NULL
);
CREATE INDEX surveys_customer ON surveys (customer_id, at);
CREATE INDEX surveys_ticket ON surveys (ticket_id);

CREATE TABLE tickets (
  id ${T} PRIMARY KEY, sop_id ${T} NOT NULL REFERENCES sops(id), sop_version integer NOT NULL,
  sop_hash ${T} NOT NULL, channel ${T} NOT NULL, customer_id ${T} REFERENCES customers(id), subject ${T} NOT NULL,
  status ${T} NOT NULL, outcome ${T}, priority ${T} NOT NULL, priority_rank integer NOT NULL, assignee_id ${T},
  queue ${T}, version integer NOT NULL, created_at ${T} NOT NULL, updated_at ${T} NOT NULL, closed_at ${T},
  due_at ${T}, steps ${T} NOT NULL, state ${T} NOT NULL, audit_seq integer NOT NULL, audit_head ${T}
);
CREATE INDEX tickets_urgency ON tickets (status, priority_rank DESC, due_at, created_at);
CREATE INDEX tickets_assignee ON tickets (assignee_id, status);
CREATE INDEX tickets_sop ON tickets (sop_id, sop_version, created_at);
CREATE INDEX tickets_customer ON tickets (customer_id);
CREATE INDEX tickets_created ON tickets (created_at);

CREATE TABLE audit (
  ticket_id ${T} NOT NULL, seq integer NOT NULL, type ${T} NOT NULL, at ${T} NOT NULL, actor_id ${T} NOT NULL,
  role ${T} NOT NULL, payload ${T} NOT NULL, prev_hash ${T}, hash ${T} NOT NULL, leaf bigint,
  PRIMARY KEY (ticket_id, seq)
);
CREATE INDEX audit_by_type ON audit (ticket_id, type, seq);
CREATE UNIQUE INDEX audit_leaf ON audit (leaf);
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION sopflow_refuse_change('the audit log is append-only');
CREATE TRIGGER audit_append_only_truncate BEFORE TRUNCATE ON audit
  FOR EACH STATEMENT EXECUTE FUNCTION sopflow_refuse_change('the audit log is append-only');

CREATE TABLE timers (
  ticket_id ${T} NOT NULL, id ${T} NOT NULL, kind ${T} NOT NULL, step_id ${T} NOT NULL, transition_id ${T},
  due_at ${T} NOT NULL, PRIMARY KEY (ticket_id, id)
);
CREATE INDEX timers_due ON timers (due_at);
CREATE TABLE idempotency (
  user_id ${T} NOT NULL, key ${T} NOT NULL, fingerprint ${T} NOT NULL, ticket_id ${T}, status integer NOT NULL,
  created_at ${T} NOT NULL, PRIMARY KEY (user_id, key)
);

CREATE TABLE ledger_nodes (level integer NOT NULL, idx bigint NOT NULL, hash bytea NOT NULL, PRIMARY KEY (level, idx));
CREATE TRIGGER ledger_nodes_append_only BEFORE UPDATE OR DELETE ON ledger_nodes
  FOR EACH ROW EXECUTE FUNCTION sopflow_refuse_change('the ledger is append-only');
CREATE TRIGGER ledger_nodes_append_only_truncate BEFORE TRUNCATE ON ledger_nodes
  FOR EACH STATEMENT EXECUTE FUNCTION sopflow_refuse_change('the ledger is append-only');
CREATE TABLE ledger_heads (
  size bigint PRIMARY KEY, root ${T} NOT NULL, timestamp ${T} NOT NULL, key_id ${T} NOT NULL, signature ${T} NOT NULL
);

CREATE TABLE admin_log (
  seq bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, at ${T} NOT NULL, actor_id ${T} NOT NULL,
  actor_role ${T} NOT NULL, action ${T} NOT NULL, target_type ${T} NOT NULL, target_id ${T} NOT NULL,
  before ${T}, after ${T}
);
CREATE TRIGGER admin_log_append_only BEFORE UPDATE OR DELETE ON admin_log
  FOR EACH ROW EXECUTE FUNCTION sopflow_refuse_change('the admin-actions log is append-only');
CREATE TRIGGER admin_log_append_only_truncate BEFORE TRUNCATE ON admin_log
  FOR EACH STATEMENT EXECUTE FUNCTION sopflow_refuse_change('the admin-actions log is append-only');

CREATE TABLE sessions (
  hash ${T} PRIMARY KEY, user_id ${T} NOT NULL REFERENCES users(id), csrf ${T} NOT NULL, via ${T} NOT NULL,
  created_at ${T} NOT NULL, last_seen_at ${T} NOT NULL, idle_expires_at ${T} NOT NULL, expires_at ${T} NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE TABLE auth_links (
  hash ${T} PRIMARY KEY, user_id ${T} NOT NULL REFERENCES users(id), purpose ${T} NOT NULL,
  created_at ${T} NOT NULL, expires_at ${T} NOT NULL, used_at ${T}
);
CREATE INDEX auth_links_by_user ON auth_links (user_id);
CREATE TABLE sign_in_attempts (
  key ${T} PRIMARY KEY, failures integer NOT NULL, not_before bigint NOT NULL, last_failure bigint NOT NULL
);
CREATE TABLE oidc_pending (state ${T} PRIMARY KEY, verifier ${T} NOT NULL, nonce ${T} NOT NULL, at bigint NOT NULL);

CREATE TABLE channel_connections (
  id ${T} PRIMARY KEY, kind ${T} NOT NULL, name ${T} NOT NULL, address ${T} NOT NULL UNIQUE, channel ${T} NOT NULL,
  sop_id ${T} NOT NULL, queue ${T}, priority ${T} NOT NULL, secret ${T}, settings ${T} NOT NULL DEFAULT '{}',
  enabled integer NOT NULL DEFAULT 1, created_at ${T} NOT NULL, updated_at ${T} NOT NULL
);
CREATE TABLE channel_messages (
  id ${T} PRIMARY KEY, connection_id ${T} NOT NULL, ticket_id ${T}, follows_ticket_id ${T}, direction ${T} NOT NULL,
  channel ${T} NOT NULL, status ${T} NOT NULL, sender ${T} NOT NULL, sender_name ${T}, subject ${T} NOT NULL,
  text ${T} NOT NULL, html ${T}, external_id ${T}, conversation_id ${T}, refs ${T} NOT NULL DEFAULT '[]', raw bytea,
  at ${T} NOT NULL, pos bigint GENERATED ALWAYS AS IDENTITY
);
CREATE UNIQUE INDEX channel_messages_external ON channel_messages (connection_id, external_id);
CREATE INDEX channel_messages_external_any ON channel_messages (external_id);
CREATE INDEX channel_messages_ticket ON channel_messages (ticket_id, at);
CREATE INDEX channel_messages_conversation ON channel_messages (connection_id, conversation_id, at);
CREATE INDEX channel_messages_status ON channel_messages (status, at);
CREATE TABLE channel_attachments (
  id ${T} PRIMARY KEY, message_id ${T} NOT NULL REFERENCES channel_messages(id), sha256 ${T}, filename ${T} NOT NULL,
  content_type ${T} NOT NULL, size integer NOT NULL, refused ${T}, pos bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX channel_attachments_message ON channel_attachments (message_id);
CREATE TABLE status_links (
  token_hash ${T} PRIMARY KEY, ticket_id ${T} NOT NULL, connection_id ${T} NOT NULL, created_at ${T} NOT NULL,
  revoked_at ${T}
);
CREATE INDEX status_links_ticket ON status_links (ticket_id);

CREATE TABLE outbox (
  id ${T} PRIMARY KEY, kind ${T} NOT NULL, ticket_id ${T}, event ${T} NOT NULL, target ${T} NOT NULL,
  subscription_id ${T}, payload ${T} NOT NULL, status ${T} NOT NULL DEFAULT 'queued', attempts integer NOT NULL DEFAULT 0,
  next_at ${T} NOT NULL, lease_until ${T}, created_at ${T} NOT NULL, sent_at ${T}, last_status integer, last_error ${T}
);
CREATE INDEX outbox_due ON outbox (status, next_at);
CREATE INDEX outbox_by_subscription ON outbox (subscription_id, created_at);
CREATE TABLE webhook_subscriptions (
  id ${T} PRIMARY KEY, url ${T} NOT NULL, events ${T} NOT NULL, sop_id ${T}, secret ${T} NOT NULL,
  previous_secret ${T}, previous_until ${T}, allow_private integer NOT NULL DEFAULT 0,
  active integer NOT NULL DEFAULT 1, created_at ${T} NOT NULL, created_by ${T} NOT NULL
);
CREATE TABLE notifications (
  id ${T} PRIMARY KEY, user_id ${T} NOT NULL, ticket_id ${T}, kind ${T} NOT NULL, params ${T} NOT NULL,
  created_at ${T} NOT NULL, read_at ${T}
);
CREATE INDEX notifications_by_user ON notifications (user_id, created_at);
CREATE TABLE notification_settings (user_id ${T} PRIMARY KEY, email ${T}, email_on integer NOT NULL DEFAULT 1);

CREATE TABLE teams (id ${T} PRIMARY KEY, name ${T} NOT NULL, created_at ${T} NOT NULL);
CREATE TABLE org_roles (name ${T} PRIMARY KEY, label ${T} NOT NULL, created_at ${T} NOT NULL);
CREATE TABLE user_org_roles (
  user_id ${T} NOT NULL REFERENCES users(id), role ${T} NOT NULL REFERENCES org_roles(name),
  PRIMARY KEY (user_id, role)
);

CREATE TABLE calendar_versions (
  calendar_id ${T} NOT NULL, version integer NOT NULL, document ${T} NOT NULL, created_at ${T} NOT NULL,
  created_by ${T} NOT NULL, PRIMARY KEY (calendar_id, version)
);
CREATE TRIGGER calendar_versions_immutable BEFORE UPDATE ON calendar_versions
  FOR EACH ROW EXECUTE FUNCTION sopflow_refuse_change('calendar versions are immutable');
CREATE TABLE sop_calendar_pins (
  sop_id ${T} NOT NULL, sop_version integer NOT NULL, calendar_id ${T} NOT NULL, calendar_version integer NOT NULL,
  PRIMARY KEY (sop_id, sop_version, calendar_id),
  FOREIGN KEY (calendar_id, calendar_version) REFERENCES calendar_versions(calendar_id, version)
);
CREATE TRIGGER sop_calendar_pins_immutable BEFORE UPDATE ON sop_calendar_pins
  FOR EACH ROW EXECUTE FUNCTION sopflow_refuse_change('calendar pins are immutable');
`,
  },
  {
    name: 'timers are claimed with a lease (SQLite migration 13)',
    sql: 'ALTER TABLE timers ADD COLUMN lease_until text COLLATE "C";',
  },
  {
    name: 'ticket numbers: the sequential reference customers see (T-1042)',
    sql: `
ALTER TABLE tickets ADD COLUMN number bigint;
UPDATE tickets SET number = r.n
  FROM (SELECT id, 1000 + ROW_NUMBER() OVER (ORDER BY created_at, id) AS n FROM tickets) AS r
  WHERE tickets.id = r.id;
CREATE UNIQUE INDEX tickets_number ON tickets(number);`,
  },
  {
    name: "the steps of each SOP version with their responsible team and roles, for the teams' work queues",
    sql: `
CREATE TABLE sop_steps (
  sop_id text COLLATE "C" NOT NULL,
  version integer NOT NULL,
  step_id text COLLATE "C" NOT NULL,
  team text COLLATE "C",
  roles text COLLATE "C" NOT NULL DEFAULT '[]',
  PRIMARY KEY (sop_id, version, step_id)
);
CREATE INDEX sop_steps_team ON sop_steps(team) WHERE team IS NOT NULL;
CREATE FUNCTION sopflow_sop_steps() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sop_steps (sop_id, version, step_id, team, roles)
    SELECT NEW.sop_id, NEW.version, s->>'id', s->>'team', coalesce((s->'roles')::text, '[]')
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(NEW.document::jsonb->'steps') = 'array'
      THEN NEW.document::jsonb->'steps' ELSE '[]'::jsonb END) s
    WHERE jsonb_typeof(s->'id') = 'string'
  ON CONFLICT DO NOTHING;
  RETURN NEW;
END $$;
CREATE TRIGGER sop_versions_steps AFTER INSERT ON sop_versions FOR EACH ROW EXECUTE FUNCTION sopflow_sop_steps();
INSERT INTO sop_steps (sop_id, version, step_id, team, roles)
  SELECT v.sop_id, v.version, s->>'id', s->>'team', coalesce((s->'roles')::text, '[]')
  FROM sop_versions v, jsonb_array_elements(CASE WHEN jsonb_typeof(v.document::jsonb->'steps') = 'array'
    THEN v.document::jsonb->'steps' ELSE '[]'::jsonb END) s
  WHERE jsonb_typeof(s->'id') = 'string'
ON CONFLICT DO NOTHING;`,
  },
  {
    name: 'state shared by the servers on one database: the ledger signing key, attachment contents, ticket numbers',
    sql: `
CREATE TABLE ledger_signing_key (
  id smallint PRIMARY KEY CHECK (id = 1),
  private_key_pem text NOT NULL,
  key_id text NOT NULL,
  created_at text NOT NULL
);
CREATE TRIGGER ledger_signing_key_kept BEFORE UPDATE OR DELETE ON ledger_signing_key
  FOR EACH ROW EXECUTE FUNCTION sopflow_refuse_change('the ledger signing key is kept');
CREATE TABLE attachment_contents (
  sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea NOT NULL,
  size bigint NOT NULL
);
CREATE SEQUENCE ticket_numbers;
SELECT setval('ticket_numbers', (SELECT coalesce(max(number), 1000) + 1 FROM tickets), false);`,
  },
  {
    name: "a team's calendar: business time that names no calendar counts in the responsible team's, pinned at publishing",
    sql: `
ALTER TABLE teams ADD COLUMN calendar_id text COLLATE "C";
CREATE TABLE sop_team_calendars (
  sop_id text COLLATE "C" NOT NULL,
  sop_version integer NOT NULL,
  team_id text COLLATE "C" NOT NULL,
  calendar_id text COLLATE "C" NOT NULL,
  PRIMARY KEY (sop_id, sop_version, team_id)
);
CREATE TRIGGER sop_team_calendars_immutable BEFORE UPDATE ON sop_team_calendars
  FOR EACH ROW EXECUTE FUNCTION sopflow_refuse_change('calendar pins are immutable');`,
  },
]

/** The advisory lock key migrations run under (any constant both servers agree on). */
const MIGRATION_LOCK = 0x50f10f

/** Applies the migrations this database has not seen, each in its own transaction, under the lock. */
export async function migratePg(client: pg.PoolClient | pg.Client): Promise<number> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS sopflow_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
    const { rows } = await client.query<{ n: number }>(
      'SELECT coalesce(max(version), 0)::int AS n FROM sopflow_migrations',
    )
    const current = rows[0].n
    if (current > PG_MIGRATIONS.length)
      throw new Error(
        `The database schema (version ${current}) is newer than this sopflow (version ${PG_MIGRATIONS.length}); upgrade sopflow`,
      )
    for (let i = current; i < PG_MIGRATIONS.length; i++) {
      await client.query('BEGIN')
      try {
        await client.query(PG_MIGRATIONS[i].sql)
        await client.query('INSERT INTO sopflow_migrations (version, name) VALUES ($1, $2)', [
          i + 1,
          PG_MIGRATIONS[i].name,
        ])
        await client.query('COMMIT')
      } catch (err) {
        await client.query('ROLLBACK')
        throw err
      }
    }
    return PG_MIGRATIONS.length - current
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK])
  }
}
