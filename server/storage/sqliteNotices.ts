import type Database from 'better-sqlite3'
import { type Notice, type NoticeStore, type Row, toNotice } from '../notifications/notifications.ts'

/** The team's notices (the bell) and each user's e-mail setting, in SQLite. */
export class SqliteNotices implements NoticeStore {
  constructor(private readonly db: Database.Database) {}

  /** Adds a notice once: the same id again (a delivery repeated after a crash) changes nothing. */
  async add(n: Notice): Promise<boolean> {
    return (
      this.db
        .prepare(`INSERT OR IGNORE INTO notifications (id, user_id, ticket_id, kind, params, created_at)
          VALUES (?, ?, ?, ?, ?, ?)`)
        .run(n.id, n.userId, n.ticketId, n.kind, JSON.stringify(n.params), n.createdAt).changes === 1
    )
  }

  async list(userId: string, limit: number): Promise<Notice[]> {
    return (
      this.db
        .prepare('SELECT * FROM notifications WHERE user_id = ? ORDER BY created_at DESC, id LIMIT ?')
        .all(userId, limit) as Row[]
    ).map(toNotice)
  }

  async unread(userId: string): Promise<number> {
    return (
      this.db
        .prepare('SELECT count(*) AS n FROM notifications WHERE user_id = ? AND read_at IS NULL')
        .get(userId) as { n: number }
    ).n
  }

  /** Marks these notices (or all) of the user read. */
  async markRead(userId: string, ids: string[] | null, now: string): Promise<number> {
    if (ids === null)
      return this.db
        .prepare('UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL')
        .run(now, userId).changes
    const stmt = this.db.prepare(
      'UPDATE notifications SET read_at = ? WHERE user_id = ? AND id = ? AND read_at IS NULL',
    )
    let n = 0
    for (const id of ids) n += stmt.run(now, userId, id).changes
    return n
  }

  async settings(userId: string): Promise<{ email: string | null; emailOn: boolean }> {
    const r = this.db.prepare('SELECT * FROM notification_settings WHERE user_id = ?').get(userId) as
      | Row
      | undefined
    return { email: (r?.email as string | null) ?? null, emailOn: r ? r.email_on === 1 : true }
  }

  async saveSettings(userId: string, s: { email: string | null; emailOn: boolean }): Promise<void> {
    this.db
      .prepare('INSERT OR REPLACE INTO notification_settings (user_id, email, email_on) VALUES (?, ?, ?)')
      .run(userId, s.email, s.emailOn ? 1 : 0)
  }
}
