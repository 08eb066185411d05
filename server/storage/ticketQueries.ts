import { type Kysely, type RawBuilder, sql } from 'kysely'
import { toAudit, toCustomer, toSurvey, toTicket } from './rows.ts'
import { containing, type SqlDialect } from './sqlDialect.ts'
import type {
  AuditRow,
  AuditType,
  Customer,
  MetricsFilter,
  Survey,
  TicketFilter,
  TicketRow,
  TicketSearch,
  TicketSearchResult,
  TicketSort,
} from './types.ts'
import { queueClauses } from './workQueueClauses.ts'

/** The ticket list orders (see `TicketFilter.sort`); null deadlines last, explicitly. */
function orderOf(sort: TicketSort, now: string): RawBuilder<unknown> {
  switch (sort) {
    case 'due':
      return sql`due_at IS NULL, due_at, priority_rank DESC, created_at`
    case 'priority':
      return sql`priority_rank DESC, due_at IS NULL, due_at, created_at`
    case 'created':
      return sql`created_at DESC, id`
    default:
      // Most urgent first: overdue, then priority, then nearest deadline, then oldest.
      return sql`(status = 'open') DESC, (due_at IS NOT NULL AND due_at <= ${now}) DESC, priority_rank DESC,
        due_at IS NULL, due_at, created_at`
  }
}

/** A ticket reference (T-1042, #1042) or a bare number finds the ticket with that number. */
const numberIn = (text: string): number | null => {
  const n = /^#?(?:T-)?(\d{1,12})$/i.exec(text)?.[1]
  return n ? Number(n) : null
}

/**
 * The queries that filter, search and list tickets, audit records, customers and surveys, written
 * once for both databases; `dialect` supplies what differs (./sqlDialect.ts).
 */
export class TicketQueries {
  constructor(
    private readonly db: Kysely<any>,
    private readonly d: SqlDialect,
  ) {}

  async listTickets(filter: TicketFilter): Promise<TicketRow[]> {
    const d = this.d
    let q = this.db.selectFrom('tickets').selectAll()
    if (filter.status) q = q.where('status', '=', filter.status)
    if (filter.assigneeId) q = q.where('assignee_id', '=', filter.assigneeId)
    if (filter.unassigned) q = q.where('assignee_id', 'is', null)
    for (const clause of queueClauses(d, filter)) q = q.where(clause)
    if (filter.queue) q = q.where('queue', '=', filter.queue)
    if (filter.channel) q = q.where('channel', '=', filter.channel)
    if (filter.sopId) q = q.where('sop_id', '=', filter.sopId)
    if (filter.customerId) q = q.where('customer_id', '=', filter.customerId)
    const step = filter.step
    if (step)
      q = q.where(sql<boolean>`EXISTS (SELECT 1 FROM ${d.elements(sql.ref('tickets.steps'), 's')}
        WHERE s.value = ${step})`)
    if (filter.overdue)
      q = q.where('status', '=', 'open').where('due_at', 'is not', null).where('due_at', '<=', filter.now)
    const text = filter.search?.trim()
    if (text) {
      const like = containing(text)
      const digits = phoneDigits(text)
      const phone = sql`replace(replace(replace(replace(c.phone, ' ', ''), '-', ''), '+', ''), '.', '')`
      q = q.where(
        sql<boolean>`(tickets.number = ${numberIn(text)} OR ${d.like(sql.ref('tickets.id'), like)}
          OR ${d.like(sql.ref('subject'), like)} OR EXISTS (
          SELECT 1 FROM customers c WHERE c.id = tickets.customer_id AND (
            ${d.like(sql.ref('c.name'), like)} OR ${d.like(sql.ref('c.email'), like)}
            OR (${digits} <> '' AND ${phone} LIKE ${`%${digits}%`}))))`,
      )
    }
    const rows = await q
      .orderBy(orderOf(filter.sort ?? 'urgency', filter.now))
      .limit(filter.limit)
      .offset(filter.offset)
      .execute()
    return rows.map(toTicket)
  }

  async ticketsForMetrics(filter: MetricsFilter): Promise<TicketRow[]> {
    let q = this.db.selectFrom('tickets as t').selectAll('t')
    if (filter.sopId) q = q.where('t.sop_id', '=', filter.sopId)
    if (filter.sopVersion) q = q.where('t.sop_version', '=', filter.sopVersion)
    if (filter.channel) q = q.where('t.channel', '=', filter.channel)
    if (filter.from) q = q.where('t.created_at', '>=', filter.from)
    if (filter.to) q = q.where('t.created_at', '<', filter.to)
    const team = filter.team
    if (team)
      q = q.where('t.assignee_id', 'in', this.db.selectFrom('users').select('id').where('team', '=', team))
    return (await q.orderBy('t.created_at').orderBy('t.id').execute()).map(toTicket)
  }

  async searchTickets(search: TicketSearch): Promise<TicketSearchResult> {
    const d = this.d
    let q = this.db.selectFrom('tickets as t').leftJoin('customers as c', 'c.id', 't.customer_id')
    const eq = (col: string, v: unknown) => {
      if (v !== undefined && v !== '') q = q.where(col, '=', v)
    }
    eq('t.sop_id', search.sopId)
    eq('t.sop_version', search.sopVersion)
    eq('t.status', search.status)
    eq('t.outcome', search.outcome)
    eq('t.channel', search.channel)
    eq('t.assignee_id', search.assigneeId)
    if (search.from) q = q.where('t.created_at', '>=', search.from)
    if (search.to) q = q.where('t.created_at', '<', search.to)
    const text = search.q?.trim()
    if (text) {
      const like = containing(text)
      const matches = ['t.id', 't.subject', 'c.name', 'c.phone', 'c.email'].map((c) =>
        d.like(sql.ref(c), like),
      )
      q = q.where(
        sql<boolean>`(t.number = ${numberIn(text)} OR ${sql.join(matches, sql` OR `)}
          OR EXISTS (SELECT 1 FROM audit a WHERE a.ticket_id = t.id AND a.type = 'note'
            AND ${d.like(d.member(sql.ref('a.payload'), 'text'), like)}))`,
      )
    }
    const counted = await q.select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const rows = await q
      .selectAll('t')
      .select('c.name as customer_name')
      .orderBy('t.created_at', 'desc')
      .orderBy('t.id')
      .limit(search.limit)
      .offset(search.offset)
      .execute()
    return {
      total: Number(counted.n),
      rows: rows.map((r) => ({ ...toTicket(r), customerName: r.customer_name ?? null })),
    }
  }

  /** A ticket's audit records, all or of some types (SQLite reads them through its type index instead). */
  async getAudit(ticketId: string, types?: readonly AuditType[]): Promise<AuditRow[]> {
    let q = this.db.selectFrom('audit').selectAll().where('ticket_id', '=', ticketId)
    if (types) {
      if (!types.length) return []
      q = q.where('type', 'in', [...types])
    }
    return (await q.orderBy('seq').execute()).map(toAudit)
  }

  async auditForTickets(ticketIds: string[]): Promise<Map<string, AuditRow[]>> {
    const out = new Map<string, AuditRow[]>()
    if (!ticketIds.length) return out
    const rows = await this.db
      .selectFrom('audit')
      .selectAll()
      .where(this.d.oneOf(sql.ref('ticket_id'), ticketIds))
      .orderBy('ticket_id')
      .orderBy('seq')
      .execute()
    for (const r of rows) {
      const a = toAudit(r)
      const list = out.get(a.ticketId)
      if (list) list.push(a)
      else out.set(a.ticketId, [a])
    }
    return out
  }

  async listSurveys(filter: {
    customerId?: string
    ticketIds?: string[]
    from?: string
    to?: string
  }): Promise<Survey[]> {
    let q = this.db.selectFrom('surveys').selectAll()
    if (filter.customerId) q = q.where('customer_id', '=', filter.customerId)
    if (filter.ticketIds) {
      if (!filter.ticketIds.length) return []
      q = q.where(this.d.oneOf(sql.ref('ticket_id'), filter.ticketIds))
    }
    if (filter.from) q = q.where('at', '>=', filter.from)
    if (filter.to) q = q.where('at', '<', filter.to)
    return (await q.orderBy('at', 'desc').execute()).map(toSurvey)
  }

  async searchCustomers(text: string | null, limit: number): Promise<Customer[]> {
    let q = this.db.selectFrom('customers').selectAll()
    if (text) {
      const like = containing(text)
      const d = this.d
      q = q
        .where(
          sql<boolean>`(${sql.join(
            ['name', 'phone', 'email'].map((c) => d.like(sql.ref(c), like)),
            sql` OR `,
          )})`,
        )
        .orderBy('name')
    } else q = q.orderBy('updated_at', 'desc')
    return (await q.limit(limit).execute()).map(toCustomer)
  }

  async createCustomer(c: Customer): Promise<void> {
    await this.db.insertInto('customers').values(customerRow(c)).execute()
  }

  async updateCustomer(c: Customer): Promise<void> {
    const { id: _id, created_at: _created, ...change } = customerRow(c)
    await this.db.updateTable('customers').set(change).where('id', '=', c.id).execute()
  }

  async getCustomer(id: string): Promise<Customer | null> {
    const row = await this.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? toCustomer(row) : null
  }

  async addSurvey(s: Survey): Promise<void> {
    await this.db
      .insertInto('surveys')
      .values({
        id: s.id,
        customer_id: s.customerId,
        ticket_id: s.ticketId,
        csat: s.csat,
        nps: s.nps,
        ces: s.ces,
        comment: s.comment,
        at: s.at,
        created_by: s.createdBy,
      })
      .execute()
  }
}

function customerRow(c: Customer) {
  return {
    id: c.id,
    name: c.name,
    phone: c.phone,
    email: c.email,
    address: c.address,
    segment: c.segment,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  }
}

/**
 * The digits of a search text that is written like a phone number (digits, spaces, `+`, `-`, `.`,
 * brackets, at least three digits), or '' for any other text: "T-1042 card" or a ticket id's
 * letters and digits must not match a phone number that happens to hold the same digits.
 */
export function phoneDigits(text: string): string {
  if (!/^[0-9+\-. ()]+$/.test(text)) return ''
  const digits = text.replace(/[^0-9]/g, '')
  return digits.length >= 3 ? digits : ''
}
