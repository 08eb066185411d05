// Runs WAL checkpoints on its own connection, off the main thread, so that copying the
// write-ahead log into the database never blocks the server's event loop.
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'

const db = new Database(workerData.path)
db.pragma('busy_timeout = 5000')
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch {
    // Busy or closing: the next round tries again.
  }
}, workerData.intervalMs)
parentPort?.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer)
    try {
      db.pragma('wal_checkpoint(PASSIVE)')
    } catch {}
    db.close()
    parentPort?.postMessage('stopped')
  }
})
