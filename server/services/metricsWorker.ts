// Computes the supervisor's figures on a read-only connection of its own, off the main thread, so
// that a large metrics query never holds up the server's other requests.
import { parentPort, workerData } from 'node:worker_threads'
import type { CompiledSop } from '../../engine/index.ts'
import { compilePinned } from '../calendars/store.ts'
import { SqliteStorage } from '../storage/sqlite.ts'
import type { MetricsFilter } from '../storage/types.ts'
import { computeMetrics, type SopSource } from './metrics.ts'

const storage = new SqliteStorage(workerData.path as string, { readonly: true })
const compiled = new Map<string, CompiledSop>()
const sops: SopSource = {
  async sopFor(sopId: string, version: number) {
    const key = `${sopId}@${version}`
    let sop = compiled.get(key)
    if (!sop) {
      const v = await storage.getVersion(sopId, version)
      if (!v) throw new Error(`SOP version ${key} not found`)
      // With the calendar versions it pins: business-time SOPs do not compile without them.
      sop = await compilePinned(storage, v)
      compiled.set(key, sop)
    }
    return sop
  },
}

parentPort?.on('message', async (m: { id: number; filter: MetricsFilter } | 'stop') => {
  if (m === 'stop') {
    await storage.close()
    process.exit(0)
  }
  try {
    parentPort?.postMessage({ id: m.id, ok: true, value: await computeMetrics(storage, sops, m.filter) })
  } catch (err) {
    parentPort?.postMessage({ id: m.id, ok: false, message: (err as Error).message })
  }
})
