import type Database from 'better-sqlite3'

/** What a notice is about; the web app words it in the reader's language from `kind` and `params`. */
export const NOTICE_KINDS = [
  'sla_breached',
  'sla_warning',
  'escalated',
  'assigned',
  'customer_replied',
] as const
export type NoticeKind = (typeof NOTICE_KINDS)[number]

export interface Notice {
  id: string
  userId: string
  ticketId: string | null
  kind: NoticeKind
  params: Record<string, string>
  createdAt: string
  readAt: string | null
}

type Row = Record<string, unknown>

const toNotice = (r: Row): Notice => ({
  id: r.id as string,
  userId: r.user_id as string,
  ticketId: (r.ticket_id as string | null) ?? null,
  kind: r.kind as NoticeKind,
  params: JSON.parse(r.params as string),
  createdAt: r.created_at as string,
  readAt: (r.read_at as string | null) ?? null,
})

/** The team's notices (the bell) and each user's e-mail setting, in SQLite. */
export class NoticeStore {
  constructor(private readonly db: Database.Database) {}

  /** Adds a notice once: the same id again (a delivery repeated after a crash) changes nothing. */
  add(n: Notice): boolean {
    return (
      this.db
        .prepare(`INSERT OR IGNORE INTO notifications (id, user_id, ticket_id, kind, params, created_at)
          VALUES (?, ?, ?, ?, ?, ?)`)
        .run(n.id, n.userId, n.ticketId, n.kind, JSON.stringify(n.params), n.createdAt).changes === 1
    )
  }

  list(userId: string, limit: number): Notice[] {
    return (
      this.db
        .prepare('SELECT * FROM notifications WHERE user_id = ? ORDER BY created_at DESC, id LIMIT ?')
        .all(userId, limit) as Row[]
    ).map(toNotice)
  }

  unread(userId: string): number {
    return (
      this.db
        .prepare('SELECT count(*) AS n FROM notifications WHERE user_id = ? AND read_at IS NULL')
        .get(userId) as { n: number }
    ).n
  }

  /** Marks these notices (or all) of the user read. */
  markRead(userId: string, ids: string[] | null, now: string): number {
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

  settings(userId: string): { email: string | null; emailOn: boolean } {
    const r = this.db.prepare('SELECT * FROM notification_settings WHERE user_id = ?').get(userId) as
      | Row
      | undefined
    return { email: (r?.email as string | null) ?? null, emailOn: r ? r.email_on === 1 : true }
  }

  saveSettings(userId: string, s: { email: string | null; emailOn: boolean }): void {
    this.db
      .prepare('INSERT OR REPLACE INTO notification_settings (user_id, email, email_on) VALUES (?, ?, ?)')
      .run(userId, s.email, s.emailOn ? 1 : 0)
  }
}

/** Who is listening live (the bell's event streams), per user. */
export class NoticeHub {
  private readonly listeners = new Map<string, Set<(n: Notice) => void>>()

  listen(userId: string, fn: (n: Notice) => void): () => void {
    const set = this.listeners.get(userId) ?? new Set()
    this.listeners.set(userId, set)
    set.add(fn)
    return () => set.delete(fn)
  }

  publish(n: Notice): void {
    for (const fn of this.listeners.get(n.userId) ?? []) fn(n)
  }
}
