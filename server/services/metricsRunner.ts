import { Worker } from 'node:worker_threads'
import type { MetricsFilter, Storage } from '../storage/types.ts'
import { computeMetrics, type Metrics, type SopSource } from './metrics.ts'

type Reply = { id: number; ok: true; value: Metrics } | { id: number; ok: false; message: string }

/**
 * Computes the supervisor's figures without blocking request handling: in a worker thread with
 * its own read-only connection to the database file (it sees every committed write). A database
 * in memory has no file a second connection could open; its figures are computed in process.
 */
export class MetricsRunner {
  private worker: Worker | null = null
  /** Requests waiting for an answer, each with the worker it was sent to. */
  private readonly pending = new Map<
    number,
    { worker: Worker; resolve: (m: Metrics) => void; reject: (e: Error) => void }
  >()
  private seq = 0

  constructor(
    private readonly storage: Storage,
    private readonly sops: SopSource,
  ) {}

  compute(filter: MetricsFilter): Promise<Metrics> {
    const file = this.storage.file
    if (!file) return computeMetrics(this.storage, this.sops, filter)
    const worker = this.start(file)
    const id = ++this.seq
    return new Promise<Metrics>((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject })
      worker.postMessage({ id, filter })
    })
  }

  private start(file: string): Worker {
    if (this.worker) return this.worker
    const worker = new Worker(new URL('./metricsWorker.mjs', import.meta.url), { workerData: { path: file } })
    worker.unref()
    worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id)
      if (!p) return
      this.pending.delete(m.id)
      if (m.ok) p.resolve(m.value)
      else p.reject(new Error(m.message))
    })
    // A worker that fails refuses what was sent to it, not what waits on the one started after it.
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = null
      for (const [id, p] of this.pending) {
        if (p.worker !== worker) continue
        this.pending.delete(id)
        p.reject(err)
      }
    }
    // A worker's error comes as a structured clone: an error of a class a clone cannot keep (such
    // as SQLite's) arrives as a plain object with its own members, and is given a message here.
    worker.on('error', (e: unknown) =>
      fail(
        e instanceof Error
          ? e
          : Object.assign(
              new Error(`the metrics worker failed: ${(e as { code?: string })?.code ?? String(e)}`),
              e,
            ),
      ),
    )
    worker.on('exit', (code) => fail(new Error(`the metrics worker stopped (exit code ${code})`)))
    this.worker = worker
    return worker
  }

  async close(): Promise<void> {
    const worker = this.worker
    this.worker = null
    if (worker) await worker.terminate()
  }
}
