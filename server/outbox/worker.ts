import type { Clock } from '../services/tickets.ts'
import type { MailPayload } from './mail.ts'
import {
  type BackoffOptions,
  backoffMs,
  type OutboxMark,
  type OutboxMessage,
  type OutboxStore,
} from './outbox.ts'

/** How one attempt went. `permanent`: retrying cannot help (the subscription is gone). */
export type Delivery =
  | { ok: true; status: number | null }
  | { ok: false; status: number | null; error: string; permanent?: boolean }

export interface Senders {
  mail: (payload: MailPayload) => Promise<Delivery>
  webhook: (message: OutboxMessage, now: Date) => Promise<Delivery>
  /** Notices to the team (the bell); without it they wait. */
  notify?: (message: OutboxMessage) => Promise<Delivery>
}

export interface WorkerOptions extends BackoffOptions {
  /** How often the outbox is looked at when idle (ms, default 250). */
  intervalMs?: number
  /** How long one delivery holds its message before another may take it (ms, default 60 s). */
  leaseMs?: number
  /** A message not delivered this long after it was written is given up (ms, default 3 days). */
  giveUpMs?: number
  /** Messages sent at once (default 16). */
  batch?: number
  random?: () => number
  log?: (line: string) => void
}

/**
 * Delivers the outbox: takes due messages under a lease, sends each, and records the result.
 * A message is marked sent only after the receiver took it, so a crash in between sends it again
 * with the same id (Message-ID, webhook-id): the receiver drops the duplicate.
 */
export class OutboxWorker {
  private handle: ReturnType<typeof setTimeout> | null = null
  private running: Promise<unknown> | null = null
  private stopped = true

  constructor(
    private readonly store: OutboxStore,
    private readonly senders: Senders,
    private readonly clock: Clock,
    private readonly options: WorkerOptions = {},
  ) {}

  start(): void {
    this.stopped = false
    // One process per database: whatever a previous process was sending when it died goes again now.
    this.running = this.store
      .release(this.clock().toISOString())
      .then((released) => {
        if (released)
          this.options.log?.(`outbox: ${released} message(s) interrupted by a stop are queued again`)
      })
      .catch((err) => this.options.log?.(`outbox error: ${(err as Error).message}`))
      .finally(() => {
        this.running = null
        this.schedule(0)
      })
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.handle) clearTimeout(this.handle)
    await this.running
  }

  /** One round: delivers every message due now (up to `batch` at once); returns how many were tried. */
  async tick(): Promise<number> {
    const now = this.clock()
    const lease = new Date(now.getTime() + (this.options.leaseMs ?? 60_000)).toISOString()
    const due = await this.store.lease(now.toISOString(), lease, this.options.batch ?? 16)
    const marks = await Promise.all(due.map((m) => this.deliver(m)))
    // The round's results are recorded together: one transaction, one sync.
    await this.store.record(marks)
    return due.length
  }

  /** Sends one message; returns how to record the result. */
  private async deliver(m: OutboxMessage): Promise<OutboxMark> {
    let result: Delivery
    try {
      if (m.kind === 'mail') result = await this.senders.mail(m.payload as unknown as MailPayload)
      else if (m.kind === 'webhook') result = await this.senders.webhook(m, this.clock())
      else if (this.senders.notify) result = await this.senders.notify(m)
      else result = { ok: false, status: null, error: 'Notices are not delivered by this worker' }
    } catch (err) {
      result = { ok: false, status: null, error: (err as Error).message }
    }
    const now = this.clock()
    if (result.ok) return { id: m.id, outcome: 'sent', at: now.toISOString(), status: result.status }
    const age = now.getTime() - Date.parse(m.createdAt)
    if (result.permanent || age >= (this.options.giveUpMs ?? 3 * 86_400_000)) {
      const why = result.permanent ? result.error : `Gave up after ${m.attempts} attempt(s): ${result.error}`
      this.options.log?.(`outbox: ${m.id} failed: ${why}`)
      return { id: m.id, outcome: 'failed', error: why, status: result.status }
    }
    const wait = backoffMs(m.attempts, this.options.random ?? Math.random, this.options)
    const next = new Date(now.getTime() + wait).toISOString()
    return { id: m.id, outcome: 'retry', nextAt: next, error: result.error, status: result.status }
  }

  private schedule(ms: number): void {
    if (this.stopped) return
    this.handle = setTimeout(() => {
      let busy = false
      this.running = this.tick()
        .then((n) => {
          busy = n > 0
        })
        .catch((err) => this.options.log?.(`outbox error: ${(err as Error).message}`))
        .finally(() => {
          this.running = null
          this.schedule(busy ? 0 : (this.options.intervalMs ?? 250))
        })
    }, ms)
    this.handle.unref?.()
  }
}
