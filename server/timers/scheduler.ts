import type { Clock, TicketService } from '../services/tickets.ts'
import type { Storage } from '../storage/types.ts'

/**
 * Fires due timers (SLA deadlines, delayed transitions) as the system actor. Timers live in the
 * database with absolute due times, so those that fell due while the server was down fire on the
 * next start. A timer fires once: its removal commits with the transition it causes, and with
 * several servers each due timer is claimed by one of them under a lease.
 */
export class TimerScheduler {
  private handle: ReturnType<typeof setTimeout> | null = null
  private running = false
  // Stryker disable next-line BooleanLiteral: start() sets it before anything reads it
  private stopped = true

  constructor(
    private readonly storage: Storage,
    private readonly tickets: TicketService,
    private readonly clock: Clock,
    private readonly options: {
      intervalMs?: number
      leaseMs?: number
      /** Frees every timer lease at start: right only when this is the one process on the database. */
      releaseLeasesAtStart?: boolean
      log?: (line: string) => void
    } = {},
  ) {}

  start(): void {
    this.stopped = false
    if (!this.options.releaseLeasesAtStart) {
      this.schedule(0)
      return
    }
    // Timers a killed process had claimed but not fired are due again now, not when their lease lapses.
    this.running = true
    this.storage
      .releaseTimerLeases()
      .catch((err) => this.options.log?.(`timer error: ${(err as Error).message}`))
      .finally(() => {
        this.running = false
        this.schedule(0)
      })
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.handle) clearTimeout(this.handle)
    while (this.running) await new Promise((r) => setTimeout(r, 5))
  }

  /** Fires every timer due now (up to 500 per tick); returns how many fired. */
  async tick(): Promise<number> {
    let fired = 0
    const now = this.clock()
    // Claimed for a minute: another server skips them, and takes them over if this one dies.
    const lease = new Date(now.getTime() + (this.options.leaseMs ?? 60_000)).toISOString()
    const due = await this.storage.claimTimers(now.toISOString(), lease, 500)
    for (const t of due) {
      if ((await this.tickets.fireTimer(t.ticketId, t.id)) === 'fired') fired++
    }
    return fired
  }

  private schedule(ms: number): void {
    if (this.stopped) return
    this.handle = setTimeout(async () => {
      this.running = true
      try {
        const n = await this.tick()
        // Stryker disable next-line OptionalChaining: without a log, the throw is caught just below, after the tick
        if (n) this.options.log?.(`fired ${n} timer(s)`)
      } catch (err) {
        this.options.log?.(`timer error: ${(err as Error).message}`)
      } finally {
        this.running = false
      }
      this.schedule(this.options.intervalMs ?? 1000)
    }, ms)
    // Stryker disable next-line OptionalChaining: Node's timers always have unref()
    this.handle.unref?.()
  }
}
