import { availableParallelism } from 'node:os'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { PgAccess } from './pgAccess.ts'
import { PgChannelStore, PgTicketNumbers } from './pgChannels.ts'
import { commitBatchPg } from './pgCommit.ts'
import { PgNotices } from './pgNotices.ts'
import { PgCalendars, PgTeams } from './pgOrganisation.ts'
import { PgOutbox } from './pgOutbox.ts'
import { migratePg } from './pgSchema.ts'
import { PgSops } from './pgSops.ts'
import { refused } from './refused.ts'
import { flatten, type Row, toAudit, toIdempotency, toTicket, toTimer, toTreeHead, toUser } from './rows.ts'
import { postgresDialect } from './sqlDialect.ts'
import { TicketQueries } from './ticketQueries.ts'
import {
  type CommitOutcome,
  ConflictError,
  type Customer,
  type Storage,
  type TicketCommit,
  type User,
} from './types.ts'

/** bigint (counts, sequence numbers, ledger indexes) as a number, like SQLite returns it. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

/**
 * The storage on a PostgreSQL server, for several sopflow servers on one database. Ordinary
 * queries go through Kysely; the commit batch is hand-written SQL (./pgCommit.ts). Connections
 * are pooled, sized for the machine; every connection commits synchronously.
 */
export class PgStorage implements Storage {
  readonly kind = 'postgres'
  readonly file = null
  readonly pool: pg.Pool
  readonly db: Kysely<any>
  readonly access: PgAccess
  readonly teams: PgTeams
  readonly calendars: PgCalendars
  readonly channels: PgChannelStore
  readonly ticketNumbers: PgTicketNumbers
  readonly outbox: PgOutbox
  readonly notices: PgNotices
  private readonly queries: TicketQueries
  private readonly sops: PgSops
  private closed = false

  private constructor(url: string, poolSize?: number) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: poolSize ?? Math.max(4, availableParallelism() * 2),
      options: '-c synchronous_commit=on',
      types,
    })
    this.pool.on('error', () => {})
    this.db = new Kysely<any>({ dialect: new PostgresDialect({ pool: this.pool }) })
    this.access = new PgAccess(this.db)
    this.teams = new PgTeams(this.db)
    this.calendars = new PgCalendars(this.db)
    this.channels = new PgChannelStore(this.db)
    this.ticketNumbers = new PgTicketNumbers(this.db)
    this.outbox = new PgOutbox(this.db)
    this.notices = new PgNotices(this.db)
    this.queries = new TicketQueries(this.db, postgresDialect)
    this.sops = new PgSops(this.db)
  }

  /** Connects and applies the migrations the database has not seen (once, under an advisory lock). */
  static async open(url: string, options: { poolSize?: number } = {}): Promise<PgStorage> {
    const storage = new PgStorage(url, options.poolSize)
    const client = await storage.pool.connect()
    try {
      await migratePg(client)
    } finally {
      client.release()
    }
    return storage
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.db.destroy()
  }

  // Users and tokens

  async countUsers(): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirst()
    return Number(r?.n ?? 0)
  }

  async createUser(user: User, tokenHash: string, tokenLabel: string): Promise<User> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('users')
        .values({
          id: user.id,
          name: user.name,
          role: user.role,
          team: user.team,
          created_at: user.createdAt,
        })
        .execute()
      await trx
        .insertInto('tokens')
        .values({ hash: tokenHash, user_id: user.id, label: tokenLabel, created_at: user.createdAt })
        .execute()
    })
    return user
  }

  async addToken(userId: string, tokenHash: string, label: string, now: string): Promise<void> {
    await this.db
      .insertInto('tokens')
      .values({ hash: tokenHash, user_id: userId, label, created_at: now })
      .execute()
  }

  async getUser(id: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? toUser(row) : null
  }

  async listUsers(): Promise<User[]> {
    return (await this.db.selectFrom('users').selectAll().orderBy('name').execute()).map(toUser)
  }

  // SOPs (./pgSops.ts)
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

  // Customers and surveys

  readonly createCustomer: Storage['createCustomer'] = (c) => this.queries.createCustomer(c)
  readonly updateCustomer: Storage['updateCustomer'] = (c) => this.queries.updateCustomer(c)
  readonly getCustomer: Storage['getCustomer'] = (id) => this.queries.getCustomer(id)
  readonly addSurvey: Storage['addSurvey'] = (s) => this.queries.addSurvey(s)

  searchCustomers(q: string | null, limit: number): Promise<Customer[]> {
    return this.queries.searchCustomers(q, limit)
  }

  readonly listSurveys: Storage['listSurveys'] = (f) => this.queries.listSurveys(f)

  // Tickets, audit, timers

  async getTicket(id: string) {
    const row = await this.db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? toTicket(row) : null
  }

  readonly listTickets: Storage['listTickets'] = (f) => this.queries.listTickets(f)
  readonly searchTickets: Storage['searchTickets'] = (s) => this.queries.searchTickets(s)
  readonly ticketsForMetrics: Storage['ticketsForMetrics'] = (f) => this.queries.ticketsForMetrics(f)
  readonly auditForTickets: Storage['auditForTickets'] = (ids) => this.queries.auditForTickets(ids)
  readonly getAudit: Storage['getAudit'] = (id, types) => this.queries.getAudit(id, types)

  async commitTickets(units: TicketCommit[]): Promise<CommitOutcome[]> {
    if (this.closed) throw new Error('The storage is closed')
    const client = await this.pool.connect()
    try {
      const outcomes = await commitBatchPg(client, units.map(flatten))
      return outcomes.map((o, i) =>
        o.ok
          ? o
          : { ok: false, error: o.conflict ? new ConflictError(o.code, o.message) : refused(o, units[i]) },
      )
    } finally {
      client.release()
    }
  }

  async listTimers(ticketId: string) {
    const rows = await this.db
      .selectFrom('timers')
      .selectAll()
      .where('ticket_id', '=', ticketId)
      .orderBy('due_at')
      .orderBy('id')
      .execute()
    return rows.map(toTimer)
  }

  async dueTimers(now: string, limit: number) {
    const rows = await this.db
      .selectFrom('timers')
      .selectAll()
      .where('due_at', '<=', now)
      .orderBy('due_at')
      .limit(limit)
      .execute()
    return rows.map(toTimer)
  }

  async claimTimers(now: string, leaseUntil: string, limit: number) {
    // Rows another server is claiming are skipped, not waited for: each timer goes to one claim.
    const r = await sql<Row>`UPDATE timers SET lease_until = ${leaseUntil} WHERE (ticket_id, id) IN (
        SELECT ticket_id, id FROM timers WHERE due_at <= ${now} AND (lease_until IS NULL OR lease_until <= ${now})
        ORDER BY due_at LIMIT ${limit} FOR UPDATE SKIP LOCKED) RETURNING *`.execute(this.db)
    return r.rows.map(toTimer).sort((a, b) => a.dueAt.localeCompare(b.dueAt))
  }

  async releaseTimerLeases(): Promise<number> {
    const r = await this.db
      .updateTable('timers')
      .set({ lease_until: null })
      .where('lease_until', 'is not', null)
      .executeTakeFirst()
    return Number(r.numUpdatedRows)
  }

  async nextTimerDue(): Promise<string | null> {
    const r = await this.db
      .selectFrom('timers')
      .select((e) => e.fn.min('due_at').as('d'))
      .executeTakeFirst()
    return r?.d ?? null
  }

  async getIdempotency(userId: string, key: string) {
    const r = await this.db
      .selectFrom('idempotency')
      .selectAll()
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .executeTakeFirst()
    return r ? toIdempotency(r) : null
  }

  async ticketPriorityRank(id: string): Promise<number | null> {
    const r = await this.db
      .selectFrom('tickets')
      .select('priority_rank')
      .where('id', '=', id)
      .executeTakeFirst()
    return r?.priority_rank ?? null
  }

  // The ledger

  async ledgerSize(): Promise<number> {
    const r = await this.db
      .selectFrom('ledger_nodes')
      .select((e) => e.fn.max('idx').as('m'))
      .where('level', '=', 0)
      .executeTakeFirst()
    return r?.m === null || r?.m === undefined ? 0 : Number(r.m) + 1
  }

  async ledgerNodes(nodes: readonly (readonly [number, number])[]): Promise<Uint8Array[]> {
    if (!nodes.length) return []
    const rows = await this.db
      .selectFrom('ledger_nodes')
      .select(['level', 'idx', 'hash'])
      .where((e) => e.or(nodes.map(([l, i]) => e.and([e('level', '=', l), e('idx', '=', i)]))))
      .execute()
    const found = new Map(rows.map((r) => [`${r.level}/${r.idx}`, r.hash as Buffer]))
    return nodes.map(([level, index]) => {
      const h = found.get(`${level}/${index}`)
      if (!h) throw new Error(`The ledger has no node ${level}/${index}`)
      return new Uint8Array(h.buffer, h.byteOffset, h.byteLength)
    })
  }

  async ledgerRecord(leaf: number) {
    const row = await this.db.selectFrom('audit').selectAll().where('leaf', '=', leaf).executeTakeFirst()
    return row ? toAudit(row) : null
  }

  async saveTreeHead(h: { size: number; root: string; timestamp: string; keyId: string; signature: string }) {
    await this.db
      .insertInto('ledger_heads')
      .values({ size: h.size, root: h.root, timestamp: h.timestamp, key_id: h.keyId, signature: h.signature })
      .onConflict((oc) => oc.column('size').doNothing())
      .execute()
  }

  async treeHead(size?: number) {
    let q = this.db.selectFrom('ledger_heads').selectAll()
    q = size === undefined ? q.orderBy('size', 'desc').limit(1) : q.where('size', '=', size)
    const row = await q.executeTakeFirst()
    return row ? toTreeHead(row as Row) : null
  }
}
