/**
 * One PostgreSQL server for a whole mutation run, shared by the PostgreSQL test files (as
 * `test/mutation-postgres.ts` gives vitest runs). Started by the test runner plugin, it sends its
 * port, and stops the server when the plugin's process ends, however it ends.
 */
const { startOwnPostgres } = await import('../server/pgHarness.ts')
const server = await startOwnPostgres({ durable: false })
let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  await server.stop().catch(() => {})
  process.exit(0)
}
process.on('disconnect', stop)
process.on('SIGTERM', stop)
const parent = process.ppid
setInterval(() => {
  try {
    process.kill(parent, 0)
  } catch {
    void stop()
  }
}, 500).unref()
process.send?.({ port: server.port })
