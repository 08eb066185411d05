import type Database from 'better-sqlite3'
import type {
  OutboxMark,
  OutboxMessage,
  OutboxRow,
  OutboxStatus,
  OutboxStore,
  WebhookSubscription,
} from '../outbox/outbox.ts'
import { toMessage, toSubscription } from './outboxRows.ts'

type Row = Record<string, unknown>

/**
 * The outbox in SQLite. Rows arrive in the same transaction as the ticket operation that causes
 * them (commitBatch.mjs); this class reads them and records each delivery attempt.
 */
export class SqliteOutbox implements OutboxStore {
  private readonly stmts = new Map<string, Database.Statement>()
  private cached: WebhookSubscription[] | null = null

  constructor(readonly db: Database.Database) {}

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.stmts.set(sql, s)
    }
    return s
  }

  async enqueue(rows: OutboxRow[]): Promise<void> {
    const insert =
      this.stmt(`INSERT OR IGNORE INTO outbox (id, kind, ticket_id, event, target, subscription_id, payload,
      next_at, created_at) VALUES (@id, @kind, @ticketId, @event, @target, @subscriptionId, @payload, @nextAt, @createdAt)`)
    const write = () => {
      for (const r of rows) insert.run({ ...r, payload: JSON.stringify(r.payload) })
    }
    if (this.db.inTransaction) write()
    else this.db.transaction(write)()
  }

  async lease(now: string, leaseUntil: string, limit: number): Promise<OutboxMessage[]> {
    return this.db
      .transaction(() => {
        const rows = this.stmt(`SELECT * FROM outbox WHERE (status = 'queued' AND next_at <= ?)
          OR (status = 'sending' AND lease_until <= ?) ORDER BY next_at LIMIT ?`).all(
          now,
          now,
          limit,
        ) as Row[]
        const take = this.stmt(
          `UPDATE outbox SET status = 'sending', lease_until = ?, attempts = attempts + 1 WHERE id = ?`,
        )
        for (const r of rows) take.run(leaseUntil, r.id)
        return rows.map((r) => ({
          ...toMessage(r),
          status: 'sending' as const,
          leaseUntil,
          attempts: (r.attempts as number) + 1,
        }))
      })
      .immediate()
  }

  async release(now: string): Promise<number> {
    return this.stmt(
      `UPDATE outbox SET status = 'queued', lease_until = NULL, next_at = ? WHERE status = 'sending'`,
    ).run(now).changes
  }

  async record(marks: OutboxMark[]): Promise<void> {
    if (!marks.length) return
    this.db
      .transaction(() => {
        for (const m of marks) {
          if (m.outcome === 'sent') this.markSent(m.id, m.at, m.status)
          else if (m.outcome === 'retry') this.markRetry(m.id, m.nextAt, m.error, m.status)
          else this.markFailed(m.id, m.error, m.status)
        }
      })
      .immediate()
  }

  private markSent(id: string, now: string, status: number | null): void {
    this.stmt(`UPDATE outbox SET status = 'sent', sent_at = ?, lease_until = NULL, last_status = ?,
      last_error = NULL WHERE id = ?`).run(now, status, id)
  }

  private markRetry(id: string, nextAt: string, error: string, status: number | null): void {
    this.stmt(`UPDATE outbox SET status = 'queued', next_at = ?, lease_until = NULL, last_error = ?,
      last_status = ? WHERE id = ?`).run(nextAt, error, status, id)
  }

  private markFailed(id: string, error: string, status: number | null): void {
    this.stmt(`UPDATE outbox SET status = 'failed', lease_until = NULL, last_error = ?, last_status = ?
      WHERE id = ?`).run(error, status, id)
  }

  async retry(id: string, now: string): Promise<boolean> {
    return (
      this.stmt(`UPDATE outbox SET status = 'queued', next_at = ?, attempts = 0, created_at = ?
        WHERE id = ? AND status = 'failed'`).run(now, now, id).changes === 1
    )
  }

  async get(id: string): Promise<OutboxMessage | null> {
    const r = this.stmt('SELECT * FROM outbox WHERE id = ?').get(id) as Row | undefined
    return r ? toMessage(r) : null
  }

  async list(filter: {
    status?: OutboxStatus
    subscriptionId?: string
    limit: number
    offset: number
  }): Promise<OutboxMessage[]> {
    const where: string[] = []
    const args: unknown[] = []
    if (filter.status) {
      where.push('status = ?')
      args.push(filter.status)
    }
    if (filter.subscriptionId) {
      where.push('subscription_id = ?')
      args.push(filter.subscriptionId)
    }
    const sql = `SELECT * FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id LIMIT ? OFFSET ?`
    return (this.db.prepare(sql).all(...args, filter.limit, filter.offset) as Row[]).map(toMessage)
  }

  async counts(): Promise<Record<OutboxStatus, number>> {
    const out: Record<OutboxStatus, number> = { queued: 0, sending: 0, sent: 0, failed: 0 }
    for (const r of this.stmt('SELECT status, count(*) AS n FROM outbox GROUP BY status').all() as Row[])
      out[r.status as OutboxStatus] = r.n as number
    return out
  }

  async nextDue(): Promise<string | null> {
    const r = this.stmt(`SELECT min(next_at) AS t FROM outbox WHERE status = 'queued'`).get() as Row
    return (r.t as string | null) ?? null
  }

  async saveSubscription(s: WebhookSubscription): Promise<void> {
    this.stmt(`INSERT OR REPLACE INTO webhook_subscriptions (id, url, events, sop_id, secret, previous_secret,
      previous_until, allow_private, active, created_at, created_by) VALUES (@id, @url, @events, @sopId, @secret,
      @previousSecret, @previousUntil, @allowPrivate, @active, @createdAt, @createdBy)`).run({
      ...s,
      events: JSON.stringify(s.events),
      allowPrivate: s.allowPrivate ? 1 : 0,
      active: s.active ? 1 : 0,
    })
    this.cached = null
  }

  async getSubscription(id: string): Promise<WebhookSubscription | null> {
    const r = this.stmt('SELECT * FROM webhook_subscriptions WHERE id = ?').get(id) as Row | undefined
    return r ? toSubscription(r) : null
  }

  async subscriptions(): Promise<WebhookSubscription[]> {
    this.cached ??= (await this.listSubscriptions()).filter((s) => s.active)
    return this.cached
  }

  async listSubscriptions(): Promise<WebhookSubscription[]> {
    return (this.stmt('SELECT * FROM webhook_subscriptions ORDER BY created_at, id').all() as Row[]).map(
      toSubscription,
    )
  }
}
