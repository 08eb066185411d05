// The writer thread: ticket commits run here, on the writer's own connection, so that executing
// a batch and waiting for its fsync never block the server's event loop. Replies come after the
// transaction has committed, and batches run one after another in the order they were sent.
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { prepareCommitBatch } from './commitBatch.mjs'

const db = new Database(workerData.path)
db.pragma('journal_mode = WAL')
db.pragma('synchronous = FULL')
db.pragma('foreign_keys = ON')
db.pragma('busy_timeout = 5000')
db.pragma(`wal_autocheckpoint = ${workerData.autocheckpoint ?? 1000}`)
const commit = prepareCommitBatch(db)

parentPort?.on('message', (m) => {
  if (m === 'stop') {
    db.close()
    parentPort?.postMessage({ stopped: true })
    parentPort?.close()
    return
  }
  try {
    parentPort?.postMessage({ id: m.id, outcomes: commit(m.units) })
  } catch (error) {
    parentPort?.postMessage({ id: m.id, error: error instanceof Error ? error.message : String(error) })
  }
})
parentPort?.postMessage({ ready: true })
