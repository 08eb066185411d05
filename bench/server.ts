// Server figures: durable accepted actions per second over HTTP (group commit, synchronous=FULL),
// the same workload's bare in-process loop and the ratio, latency at a fixed 1,000 actions/s, and
// history read + verify of a 10,000-record ticket.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { verifyAudit } from '../server/services/tickets.ts'
import { importSop, type RunningServer, startServer } from '../server/start.ts'
import type { User } from '../server/storage/types.ts'
import { longCase } from './engine.ts'
import { commitLongTicket } from './longTicket.ts'

const CLIENTS = 64
const SECONDS = 3

type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>

function client(server: RunningServer, token: string): Api {
  return async (method, path, body) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, body: await res.json() }
  }
}

/** The next action of the long-case loop for a ticket at `version`. */
function nextAction(step: string, i: number) {
  return step === 'work'
    ? { action: 'follow_up', fields: { attempts: i, summary: `Call ${i}` }, ticks: { work: ['note'] } }
    : { action: 'customer_replied' }
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}

export async function runServerBench(log: (line: string) => void = console.log): Promise<void> {
  log('## Server')
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-bench-'))
  const server = await startServer({ dbPath: join(dir, 'bench.sqlite'), port: 0, seedExamples: false })
  try {
    const admin = (await server.storage.listUsers())[0]
    await importSop(server.storage, longCase() as Record<string, unknown>, admin.id, new Date().toISOString())
    const api = client(server, server.adminToken)
    const agent = (await api('POST', '/api/users', { name: 'Bench agent', role: 'agent' })).body
    const agentApi = client(server, agent.token)
    const agentUser = (await server.storage.getUser(agent.user.id)) as User

    const open = async () => {
      const ids: string[] = []
      for (let i = 0; i < CLIENTS; i++) {
        const r = await agentApi('POST', '/api/tickets', {
          sopId: 'long-case',
          channel: 'chat',
          subject: `bench ${i}`,
        })
        ids.push(r.body.ticket.id)
      }
      return ids
    }

    // 1. Over HTTP, from a load generator in a worker thread: each client acts on its own ticket
    // as fast as the replies come back.
    const httpIds = await open()
    const httpRate = await new Promise<number>((resolve, reject) => {
      const worker = new Worker(new URL('./httpLoad.mjs', import.meta.url), {
        workerData: { url: server.url, token: agent.token, ids: httpIds, seconds: SECONDS },
      })
      worker.once('message', resolve)
      worker.once('error', reject)
    })
    let stop = false

    // 2. The same workload in process: the ticket service and group commit, no HTTP.
    const tickets = server.app.tickets
    const bareIds = await open()
    let bareCount = 0
    stop = false
    const t1 = performance.now()
    await Promise.all(
      bareIds.map(async (id) => {
        let version = 1
        let step = 'work'
        let i = 0
        while (!stop) {
          const a = nextAction(step, ++i)
          const t = await tickets.decideAndCommit(
            agentUser,
            id,
            { kind: 'action', ...a },
            { version, type: 'transition' },
          )
          version = t.version
          step = t.steps[0]
          bareCount++
          if (performance.now() - t1 > SECONDS * 1000) stop = true
        }
      }),
    )
    const bareRate = bareCount / ((performance.now() - t1) / 1000)
    log(
      `  durable actions over HTTP (${CLIENTS} clients in a worker, group commit, synchronous=FULL): ${Math.round(httpRate).toLocaleString('en')}/s`,
    )
    log(
      `  same workload in process (no HTTP):                     ${Math.round(bareRate).toLocaleString('en')}/s`,
    )
    log(`  HTTP / in-process: ${Math.round((httpRate / bareRate) * 100)} %`)

    // 3. Latency at a fixed 1,000 actions/s: an open loop over a pool of tickets, from the worker.
    const target = 1000
    const { latencies, skipped } = await new Promise<{ latencies: number[]; skipped: number }>(
      (resolve, reject) => {
        open().then((ids) => {
          const worker = new Worker(new URL('./httpLoad.mjs', import.meta.url), {
            workerData: { url: server.url, token: agent.token, ids, seconds: SECONDS, rate: target },
          })
          worker.once('message', resolve)
          worker.once('error', reject)
        }, reject)
      },
    )
    log(
      `  latency at ${target}/s for ${SECONDS} s: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms` +
        (skipped ? ` (${skipped} slots skipped: all tickets busy)` : ''),
    )

    // 4. A 10,000-record ticket: read its history over HTTP and verify it (chain + replay).
    const { id: longId, ticket, sop } = await commitLongTicket(server.storage, 10_000)
    const readRuns: number[] = []
    const verifyRuns: number[] = []
    for (let i = 0; i < 3; i++) {
      let t = performance.now()
      const h = await api('GET', `/api/tickets/${longId}/history`)
      readRuns.push(performance.now() - t)
      if (h.body.length !== 10_000) throw new Error('history incomplete')
      t = performance.now()
      const rows = await server.storage.getAudit(longId)
      const result = verifyAudit(sop, ticket, rows)
      verifyRuns.push(performance.now() - t)
      if (!result.ok) throw new Error(`verify failed: ${JSON.stringify(result)}`)
    }
    log(
      `  10,000-record ticket: history read over HTTP ${Math.min(...readRuns).toFixed(0)} ms, read + verify (chain and replay) ${Math.min(...verifyRuns).toFixed(0)} ms`,
    )
    log('  goals: >= 8,000 actions/s, >= 60 % of in-process, p99 <= 10 ms at 1,000/s, verify <= 100 ms')
  } finally {
    await server.close()
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await runServerBench()
