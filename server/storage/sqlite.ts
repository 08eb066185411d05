import { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { canonicalJson, type TicketState } from '../../engine/index.ts'
import { type FlatCommit, type FlatOutcome, prepareCommitBatch } from './commitBatch.mjs'
import { flatten } from './flattenCommit.ts'
import { migrate } from './migrations.ts'
import { SqliteChannelStore } from './sqliteChannels.ts'
import { SqliteTeams } from './sqliteTeams.ts'
import { SqliteTicketNumbers } from './sqliteTicketNumbers.ts'
import { SqliteAccess } from './sqliteTokens.ts'
import { queueClauses } from './sqliteWorkQueues.ts'
import {
  type AuditRow,
  type AuditType,
  type CommitOutcome,
  ConflictError,
  type Customer,
  type IdempotencyRow,
  type MetricsFilter,
  type Priority,
  type SopRecord,
  type SopSummaryRow,
  type SopVersion,
  type SopVersionMeta,
  type Storage,
  type Survey,
  type TicketCommit,
  type TicketFilter,
  type TicketRow,
  type TicketSearch,
  type TicketSearchResult,
  type TicketSort,
  type TimerRow,
  type TreeHeadRow,
  type User,
} from './types.ts'

export { PRIORITY_RANK } from './flattenCommit.ts'

type Row = Record<string, unknown>

/**
 * The embedded storage: one SQLite file in WAL mode with `synchronous=FULL`, so an acknowledged
 * commit survives power loss. better-sqlite3 is synchronous; the interface is asynchronous so that
 * network databases implement the same one.
 */
/** Ticket list orders (see `TicketFilter.sort`); only `urgency` takes a parameter, the time now. */
const ORDERS: Record<TicketSort, string> = {
  // Most urgent first: overdue, then priority, then nearest deadline, then oldest.
  urgency: `(status = 'open') DESC, (due_at IS NOT NULL AND due_at <= ?) DESC, priority_rank DESC,
    due_at IS NULL, due_at, created_at`,
  due: 'due_at IS NULL, due_at, priority_rank DESC, created_at',
  priority: 'priority_rank DESC, due_at IS NULL, due_at, created_at',
  created: 'created_at DESC, id',
}

/** The reads of a ticket's audit records by type: through the type index, never the whole history. */
export const AUDIT_READS = {
  oneType: 'SELECT * FROM audit INDEXED BY audit_by_type WHERE ticket_id = ? AND type = ? ORDER BY seq',
  someTypes:
    'SELECT * FROM audit INDEXED BY audit_by_type WHERE ticket_id = ? AND type IN (SELECT value FROM json_each(?)) ORDER BY seq',
} as const

export class SqliteStorage implements Storage {
  readonly kind = 'sqlite'
  readonly db: Database.Database
  readonly access: SqliteAccess
  readonly channels: SqliteChannelStore
  readonly ticketNumbers: SqliteTicketNumbers
  private readonly stmts = new Map<string, Database.Statement>()
  private checkpointer: Worker | null = null
  private writer: WriterThread | null = null
  private commitBatch: ((units: FlatCommit[]) => FlatOutcome[]) | null = null

  readonly file: string | null
  readonly teams: SqliteTeams

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
      this.access = new SqliteAccess(this.db)
      this.channels = new SqliteChannelStore(this.db)
      this.ticketNumbers = new SqliteTicketNumbers(this.db)
      this.teams = new SqliteTeams(this.db)
      return
    }
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = FULL')
    this.db.pragma('foreign_keys = ON')
    this.db.pragma('busy_timeout = 5000')
    migrate(this.db)
    this.access = new SqliteAccess(this.db)
    this.channels = new SqliteChannelStore(this.db)
    this.ticketNumbers = new SqliteTicketNumbers(this.db)
    this.teams = new SqliteTeams(this.db)
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

  async findUserByTokenHash(hash: string): Promise<User | null> {
    const row = this.stmt('SELECT u.* FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?').get(
      hash,
    ) as Row | undefined
    return row ? toUser(row) : null
  }

  async getUser(id: string): Promise<User | null> {
    const row = this.stmt('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined
    return row ? toUser(row) : null
  }

  async listUsers(): Promise<User[]> {
    return (this.stmt('SELECT * FROM users ORDER BY name').all() as Row[]).map(toUser)
  }

  // SOPs

  async createSop(sop: SopRecord): Promise<void> {
    const meta = draftMeta(sop.draft)
    this.stmt(
      `INSERT INTO sops (id, draft, title, department, language, archived, created_at, updated_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      sop.id,
      JSON.stringify(sop.draft),
      meta.title,
      meta.department,
      meta.language,
      sop.archived ? 1 : 0,
      sop.createdAt,
      sop.updatedAt,
      sop.createdBy,
    )
  }

  async getSop(id: string): Promise<SopRecord | null> {
    const row = this.stmt('SELECT * FROM sops WHERE id = ?').get(id) as Row | undefined
    if (!row) return null
    return {
      id: row.id as string,
      draft: JSON.parse(row.draft as string),
      draftRevision: row.draft_revision as number,
      archived: row.archived === 1,
      createdAt: row.created_at as string,
      updatedAt: row.updated_at as string,
      createdBy: row.created_by as string,
    }
  }

  async listSops(includeArchived: boolean): Promise<SopSummaryRow[]> {
    const rows = this.stmt(
      `SELECT s.id, s.title, s.department, s.language, s.archived, s.updated_at,
              (SELECT max(version) FROM sop_versions v WHERE v.sop_id = s.id) AS latest
       FROM sops s WHERE ? OR s.archived = 0 ORDER BY s.title`,
    ).all(includeArchived ? 1 : 0) as Row[]
    return rows.map((r) => ({
      id: r.id as string,
      title: r.title as string,
      department: r.department as string,
      language: r.language as string,
      latestVersion: (r.latest as number | null) ?? null,
      archived: r.archived === 1,
      updatedAt: r.updated_at as string,
    }))
  }

  async saveDraft(
    id: string,
    draft: Record<string, unknown>,
    now: string,
    baseRevision?: number,
  ): Promise<number> {
    const meta = draftMeta(draft)
    // One statement compares and sets, so two saves on the same revision cannot both apply.
    const row = this.stmt(
      `UPDATE sops SET draft = ?, title = ?, department = ?, language = ?, updated_at = ?,
         draft_revision = draft_revision + 1
       WHERE id = ? AND (? IS NULL OR draft_revision = ?) RETURNING draft_revision`,
    ).get(
      JSON.stringify(draft),
      meta.title,
      meta.department,
      meta.language,
      now,
      id,
      baseRevision ?? null,
      baseRevision ?? null,
    ) as { draft_revision: number } | undefined
    if (row) return row.draft_revision
    const current = this.stmt('SELECT draft_revision FROM sops WHERE id = ?').get(id) as
      | { draft_revision: number }
      | undefined
    if (!current) throw new ConflictError('not_found', `SOP "${id}" does not exist`)
    throw new ConflictError(
      'draft_conflict',
      `The draft of "${id}" was saved by someone else since revision ${baseRevision}; it is now at revision ${current.draft_revision}`,
      { id, baseRevision, revision: current.draft_revision },
    )
  }

  async setArchived(id: string, archived: boolean, now: string): Promise<void> {
    this.stmt('UPDATE sops SET archived = ?, updated_at = ? WHERE id = ?').run(archived ? 1 : 0, now, id)
  }

  async publishVersion(
    v: Omit<SopVersion, 'version'>,
    within?: (version: number) => void,
  ): Promise<SopVersion> {
    // Stored as canonical JSON: the version's hash is SHA-256 over exactly these bytes.
    const text = canonicalJson(v.document)
    return this.db
      .transaction(() => {
        const { n } = this.stmt(
          'SELECT coalesce(max(version), 0) AS n FROM sop_versions WHERE sop_id = ?',
        ).get(v.sopId) as { n: number }
        const version = n + 1
        this.stmt(
          `INSERT INTO sop_versions (sop_id, version, hash, document, published_at, published_by)
         VALUES (?, ?, ?, ?, ?, ?)`,
        ).run(v.sopId, version, v.hash, text, v.publishedAt, v.publishedBy)
        within?.(version)
        return { ...v, version, text }
      })
      .immediate()
  }

  async getVersion(sopId: string, version: number): Promise<SopVersion | null> {
    const row = this.stmt('SELECT * FROM sop_versions WHERE sop_id = ? AND version = ?').get(
      sopId,
      version,
    ) as Row | undefined
    return row ? toVersion(row) : null
  }

  async latestVersion(sopId: string): Promise<SopVersion | null> {
    const row = this.stmt('SELECT * FROM sop_versions WHERE sop_id = ? ORDER BY version DESC LIMIT 1').get(
      sopId,
    ) as Row | undefined
    return row ? toVersion(row) : null
  }

  async listVersions(sopId: string): Promise<SopVersionMeta[]> {
    const rows = this.stmt(
      'SELECT version, hash, published_at, published_by FROM sop_versions WHERE sop_id = ? ORDER BY version',
    ).all(sopId) as Row[]
    return rows.map((r) => ({
      version: r.version as number,
      hash: r.hash as string,
      publishedAt: r.published_at as string,
      publishedBy: r.published_by as string,
    }))
  }

  // Customers and surveys

  async createCustomer(c: Customer): Promise<void> {
    this.stmt(
      `INSERT INTO customers (id, name, phone, email, address, segment, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(c.id, c.name, c.phone, c.email, c.address, c.segment, c.createdAt, c.updatedAt)
  }

  async updateCustomer(c: Customer): Promise<void> {
    this.stmt(
      'UPDATE customers SET name = ?, phone = ?, email = ?, address = ?, segment = ?, updated_at = ? WHERE id = ?',
    ).run(c.name, c.phone, c.email, c.address, c.segment, c.updatedAt, c.id)
  }

  async getCustomer(id: string): Promise<Customer | null> {
    const row = this.stmt('SELECT * FROM customers WHERE id = ?').get(id) as Row | undefined
    return row ? toCustomer(row) : null
  }

  async searchCustomers(q: string | null, limit: number): Promise<Customer[]> {
    if (!q) {
      return (this.stmt('SELECT * FROM customers ORDER BY updated_at DESC LIMIT ?').all(limit) as Row[]).map(
        toCustomer,
      )
    }
    const like = `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`
    return (
      this.stmt(
        `SELECT * FROM customers WHERE name LIKE @like ESCAPE '\\' OR phone LIKE @like ESCAPE '\\' OR email LIKE @like ESCAPE '\\'
         ORDER BY name LIMIT @limit`,
      ).all({ like, limit }) as Row[]
    ).map(toCustomer)
  }

  async addSurvey(s: Survey): Promise<void> {
    this.stmt(
      `INSERT INTO surveys (id, customer_id, ticket_id, csat, nps, ces, comment, at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(s.id, s.customerId, s.ticketId, s.csat, s.nps, s.ces, s.comment, s.at, s.createdBy)
  }

  async listSurveys(filter: {
    customerId?: string
    ticketIds?: string[]
    from?: string
    to?: string
  }): Promise<Survey[]> {
    const where: string[] = []
    const args: unknown[] = []
    if (filter.customerId) {
      where.push('customer_id = ?')
      args.push(filter.customerId)
    }
    if (filter.ticketIds) {
      if (!filter.ticketIds.length) return []
      where.push(`ticket_id IN (SELECT value FROM json_each(?))`)
      args.push(JSON.stringify(filter.ticketIds))
    }
    if (filter.from) {
      where.push('at >= ?')
      args.push(filter.from)
    }
    if (filter.to) {
      where.push('at < ?')
      args.push(filter.to)
    }
    const sql = `SELECT * FROM surveys ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC`
    return (this.db.prepare(sql).all(...args) as Row[]).map((r) => ({
      id: r.id as string,
      customerId: r.customer_id as string,
      ticketId: (r.ticket_id as string | null) ?? null,
      csat: (r.csat as number | null) ?? null,
      nps: (r.nps as number | null) ?? null,
      ces: (r.ces as number | null) ?? null,
      comment: (r.comment as string | null) ?? null,
      at: r.at as string,
      createdBy: r.created_by as string,
    }))
  }

  // Tickets, audit, timers

  async getTicket(id: string): Promise<TicketRow | null> {
    const row = this.stmt('SELECT * FROM tickets WHERE id = ?').get(id) as Row | undefined
    return row ? toTicket(row) : null
  }

  async listTickets(filter: TicketFilter): Promise<TicketRow[]> {
    const where: string[] = []
    const args: unknown[] = []
    const eq = (col: string, v: unknown) => {
      where.push(`${col} = ?`)
      args.push(v)
    }
    if (filter.status) eq('status', filter.status)
    if (filter.assigneeId) eq('assignee_id', filter.assigneeId)
    if (filter.unassigned) where.push('assignee_id IS NULL')
    for (const clause of queueClauses(filter)) {
      where.push(clause.sql)
      args.push(...clause.args)
    }
    if (filter.queue) eq('queue', filter.queue)
    if (filter.channel) eq('channel', filter.channel)
    if (filter.sopId) eq('sop_id', filter.sopId)
    if (filter.customerId) eq('customer_id', filter.customerId)
    if (filter.step) {
      where.push('EXISTS (SELECT 1 FROM json_each(tickets.steps) WHERE value = ?)')
      args.push(filter.step)
    }
    if (filter.overdue) {
      where.push("status = 'open' AND due_at IS NOT NULL AND due_at <= ?")
      args.push(filter.now)
    }
    if (filter.search?.trim()) {
      const text = filter.search.trim()
      const like = `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`
      const digits = text.replace(/[^0-9]/g, '')
      // A ticket reference (T-1042) or its number finds the ticket.
      const number = /^#?(?:T-)?(\d{1,12})$/i.exec(text)?.[1]
      where.push(`(tickets.number = ? OR tickets.id LIKE ? ESCAPE '\\' OR subject LIKE ? ESCAPE '\\' OR EXISTS (
        SELECT 1 FROM customers c WHERE c.id = tickets.customer_id AND (
          c.name LIKE ? ESCAPE '\\' OR c.email LIKE ? ESCAPE '\\'
          OR (? != '' AND replace(replace(replace(replace(c.phone, ' ', ''), '-', ''), '+', ''), '.', '') LIKE ?))))`)
      args.push(number ? Number(number) : null, like, like, like, like, digits, `%${digits}%`)
    }
    const order = ORDERS[filter.sort ?? 'urgency']
    const sql = `SELECT * FROM tickets ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${order}
      LIMIT ? OFFSET ?`
    const orderArgs = (filter.sort ?? 'urgency') === 'urgency' ? [filter.now] : []
    return (this.db.prepare(sql).all(...args, ...orderArgs, filter.limit, filter.offset) as Row[]).map(
      toTicket,
    )
  }

  async commitTickets(units: TicketCommit[]): Promise<CommitOutcome[]> {
    const flat = units.map(flatten)
    const outcomes = this.writer ? await this.writer.commit(flat) : this.commitHere(flat)
    return outcomes.map((o) =>
      o.ok
        ? o
        : { ok: false, error: o.conflict ? new ConflictError(o.code, o.message) : new Error(o.message) },
    )
  }

  /**
   * A ticket's audit records, all or of some types. Reads by type go through the type index (the
   * planner would otherwise walk the whole history by primary key: a reply's notes on a ticket
   * of 10,000 records would cost milliseconds).
   */
  async getAudit(ticketId: string, types?: readonly AuditType[]): Promise<AuditRow[]> {
    if (types?.length === 1) {
      const rows = this.stmt(AUDIT_READS.oneType).all(ticketId, types[0]) as Row[]
      return rows.map(toAudit)
    }
    if (types) {
      const rows = this.stmt(AUDIT_READS.someTypes).all(ticketId, JSON.stringify(types)) as Row[]
      return rows.map(toAudit)
    }
    return (this.stmt('SELECT * FROM audit WHERE ticket_id = ? ORDER BY seq').all(ticketId) as Row[]).map(
      toAudit,
    )
  }

  async listTimers(ticketId: string): Promise<TimerRow[]> {
    return (this.stmt('SELECT * FROM timers WHERE ticket_id = ? ORDER BY due_at').all(ticketId) as Row[]).map(
      toTimer,
    )
  }

  async dueTimers(now: string, limit: number): Promise<TimerRow[]> {
    return (
      this.stmt('SELECT * FROM timers WHERE due_at <= ? ORDER BY due_at LIMIT ?').all(now, limit) as Row[]
    ).map(toTimer)
  }

  async nextTimerDue(): Promise<string | null> {
    const row = this.stmt('SELECT min(due_at) AS d FROM timers').get() as { d: string | null }
    return row.d
  }

  async getIdempotency(userId: string, key: string): Promise<IdempotencyRow | null> {
    const r = this.stmt('SELECT * FROM idempotency WHERE user_id = ? AND key = ?').get(userId, key) as
      | Row
      | undefined
    if (!r) return null
    return {
      userId: r.user_id as string,
      key: r.key as string,
      fingerprint: r.fingerprint as string,
      ticketId: (r.ticket_id as string | null) ?? null,
      status: r.status as number,
      createdAt: r.created_at as string,
    }
  }

  async ticketsForMetrics(filter: MetricsFilter): Promise<TicketRow[]> {
    const where: string[] = []
    const args: unknown[] = []
    if (filter.sopId) {
      where.push('t.sop_id = ?')
      args.push(filter.sopId)
    }
    if (filter.sopVersion) {
      where.push('t.sop_version = ?')
      args.push(filter.sopVersion)
    }
    if (filter.channel) {
      where.push('t.channel = ?')
      args.push(filter.channel)
    }
    if (filter.from) {
      where.push('t.created_at >= ?')
      args.push(filter.from)
    }
    if (filter.to) {
      where.push('t.created_at < ?')
      args.push(filter.to)
    }
    if (filter.team) {
      where.push('t.assignee_id IN (SELECT id FROM users WHERE team = ?)')
      args.push(filter.team)
    }
    const sql = `SELECT t.* FROM tickets t ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY t.created_at`
    return (this.db.prepare(sql).all(...args) as Row[]).map(toTicket)
  }

  async searchTickets(search: TicketSearch): Promise<TicketSearchResult> {
    const where: string[] = []
    const args: Record<string, unknown> = {}
    const eq = (col: string, name: string, v: unknown) => {
      if (v === undefined || v === '') return
      where.push(`${col} = @${name}`)
      args[name] = v
    }
    eq('t.sop_id', 'sop', search.sopId)
    eq('t.sop_version', 'version', search.sopVersion)
    eq('t.status', 'status', search.status)
    eq('t.outcome', 'outcome', search.outcome)
    eq('t.channel', 'channel', search.channel)
    eq('t.assignee_id', 'assignee', search.assigneeId)
    if (search.from) {
      where.push('t.created_at >= @from')
      args.from = search.from
    }
    if (search.to) {
      where.push('t.created_at < @to')
      args.to = search.to
    }
    const q = search.q?.trim()
    if (q) {
      args.like = `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`
      // A ticket reference (T-1042) or its number finds the ticket.
      const number = /^#?(?:T-)?(\d{1,12})$/i.exec(q)?.[1]
      args.number = number ? Number(number) : null
      where.push(`(t.number = @number OR t.id LIKE @like ESCAPE '\\' OR t.subject LIKE @like ESCAPE '\\'
        OR c.name LIKE @like ESCAPE '\\' OR c.phone LIKE @like ESCAPE '\\' OR c.email LIKE @like ESCAPE '\\'
        OR EXISTS (SELECT 1 FROM audit a WHERE a.ticket_id = t.id AND a.type = 'note'
                   AND json_extract(a.payload, '$.text') LIKE @like ESCAPE '\\'))`)
    }
    const from = `FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`
    const total = (this.db.prepare(`SELECT count(*) AS n ${from}`).get(args) as { n: number }).n
    const rows = this.db
      .prepare(
        `SELECT t.*, c.name AS customer_name ${from} ORDER BY t.created_at DESC, t.id LIMIT @limit OFFSET @offset`,
      )
      .all({ ...args, limit: search.limit, offset: search.offset }) as Row[]
    return {
      total,
      rows: rows.map((r) => ({ ...toTicket(r), customerName: (r.customer_name as string | null) ?? null })),
    }
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

  ledgerNode(level: number, index: number): Uint8Array {
    const hash = this.stmt('SELECT hash FROM ledger_nodes WHERE level = ? AND idx = ?')
      .pluck()
      .get(level, index) as Buffer | undefined
    if (!hash) throw new Error(`The ledger has no node ${level}/${index}`)
    return new Uint8Array(hash.buffer, hash.byteOffset, hash.byteLength)
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
    return row
      ? {
          size: row.size as number,
          root: row.root as string,
          timestamp: row.timestamp as string,
          keyId: row.key_id as string,
          signature: row.signature as string,
        }
      : null
  }

  async auditForTickets(ticketIds: string[]): Promise<Map<string, AuditRow[]>> {
    const out = new Map<string, AuditRow[]>()
    if (!ticketIds.length) return out
    const rows = this.db
      .prepare(
        'SELECT * FROM audit WHERE ticket_id IN (SELECT value FROM json_each(?)) ORDER BY ticket_id, seq',
      )
      .all(JSON.stringify(ticketIds)) as Row[]
    for (const r of rows) {
      const a = toAudit(r)
      const list = out.get(a.ticketId)
      if (list) list.push(a)
      else out.set(a.ticketId, [a])
    }
    return out
  }
}

function draftMeta(draft: Record<string, unknown>): { title: string; department: string; language: string } {
  const s = (v: unknown) => (typeof v === 'string' ? v : '')
  return {
    title: s(draft.title) || s(draft.id) || 'Untitled SOP',
    department: s(draft.department),
    language: s(draft.language),
  }
}

function toUser(r: Row): User {
  return {
    id: r.id as string,
    name: r.name as string,
    role: r.role as User['role'],
    team: (r.team as string | null) ?? null,
    createdAt: r.created_at as string,
    disabledAt: (r.disabled_at as string | null | undefined) ?? null,
  }
}

function toVersion(r: Row): SopVersion {
  return {
    sopId: r.sop_id as string,
    version: r.version as number,
    hash: r.hash as string,
    document: JSON.parse(r.document as string),
    text: r.document as string,
    publishedAt: r.published_at as string,
    publishedBy: r.published_by as string,
  }
}

export function toCustomer(r: Row): Customer {
  return {
    id: r.id as string,
    name: r.name as string,
    phone: (r.phone as string | null) ?? null,
    email: (r.email as string | null) ?? null,
    address: (r.address as string | null) ?? null,
    segment: (r.segment as Customer['segment']) ?? null,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  }
}

function toTicket(r: Row): TicketRow {
  return {
    id: r.id as string,
    sopId: r.sop_id as string,
    sopVersion: r.sop_version as number,
    sopHash: r.sop_hash as string,
    channel: r.channel as string,
    customerId: (r.customer_id as string | null) ?? null,
    subject: r.subject as string,
    status: r.status as TicketRow['status'],
    outcome: (r.outcome as string | null) ?? null,
    priority: r.priority as Priority,
    assigneeId: (r.assignee_id as string | null) ?? null,
    queue: (r.queue as string | null) ?? null,
    version: r.version as number,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
    closedAt: (r.closed_at as string | null) ?? null,
    dueAt: (r.due_at as string | null) ?? null,
    steps: readJson(r.steps) as string[],
    state: readJson(r.state) as TicketState,
    auditSeq: r.audit_seq as number,
    auditHead: (r.audit_head as string | null) ?? null,
    number: (r.number as number | null) ?? null,
  }
}

function toAudit(r: Row): AuditRow {
  return {
    ticketId: r.ticket_id as string,
    seq: r.seq as number,
    type: r.type as AuditType,
    at: r.at as string,
    actorId: r.actor_id as string,
    role: r.role as string,
    payload: readJson(r.payload),
    prevHash: (r.prev_hash as string | null) ?? null,
    hash: r.hash as string,
    leaf: (r.leaf as number | null) ?? null,
  }
}

/**
 * A JSON column as stored. Text that is not JSON (a damaged or tampered row) is kept as it is,
 * as the value `{ "unreadable": <text> }`, so that verification reports it instead of failing.
 */
function readJson(text: unknown): unknown {
  try {
    return JSON.parse(text as string)
  } catch {
    return { unreadable: String(text) }
  }
}

function toTimer(r: Row): TimerRow {
  return {
    ticketId: r.ticket_id as string,
    id: r.id as string,
    kind: r.kind as TimerRow['kind'],
    stepId: r.step_id as string,
    transitionId: (r.transition_id as string | null) ?? null,
    dueAt: r.due_at as string,
  }
}

/**
 * The writer thread (`writerWorker.mjs`): batches go to it in order and each reply comes once its
 * transaction has committed. If the thread dies, waiting and later commits fail: nothing is
 * acknowledged that was not written.
 */
class WriterThread {
  private readonly worker: Worker
  private readonly pending = new Map<
    number,
    { resolve: (o: FlatOutcome[]) => void; reject: (e: Error) => void }
  >()
  private nextId = 1
  private failure: Error | null = null

  constructor(path: string, autocheckpoint: number) {
    this.worker = new Worker(new URL('./writerWorker.mjs', import.meta.url), {
      workerData: { path, autocheckpoint },
    })
    this.worker.on('message', (m: { id?: number; outcomes?: FlatOutcome[]; error?: string }) => {
      if (m.id === undefined) return
      const p = this.pending.get(m.id)
      this.pending.delete(m.id)
      if (m.outcomes) p?.resolve(m.outcomes)
      else p?.reject(new Error(`The commit failed: ${m.error}`))
    })
    const fail = (error: Error) => {
      this.failure = error
      for (const p of this.pending.values()) p.reject(error)
      this.pending.clear()
    }
    this.worker.on('error', (e) => fail(new Error(`The writer thread failed: ${e.message}`)))
    this.worker.on('exit', () => fail(this.failure ?? new Error('The writer thread has stopped')))
  }

  commit(units: FlatCommit[]): Promise<FlatOutcome[]> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      const id = this.nextId++
      this.pending.set(id, { resolve, reject })
      this.worker.postMessage({ id, units })
    })
  }

  async stop(): Promise<void> {
    if (this.failure) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000)
      const done = () => {
        clearTimeout(timer)
        resolve()
      }
      this.worker.once('exit', done)
      this.worker.on('message', (m: { stopped?: boolean }) => {
        if (m.stopped) done()
      })
      // Queued batches are written first: the thread takes messages in order.
      this.worker.postMessage('stop')
    })
    this.failure = new Error('The storage is closed')
    await this.worker.terminate()
  }
}
