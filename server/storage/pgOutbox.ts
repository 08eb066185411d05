import { type Kysely, sql } from 'kysely'
import type {
  OutboxMark,
  OutboxMessage,
  OutboxRow,
  OutboxStatus,
  OutboxStore,
  WebhookSubscription,
} from '../outbox/outbox.ts'
import { toMessage, toSubscription } from './outboxRows.ts'

/**
 * The outbox on PostgreSQL. Messages are leased with `FOR UPDATE SKIP LOCKED`, so servers sharing
 * the database never take the same message; subscriptions are read from the database each time
 * (no process-local cache that another server's change would leave stale).
 */
export class PgOutbox implements OutboxStore {
  constructor(private readonly db: Kysely<any>) {}

  async enqueue(rows: OutboxRow[]): Promise<void> {
    if (!rows.length) return
    await this.db
      .insertInto('outbox')
      .values(
        rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          ticket_id: r.ticketId,
          event: r.event,
          target: r.target,
          subscription_id: r.subscriptionId,
          payload: JSON.stringify(r.payload),
          next_at: r.nextAt,
          created_at: r.createdAt,
        })),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .execute()
  }

  async lease(now: string, leaseUntil: string, limit: number): Promise<OutboxMessage[]> {
    const r = await sql<
      Record<string, unknown>
    >`UPDATE outbox SET status = 'sending', lease_until = ${leaseUntil},
        attempts = attempts + 1
      WHERE id IN (SELECT id FROM outbox WHERE (status = 'queued' AND next_at <= ${now})
        OR (status = 'sending' AND lease_until <= ${now}) ORDER BY next_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING *`.execute(this.db)
    return r.rows.map(toMessage).sort((a, b) => a.nextAt.localeCompare(b.nextAt))
  }

  /**
   * At a start, frees only the leases that have lapsed: the database is shared, so a message still
   * leased may be in the hands of another live server right now.
   */
  async release(now: string): Promise<number> {
    const r = await this.db
      .updateTable('outbox')
      .set({ status: 'queued', lease_until: null, next_at: now })
      .where('status', '=', 'sending')
      .where('lease_until', '<=', now)
      .executeTakeFirst()
    return Number(r.numUpdatedRows)
  }

  async record(marks: OutboxMark[]): Promise<void> {
    if (!marks.length) return
    await this.db.transaction().execute(async (trx) => {
      for (const m of marks) {
        const q = trx.updateTable('outbox').where('id', '=', m.id)
        if (m.outcome === 'sent')
          await q
            .set({
              status: 'sent',
              sent_at: m.at,
              lease_until: null,
              last_status: m.status,
              last_error: null,
            })
            .execute()
        else if (m.outcome === 'retry')
          await q
            .set({
              status: 'queued',
              next_at: m.nextAt,
              lease_until: null,
              last_error: m.error,
              last_status: m.status,
            })
            .execute()
        else
          await q
            .set({ status: 'failed', lease_until: null, last_error: m.error, last_status: m.status })
            .execute()
      }
    })
  }

  async retry(id: string, now: string): Promise<boolean> {
    const r = await this.db
      .updateTable('outbox')
      .set({ status: 'queued', next_at: now, attempts: 0, created_at: now })
      .where('id', '=', id)
      .where('status', '=', 'failed')
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  async get(id: string): Promise<OutboxMessage | null> {
    const r = await this.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst()
    return r ? toMessage(r) : null
  }

  async list(filter: { status?: OutboxStatus; subscriptionId?: string; limit: number; offset: number }) {
    let q = this.db.selectFrom('outbox').selectAll()
    if (filter.status) q = q.where('status', '=', filter.status)
    if (filter.subscriptionId) q = q.where('subscription_id', '=', filter.subscriptionId)
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute()
    return rows.map(toMessage)
  }

  async counts(): Promise<Record<OutboxStatus, number>> {
    const out: Record<OutboxStatus, number> = { queued: 0, sending: 0, sent: 0, failed: 0 }
    const rows = await this.db
      .selectFrom('outbox')
      .select(['status', (e) => e.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute()
    for (const r of rows) out[r.status as OutboxStatus] = Number(r.n)
    return out
  }

  async nextDue(): Promise<string | null> {
    const r = await this.db
      .selectFrom('outbox')
      .select((e) => e.fn.min('next_at').as('t'))
      .where('status', '=', 'queued')
      .executeTakeFirst()
    return r?.t ?? null
  }

  async saveSubscription(s: WebhookSubscription): Promise<void> {
    const row = {
      id: s.id,
      url: s.url,
      events: JSON.stringify(s.events),
      sop_id: s.sopId,
      secret: s.secret,
      previous_secret: s.previousSecret,
      previous_until: s.previousUntil,
      allow_private: s.allowPrivate ? 1 : 0,
      active: s.active ? 1 : 0,
      created_at: s.createdAt,
      created_by: s.createdBy,
    }
    const { id: _id, ...change } = row
    await this.db
      .insertInto('webhook_subscriptions')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(change))
      .execute()
  }

  async getSubscription(id: string): Promise<WebhookSubscription | null> {
    const r = await this.db
      .selectFrom('webhook_subscriptions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return r ? toSubscription(r) : null
  }

  async subscriptions(): Promise<WebhookSubscription[]> {
    return (await this.listSubscriptions()).filter((s) => s.active)
  }

  async listSubscriptions(): Promise<WebhookSubscription[]> {
    const rows = await this.db
      .selectFrom('webhook_subscriptions')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    return rows.map(toSubscription)
  }
}
