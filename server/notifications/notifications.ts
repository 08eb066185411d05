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

/** The team's notices (the bell) and each user's e-mail setting (./storage: SQLite, PostgreSQL). */
export interface NoticeStore {
  /** Adds a notice once: the same id again (a delivery repeated after a crash) changes nothing. */
  add(n: Notice): Promise<boolean>
  list(userId: string, limit: number): Promise<Notice[]>
  unread(userId: string): Promise<number>
  /** Marks these notices (or all) of the user read. */
  markRead(userId: string, ids: string[] | null, now: string): Promise<number>
  settings(userId: string): Promise<{ email: string | null; emailOn: boolean }>
  saveSettings(userId: string, s: { email: string | null; emailOn: boolean }): Promise<void>
}

export type Row = Record<string, unknown>

export const toNotice = (r: Row): Notice => ({
  id: r.id as string,
  userId: r.user_id as string,
  ticketId: (r.ticket_id as string | null) ?? null,
  kind: r.kind as NoticeKind,
  params: JSON.parse(r.params as string),
  createdAt: r.created_at as string,
  readAt: (r.read_at as string | null) ?? null,
})

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
