import type { CommitOutcome, Storage, TicketCommit } from './types.ts'

/**
 * Group commit: ticket commits that arrive while a batch is being written wait for the next
 * batch, and each batch is one database transaction (one fsync). Every caller gets its own
 * outcome once the batch holding its commit is durable.
 */
export class GroupCommitter {
  private queue: { unit: TicketCommit; resolve: (o: CommitOutcome) => void; reject: (e: unknown) => void }[] =
    []
  private scheduled = false

  constructor(
    private readonly storage: Storage,
    private readonly maxBatch = 256,
  ) {}

  commit(unit: TicketCommit): Promise<CommitOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ unit, resolve, reject })
      if (!this.scheduled) {
        this.scheduled = true
        // Commits that arrive before the event loop comes back round share one transaction.
        setImmediate(() => this.flush())
      }
    })
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch)
      try {
        const outcomes = await this.storage.commitTickets(batch.map((b) => b.unit))
        for (const [i, b] of batch.entries()) b.resolve(outcomes[i])
      } catch (error) {
        for (const b of batch) b.reject(error)
      }
    }
    this.scheduled = false
  }
}
