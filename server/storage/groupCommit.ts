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

  private lastCommitMs = 0

  constructor(
    private readonly storage: Storage,
    private readonly maxBatch = 256,
  ) {}

  commit(unit: TicketCommit): Promise<CommitOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ unit, resolve, reject })
      if (!this.scheduled) {
        this.scheduled = true
        // Wait about as long as the last commit took (at most 4 ms) so that requests arriving
        // meanwhile share the next fsync; an idle server commits at once.
        const wait = Math.min(4, this.lastCommitMs)
        if (wait < 0.2) setImmediate(() => this.flush())
        else setTimeout(() => this.flush(), wait)
      }
    })
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch)
      try {
        const began = performance.now()
        const outcomes = await this.storage.commitTickets(batch.map((b) => b.unit))
        this.lastCommitMs = performance.now() - began
        for (const [i, b] of batch.entries()) b.resolve(outcomes[i])
      } catch (error) {
        for (const b of batch) b.reject(error)
      }
    }
    this.scheduled = false
  }
}
