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

/**
 * Who is listening live (the bell's event streams), per user. A notice published here reaches this
 * process's streams; with a relay (several servers on one PostgreSQL: ./pgNoticeRelay.ts) it goes
 * out through the relay, which hands it back to `deliver` on every server, this one included.
 */
export class NoticeHub {
  private readonly listeners = new Map<string, Set<(n: Notice) => void>>()
  private relay: ((n: Notice) => Promise<void>) | null = null

  constructor(private readonly log: (line: string) => void = () => {}) {}

  listen(userId: string, fn: (n: Notice) => void): () => void {
    const set = this.listeners.get(userId) ?? new Set()
    this.listeners.set(userId, set)
    set.add(fn)
    return () => set.delete(fn)
  }

  /** Sends every later notice through `send` instead of delivering it here directly. */
  relayThrough(send: ((n: Notice) => Promise<void>) | null): void {
    this.relay = send
  }

  async publish(n: Notice): Promise<void> {
    if (!this.relay) return this.deliver(n)
    try {
      await this.relay(n)
    } catch (err) {
      // The notice is stored (the bell shows it when read); this server's streams still get it live.
      this.log(`notices: not relayed to the other servers: ${(err as Error).message}`)
      this.deliver(n)
    }
  }

  /** Hands a notice to this process's streams of its user. */
  deliver(n: Notice): void {
    for (const fn of this.listeners.get(n.userId) ?? []) fn(n)
  }
}
