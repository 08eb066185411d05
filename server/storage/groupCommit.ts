import type { CommitOutcome, Storage, TicketCommit } from './types.ts'

export interface GroupCommitOptions {
  /** Most commits in one batch (one transaction). */
  maxBatch?: number
  /** A batch is sent at once, without waiting for the event loop to come round, when this many are queued. */
  eagerAt?: number
  /** Most batches handed to the storage and not yet durable; the storage writes them in order. */
  maxInFlight?: number
}

type Waiting = { unit: TicketCommit; resolve: (o: CommitOutcome) => void; reject: (e: unknown) => void }

/**
 * Group commit: ticket commits that arrive together share one database transaction (one fsync),
 * and every caller gets its own outcome once the batch holding its commit is durable. A batch
 * leaves when the event loop comes round, or at once when enough commits are queued; up to
 * `maxInFlight` batches are pipelined, so the next batch is ready while the last one syncs.
 */
export class GroupCommitter {
  private queue: Waiting[] = []
  private scheduled = false
  private inFlight = 0
  private readonly maxBatch: number
  private readonly eagerAt: number
  private readonly maxInFlight: number

  constructor(
    private readonly storage: Storage,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 256
    this.eagerAt = options.eagerAt ?? 16
    this.maxInFlight = options.maxInFlight ?? 2
  }

  commit(unit: TicketCommit): Promise<CommitOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ unit, resolve, reject })
      if (this.queue.length >= this.eagerAt && this.inFlight < this.maxInFlight) this.send()
      else if (!this.scheduled) {
        this.scheduled = true
        // Commits that arrive before the event loop comes back round share one transaction.
        setImmediate(() => {
          this.scheduled = false
          this.pump()
        })
      }
    })
  }

  private pump(): void {
    while (this.queue.length && this.inFlight < this.maxInFlight) this.send()
  }

  private send(): void {
    const batch = this.queue.splice(0, this.maxBatch)
    this.inFlight++
    this.storage
      .commitTickets(batch.map((b) => b.unit))
      .then(
        (outcomes) => {
          for (const [i, b] of batch.entries()) b.resolve(outcomes[i])
        },
        (error) => {
          for (const b of batch) b.reject(error)
        },
      )
      .finally(() => {
        this.inFlight--
        this.pump()
      })
  }
}
