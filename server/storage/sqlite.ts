import { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { AccessCache, AccessVersion } from './accessCache.ts'
import { type FlatCommit, type FlatOutcome, prepareCommitBatch } from './commitBatch.mjs'
import { migrate } from './migrations.ts'
import { refused } from './refused.ts'
import { flatten, type Row, toAudit, toIdempotency, toTicket, toTimer, toTreeHead, toUser } from './rows.ts'
import { sqliteDialect } from './sqlDialect.ts'
import { SqliteCalendars } from './sqliteCalendars.ts'
import { kyselyOver, SqliteChannelStore } from './sqliteChannels.ts'
import { SqliteNotices } from './sqliteNotices.ts'
import { SqliteOutbox } from './sqliteOutbox.ts'
import { SqliteQueries } from './sqliteQueries.ts'
import { SqliteSops } from './sqliteSops.ts'
import { SqliteTeams } from './sqliteTeams.ts'
import { SqliteTicketNumbers } from './sqliteTicketNumbers.ts'
import { SqliteAccess } from './sqliteTokens.ts'
import { WriterThread } from './sqliteWriter.ts'
import { TicketQueries } from './ticketQueries.ts'
import {
  type AuditRow,
  type CommitOutcome,
  ConflictError,
  type IdempotencyRow,
  type Storage,
  type TicketCommit,
  type TicketRow,
  type TimerRow,
  type TreeHeadRow,
  type User,
} from './types.ts'

export { PRIORITY_RANK } from './rows.ts'
export { AUDIT_READS } from './sqliteQueries.ts'

/**
 * The embedded storage: one SQLite file in WAL mode with `synchronous=FULL`, so an acknowledged
 * commit survives power loss. better-sqlite3 is synchronous; the interface is asynchronous so that
 * network databases implement the same one. SOPs (./sqliteSops.ts) and the ticket queries
 * (./ticketQueries.ts, shared with PostgreSQL) live in their own files; this class holds the connection and the rest.
 */
/** The queries shared with PostgreSQL, over the connection. */
const sharedQueries = (db: Database.Database) => new TicketQueries(kyselyOver(db), sqliteDialect)

export class SqliteStorage implements Storage {
  readonly kind = 'sqlite'
  readonly db: Database.Database
  readonly access: SqliteAccess
  /** Users by id, kept while no user, token or organisation role changed (see `AccessCache`). */
  private readonly accessVersion: AccessVersion
  private readonly users: AccessCache<string, User | null>
  readonly channels: SqliteChannelStore
  readonly ticketNumbers: SqliteTicketNumbers
  private readonly stmts = new Map<string, Database.Statement>()
  private readonly sops: SqliteSops
  private readonly queries: SqliteQueries
  private readonly shared: TicketQueries
  private checkpointer: Worker | null = null
  private writer: WriterThread | null = null
  private commitBatch: ((units: FlatCommit[]) => FlatOutcome[]) | null = null

  readonly file: string | null
  readonly teams: SqliteTeams
  readonly calendars: SqliteCalendars
  readonly outbox: SqliteOutbox
  readonly notices: SqliteNotices

  /**
   * `backgroundCheckpoints`: WAL checkpoints run in a worker. `writerThread`: ticket commits run
   * in a writer thread on its own connection, so the event loop never waits for a commit's fsync.
   * `readonly`: a read-only connection to a database another connection keeps up to date.
   */
  constructor(
    path: string,
    options: { backgroundCheckpoints?: boolean; writerThread?: boolean; readonly?: boolean } = {},
  ) {
    this.file = path === ':memory:' ? null : path
    if (options.readonly) {
      this.db = new Database(path, { readonly: true, fileMustExist: true })
      this.db.pragma('busy_timeout = 5000')
      this.accessVersion = new AccessVersion(this.db)
      this.users = new AccessCache(this.accessVersion)
      this.access = new SqliteAccess(this.db, this.accessVersion)
      this.channels = new SqliteChannelStore(this.db)
      this.ticketNumbers = new SqliteTicketNumbers(this.db)
      this.teams = new SqliteTeams(this.db, this.accessVersion)
      this.calendars = new SqliteCalendars(this.db)
      this.outbox = new SqliteOutbox(this.db)
      this.notices = new SqliteNotices(this.db)
      this.sops = new SqliteSops(this.db)
      this.queries = new SqliteQueries(this.db)
      this.shared = sharedQueries(this.db)
      return
    }
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = FULL')
    this.db.pragma('foreign_keys = ON')
    this.db.pragma('busy_timeout = 5000')
    migrate(this.db)
    this.accessVersion = new AccessVersion(this.db)
    this.users = new AccessCache(this.accessVersion)
    this.access = new SqliteAccess(this.db, this.accessVersion)
    this.channels = new SqliteChannelStore(this.db)
    this.ticketNumbers = new SqliteTicketNumbers(this.db)
    this.teams = new SqliteTeams(this.db, this.accessVersion)
    this.calendars = new SqliteCalendars(this.db)
    this.outbox = new SqliteOutbox(this.db)
    this.notices = new SqliteNotices(this.db)
    this.sops = new SqliteSops(this.db)
    this.queries = new SqliteQueries(this.db)
    this.shared = sharedQueries(this.db)
    if (options.backgroundCheckpoints && path !== ':memory:') {
      // Checkpoints run in a worker on its own connection; the main connection only checkpoints
      // itself if the log grows far beyond what the worker keeps up with.
      this.db.pragma('wal_autocheckpoint = 20000')
      this.checkpointer = new Worker(new URL('./checkpointWorker.mjs', import.meta.url), {
        workerData: { path, intervalMs: 500 },
      })
      this.checkpointer.unref()
      this.checkpointer.on('error', () => {
        this.db.pragma('wal_autocheckpoint = 1000')
        this.checkpointer = null
      })
    }
    if (options.writerThread && path !== ':memory:') {
      this.writer = new WriterThread(path, options.backgroundCheckpoints ? 20000 : 1000)
    }
  }

  /** Writes a batch on this connection (when there is no writer thread). */
  private commitHere(units: FlatCommit[]): FlatOutcome[] {
    this.commitBatch ??= prepareCommitBatch(this.db)
    return this.commitBatch(units)
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.stmts.set(sql, s)
    }
    return s
  }

  async close(): Promise<void> {
    await this.writer?.stop()
    this.writer = null
    const worker = this.checkpointer
    this.checkpointer = null
    if (worker) {
      await new Promise<void>((resolve) => {
        const done = () => resolve()
        worker.once('message', done)
        worker.once('exit', done)
        worker.postMessage('stop')
        setTimeout(done, 2000).unref()
      })
      await worker.terminate()
    }
    if (this.db.open) this.db.close()
  }

  // Users and tokens

  async countUsers(): Promise<number> {
    return (this.stmt('SELECT count(*) AS n FROM users').get() as { n: number }).n
  }

  async createUser(user: User, tokenHash: string, tokenLabel: string): Promise<User> {
    this.db.transaction(() => {
      this.stmt('INSERT INTO users (id, name, role, team, created_at) VALUES (?, ?, ?, ?, ?)').run(
        user.id,
        user.name,
        user.role,
        user.team,
        user.createdAt,
      )
      this.stmt('INSERT INTO tokens (hash, user_id, label, created_at) VALUES (?, ?, ?, ?)').run(
        tokenHash,
        user.id,
        tokenLabel,
        user.createdAt,
      )
    })()
    return user
  }

  async addToken(userId: string, tokenHash: string, label: string, now: string): Promise<void> {
    this.stmt('INSERT INTO tokens (hash, user_id, label, created_at) VALUES (?, ?, ?, ?)').run(
      tokenHash,
      userId,
      label,
      now,
    )
  }

  async getUser(id: string): Promise<User | null> {
    const user = this.users.get(id, () => {
      const row = this.stmt('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined
      return row ? toUser(row) : null
    })
    return user && { ...user }
  }

  async listUsers(): Promise<User[]> {
    return (this.stmt('SELECT * FROM users ORDER BY name').all() as Row[]).map(toUser)
  }

  // SOPs (./sqliteSops.ts)
  readonly createSop: Storage['createSop'] = (sop) => this.sops.createSop(sop)
  readonly getSop: Storage['getSop'] = (id) => this.sops.getSop(id)
  readonly listSops: Storage['listSops'] = (all) => this.sops.listSops(all)
  readonly saveDraft: Storage['saveDraft'] = (id, draft, now, base) =>
    this.sops.saveDraft(id, draft, now, base)
  readonly setArchived: Storage['setArchived'] = (id, archived, now) =>
    this.sops.setArchived(id, archived, now)
  readonly publishVersion: Storage['publishVersion'] = (v, pins) => this.sops.publishVersion(v, pins)
  readonly getVersion: Storage['getVersion'] = (id, version) => this.sops.getVersion(id, version)
  readonly latestVersion: Storage['latestVersion'] = (id) => this.sops.latestVersion(id)
  readonly listVersions: Storage['listVersions'] = (id) => this.sops.listVersions(id)

  // Ticket, audit and survey queries, shared with PostgreSQL (./ticketQueries.ts)
  readonly listTickets: Storage['listTickets'] = (f) => this.shared.listTickets(f)
  readonly searchTickets: Storage['searchTickets'] = (s) => this.shared.searchTickets(s)
  readonly ticketsForMetrics: Storage['ticketsForMetrics'] = (f) => this.shared.ticketsForMetrics(f)
  readonly auditForTickets: Storage['auditForTickets'] = (ids) => this.shared.auditForTickets(ids)
  readonly listSurveys: Storage['listSurveys'] = (f) => this.shared.listSurveys(f)
  readonly getAudit: Storage['getAudit'] = (id, types) => this.queries.getAudit(id, types)

  // Customers and surveys

  readonly createCustomer: Storage['createCustomer'] = (c) => this.shared.createCustomer(c)
  readonly updateCustomer: Storage['updateCustomer'] = (c) => this.shared.updateCustomer(c)
  readonly getCustomer: Storage['getCustomer'] = (id) => this.shared.getCustomer(id)
  readonly addSurvey: Storage['addSurvey'] = (s) => this.shared.addSurvey(s)

  readonly searchCustomers: Storage['searchCustomers'] = (q, limit) => this.shared.searchCustomers(q, limit)

  // Tickets, audit, timers

  async getTicket(id: string): Promise<TicketRow | null> {
    const row = this.stmt('SELECT * FROM tickets WHERE id = ?').get(id) as Row | undefined
    return row ? toTicket(row) : null
  }

  async commitTickets(units: TicketCommit[]): Promise<CommitOutcome[]> {
    const flat = units.map(flatten)
    const outcomes = this.writer ? await this.writer.commit(flat) : this.commitHere(flat)
    return outcomes.map((o, i) =>
      o.ok
        ? o
        : { ok: false, error: o.conflict ? new ConflictError(o.code, o.message) : refused(o, units[i]) },
    )
  }

  async listTimers(ticketId: string): Promise<TimerRow[]> {
    return (
      this.stmt('SELECT * FROM timers WHERE ticket_id = ? ORDER BY due_at, id').all(ticketId) as Row[]
    ).map(toTimer)
  }

  async dueTimers(now: string, limit: number): Promise<TimerRow[]> {
    return (
      this.stmt('SELECT * FROM timers WHERE due_at <= ? ORDER BY due_at LIMIT ?').all(now, limit) as Row[]
    ).map(toTimer)
  }

  async claimTimers(now: string, leaseUntil: string, limit: number): Promise<TimerRow[]> {
    // One statement: SQLite has one writer at a time, so two claims cannot take the same row.
    const rows = this.stmt(
      `UPDATE timers SET lease_until = ? WHERE (ticket_id, id) IN (
         SELECT ticket_id, id FROM timers WHERE due_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
         ORDER BY due_at LIMIT ?) RETURNING *`,
    ).all(leaseUntil, now, now, limit) as Row[]
    return rows.map(toTimer).sort((a, b) => a.dueAt.localeCompare(b.dueAt))
  }

  async releaseTimerLeases(): Promise<number> {
    return this.stmt('UPDATE timers SET lease_until = NULL WHERE lease_until IS NOT NULL').run().changes
  }

  async nextTimerDue(): Promise<string | null> {
    const row = this.stmt('SELECT min(due_at) AS d FROM timers').get() as { d: string | null }
    return row.d
  }

  async getIdempotency(userId: string, key: string): Promise<IdempotencyRow | null> {
    const r = this.stmt('SELECT * FROM idempotency WHERE user_id = ? AND key = ?').get(userId, key) as
      | Row
      | undefined
    return r ? toIdempotency(r) : null
  }

  async ticketPriorityRank(id: string): Promise<number | null> {
    return (
      (this.stmt('SELECT priority_rank FROM tickets WHERE id = ?').pluck().get(id) as number | undefined) ??
      null
    )
  }

  // The ledger

  async ledgerSize(): Promise<number> {
    return this.stmt('SELECT coalesce(max(idx) + 1, 0) AS n FROM ledger_nodes WHERE level = 0')
      .pluck()
      .get() as number
  }

  async ledgerNodes(nodes: readonly (readonly [number, number])[]): Promise<Uint8Array[]> {
    const read = this.stmt('SELECT hash FROM ledger_nodes WHERE level = ? AND idx = ?').pluck()
    return nodes.map(([level, index]) => {
      const hash = read.get(level, index) as Buffer | undefined
      if (!hash) throw new Error(`The ledger has no node ${level}/${index}`)
      return new Uint8Array(hash.buffer, hash.byteOffset, hash.byteLength)
    })
  }

  async ledgerRecord(leaf: number): Promise<AuditRow | null> {
    const row = this.stmt('SELECT * FROM audit WHERE leaf = ?').get(leaf) as Row | undefined
    return row ? toAudit(row) : null
  }

  async saveTreeHead(h: TreeHeadRow): Promise<void> {
    this.stmt(
      'INSERT OR IGNORE INTO ledger_heads (size, root, timestamp, key_id, signature) VALUES (@size, @root, @timestamp, @keyId, @signature)',
    ).run(h)
  }

  async treeHead(size?: number): Promise<TreeHeadRow | null> {
    const row = (
      size === undefined
        ? this.stmt('SELECT * FROM ledger_heads ORDER BY size DESC LIMIT 1').get()
        : this.stmt('SELECT * FROM ledger_heads WHERE size = ?').get(size)
    ) as Row | undefined
    return row ? toTreeHead(row) : null
  }
}
