import type { Kysely } from 'kysely'
import { type Notice, type NoticeStore, toNotice } from '../notifications/notifications.ts'

/** The notices (the bell) and e-mail settings on PostgreSQL. */
export class PgNotices implements NoticeStore {
  constructor(private readonly db: Kysely<any>) {}

  async add(n: Notice): Promise<boolean> {
    const r = await this.db
      .insertInto('notifications')
      .values({
        id: n.id,
        user_id: n.userId,
        ticket_id: n.ticketId,
        kind: n.kind,
        params: JSON.stringify(n.params),
        created_at: n.createdAt,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst()
    return Number(r.numInsertedOrUpdatedRows) === 1
  }

  async list(userId: string, limit: number): Promise<Notice[]> {
    const rows = await this.db
      .selectFrom('notifications')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute()
    return rows.map(toNotice)
  }

  async unread(userId: string): Promise<number> {
    const r = await this.db
      .selectFrom('notifications')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirst()
    return Number(r?.n ?? 0)
  }

  async markRead(userId: string, ids: string[] | null, now: string): Promise<number> {
    let q = this.db
      .updateTable('notifications')
      .set({ read_at: now })
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
    if (ids !== null) {
      if (!ids.length) return 0
      q = q.where('id', 'in', ids)
    }
    return Number((await q.executeTakeFirst()).numUpdatedRows)
  }

  async settings(userId: string): Promise<{ email: string | null; emailOn: boolean }> {
    const r = await this.db
      .selectFrom('notification_settings')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirst()
    return { email: r?.email ?? null, emailOn: r ? r.email_on === 1 : true }
  }

  async saveSettings(userId: string, s: { email: string | null; emailOn: boolean }): Promise<void> {
    const row = { user_id: userId, email: s.email, email_on: s.emailOn ? 1 : 0 }
    await this.db
      .insertInto('notification_settings')
      .values(row)
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ email: row.email, email_on: row.email_on }))
      .execute()
  }
}
