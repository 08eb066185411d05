import { Worker } from 'node:worker_threads'
import type { FlatCommit, FlatOutcome } from './commitBatch.mjs'

/**
 * The writer thread (`writerWorker.mjs`): batches go to it in order and each reply comes once its
 * transaction has committed. If the thread dies, waiting and later commits fail: nothing is
 * acknowledged that was not written.
 */
export class WriterThread {
  private readonly worker: Worker
  private readonly pending = new Map<
    number,
    { count: number; resolve: (o: FlatOutcome[]) => void; reject: (e: Error) => void }
  >()
  private nextId = 1
  private failure: Error | null = null

  constructor(path: string, autocheckpoint: number) {
    this.worker = new Worker(new URL('./writerWorker.mjs', import.meta.url), {
      workerData: { path, autocheckpoint },
    })
    this.worker.on('message', (m: { id?: number; outcomes?: FlatOutcome[]; error?: string }) => {
      // Stryker disable next-line ConditionalExpression: without it the ready and stopped messages find no pending entry, and p?. does nothing
      if (m.id === undefined) return
      const p = this.pending.get(m.id)
      this.pending.delete(m.id)
      // An answer for other than every unit sent acknowledges none of them.
      // Stryker disable OptionalChaining: the thread answers each pending id once, so p is always found
      if (m.outcomes && m.outcomes.length !== p?.count)
        p?.reject(new Error(`The writer answered ${m.outcomes.length} of ${p?.count} commits`))
      else if (m.outcomes) p?.resolve(m.outcomes)
      else p?.reject(new Error(`The commit failed: ${m.error}`))
    })
    // Stryker restore OptionalChaining
    const fail = (error: Error) => {
      this.failure = error
      for (const p of this.pending.values()) p.reject(error)
      this.pending.clear()
    }
    this.worker.on('error', (e) => fail(new Error(`The writer thread failed: ${e.message}`)))
    this.worker.on('exit', () => fail(this.failure ?? new Error('The writer thread has stopped')))
  }

  /**
   * Sends a batch as one message of its flattened rows. A structured clone of them costs the
   * server's thread less than writing them as one JSON string (and the writer less than reading
   * it back): `npm run bench -- storage` measures both.
   */
  commit(units: FlatCommit[]): Promise<FlatOutcome[]> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      // Stryker disable next-line UpdateOperator: the ids only have to differ, and counting down they do
      const id = this.nextId++
      this.pending.set(id, { count: units.length, resolve, reject })
      this.worker.postMessage({ id, units })
    })
  }

  async stop(): Promise<void> {
    if (this.failure) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000)
      const done = () => {
        clearTimeout(timer)
        resolve()
      }
      this.worker.once('exit', done)
      // Stryker disable next-line StringLiteral,BlockStatement: the thread exits right after its stopped message, and the exit ends the wait too
      this.worker.on('message', (m: { stopped?: boolean }) => {
        if (m.stopped) done()
      })
      // Queued batches are written first: the thread takes messages in order.
      this.worker.postMessage('stop')
    })
    this.failure = new Error('The storage is closed')
    await this.worker.terminate()
  }
}
