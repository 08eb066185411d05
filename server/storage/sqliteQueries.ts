import { type Row, toAudit, toSurvey, toTicket } from './rows.ts'
import { SqliteStatements } from './sqliteStatements.ts'
import { queueClauses } from './sqliteWorkQueues.ts'
import type {
  AuditRow,
  AuditType,
  MetricsFilter,
  Survey,
  TicketFilter,
  TicketRow,
  TicketSearch,
  TicketSearchResult,
  TicketSort,
} from './types.ts'

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

/** The SQLite queries that filter, search and list tickets, audit records and surveys. */
export class SqliteQueries extends SqliteStatements {
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
    return (this.db.prepare(sql).all(...args) as Row[]).map(toSurvey)
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
    const sql = `SELECT t.* FROM tickets t ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY t.created_at, t.id`
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
}
