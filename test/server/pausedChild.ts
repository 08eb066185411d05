// A sopflow server in its own process whose clock is the ISO time in a file the test writes.
import { readFileSync } from 'node:fs'
import { startServer } from '../../server/start.ts'

const [dbPath, clockFile] = process.argv.slice(2)
const clock = () => new Date(readFileSync(clockFile, 'utf8').trim())
const server = await startServer({
  dbPath,
  port: 0,
  clock,
  seedExamples: false,
  timerIntervalMs: 50,
  log: () => {},
})
console.log(`READY ${server.url} ${server.adminToken || '-'}`)
