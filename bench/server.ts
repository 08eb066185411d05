// Server figures, all from one run: durable actions per second over HTTP from a load generator in
// its own process (autocannon), as a share of a trivial Hono endpoint's ceiling measured the same
// way on the same machine; the same workload in process (reply built, no sockets); latency at a
// fixed 1,000 actions/s from each request's due time at the client and on the server; the peer
// (bpmn-engine) on the same flow; and an action on a 10,000-record ticket against a new one.
import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { GCProfiler, getHeapStatistics } from 'node:v8'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { verifyAudit } from '../server/services/tickets.ts'
import { importSop, type RunningServer, startServer } from '../server/start.ts'
import { longCase } from './engine.ts'
import { commitLongTicket } from './longTicket.ts'
import { peerActionsPerSecond } from './peer.ts'
import { scaleFigures } from './serverScale.ts'
import { wrkClosed, wrkPath, wrkTrivial } from './wrk.ts'

const CLIENTS = 64
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const WARMUP = 2

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

/** The next action of the long-case loop for a ticket at `step`. */
function nextAction(step: string, i: number) {
  return step === 'work'
    ? { action: 'follow_up', fields: { attempts: i, summary: `Call ${i}` }, ticks: { work: ['note'] } }
    : { action: 'customer_replied' }
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}

/** The load generator in its own process; `run` sends it one job and waits for the result. */
export function loadGenerator(): { run: <T>(job: Record<string, unknown>) => Promise<T>; stop: () => void } {
  const child: ChildProcess = fork(fileURLToPath(new URL('./loadClient.mjs', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return {
    run: <T>(job: Record<string, unknown>) =>
      new Promise<T>((resolve, reject) => {
        child.once('message', (m: { ok: boolean; result?: T; error?: string }) =>
          m.ok ? resolve(m.result as T) : reject(new Error(m.error)),
        )
        child.send(job)
      }),
    stop: () => child.kill(),
  }
}

/** A trivial Hono app on the same Node HTTP server settings: the ceiling of this machine. */
async function trivialServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const app = new Hono()
  app.get('/ping', (c) => c.json({ ok: true }))
  const s = await new Promise<ReturnType<typeof serve>>((ok) => {
    const srv = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ok(srv))
  })
  const { port } = s.address() as { port: number }
  return { url: `http://127.0.0.1:${port}/ping`, close: () => new Promise((ok) => s.close(() => ok())) }
}

export async function runServerBench(log: (line: string) => void = console.log): Promise<void> {
  log('## Server')
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-bench-'))
  const server = await startServer({ dbPath: join(dir, 'bench.sqlite'), port: 0, seedExamples: false })
  const load = loadGenerator()
  try {
    const admin = (await server.storage.listUsers())[0]
    await importSop(server.storage, longCase() as Record<string, unknown>, admin.id, new Date().toISOString())
    const api = client(server, server.adminToken)
    const agent = (await api('POST', '/api/users', { name: 'Bench agent', role: 'agent' })).body
    const agentApi = client(server, agent.token)
    const open = async (n = CLIENTS) => {
      const ids: string[] = []
      for (let i = 0; i < n; i++) {
        const r = await agentApi('POST', '/api/tickets', {
          sopId: 'long-case',
          channel: 'chat',
          subject: `b${i}`,
        })
        ids.push(r.body.ticket.id)
      }
      return ids
    }

    // 1. The ceiling, then sopflow, from the same generator with the same connections: wrk when
    // it is installed, autocannon otherwise (both in their own process).
    const wrk = wrkPath()
    const generator = wrk ? 'wrk' : 'autocannon'
    const trivial = await trivialServer()
    const ceiling = wrk
      ? await wrkTrivial(wrk, trivial.url, CLIENTS, SECONDS, WARMUP)
      : await load.run<{ rate: number }>({
          kind: 'trivial',
          url: trivial.url,
          connections: CLIENTS,
          seconds: SECONDS,
          warmup: WARMUP,
        })
    await trivial.close()
    const http = wrk
      ? await wrkClosed(wrk, server.url, agent.token, await open(), await open(), SECONDS, WARMUP)
      : await load.run<{ rate: number; p99: number }>({
          kind: 'closed',
          url: server.url,
          token: agent.token,
          ids: await open(),
          warmupIds: await open(),
          seconds: SECONDS,
          warmup: WARMUP,
        })

    // 2. In process: the app answers the same requests without sockets (reply built and read); and
    // the ticket service alone (decide, durable commit, the reply's view as JSON), without Hono, the
    // request and response objects, authentication or input parsing.
    const { rate: inProcess, bytesPerAction } = await inProcessRate(server, agent.token, await open())
    const service = await serviceRate(server, agent.user.id, await open())

    log(
      `  trivial Hono endpoint (ceiling; ${generator} in its own process, ${CLIENTS} connections): ${fmt(ceiling.rate)}/s`,
    )
    log(`  durable actions over HTTP (same generator, group commit, synchronous=FULL): ${fmt(http.rate)}/s`)
    log(`  share of the ceiling: ${((http.rate / ceiling.rate) * 100).toFixed(1)} %`)
    log(`  same workload in process (reply built, no sockets): ${fmt(inProcess)}/s`)
    log(
      `  allocated per action in process: ${(bytesPerAction / 1024).toFixed(1)} KB (JS heap, from V8's GC statistics)`,
    )
    log(
      `  the ticket service alone (decide, durable commit, reply view as JSON; no Hono, request objects or auth): ${fmt(service.rate)}/s, ${(service.bytesPerAction / 1024).toFixed(1)} KB allocated per action`,
    )

    // 3. Latency at a fixed 1,000 actions/s: at the client from each request's due time, and on
    // the server from the request's arrival to its answer's last byte.
    const serverSide: number[] = []
    const onRequest = (_req: IncomingMessage, res: ServerResponse) => {
      const t = performance.now()
      res.once('finish', () => serverSide.push(performance.now() - t))
    }
    server.http.on('request', onRequest)
    const fixed = await load.run<{ latencies: number[]; skipped: number }>({
      kind: 'fixed',
      url: server.url,
      token: agent.token,
      ids: await open(CLIENTS * 2),
      seconds: SECONDS,
      rate: 1000,
    })
    server.http.off('request', onRequest)
    log(
      `  at 1,000 actions/s for ${SECONDS} s: client (from due time) p50 ${percentile(fixed.latencies, 50).toFixed(1)} ms, p99 ${percentile(fixed.latencies, 99).toFixed(1)} ms; server p50 ${percentile(serverSide, 50).toFixed(2)} ms, p99 ${percentile(serverSide, 99).toFixed(2)} ms` +
        (fixed.skipped ? ` (${fixed.skipped} slots skipped: all tickets busy)` : ''),
    )

    // 4. The peer on the same flow, durable per action.
    const peer = await peerActionsPerSecond(CLIENTS, SECONDS)
    log(`  bpmn-engine, same flow, state reloaded per action, synchronous=FULL: ${fmt(peer)}/s`)
    log(
      `  sopflow in process / bpmn-engine: ${Math.round(inProcess / peer)}×; over HTTP / bpmn-engine: ${Math.round(http.rate / peer)}×`,
    )

    // 5. A 10,000-record ticket: an action on it against one on a new ticket; its history read and
    // verified (chain + replay).
    await longTicketFigures(server, api, agent.token, await open(1), log)
    log(
      '  goals: >= 9,000 actions/s over HTTP and >= 22 % of the ceiling; >= 16,000/s in process; p99 <= 6 ms at 1,000/s; >= 50× bpmn-engine; a 10,000-record ticket within 10 % of a new one',
    )
  } finally {
    load.stop()
    await server.close()
  }
  // 6. SQLite and PostgreSQL with one and with two server processes (each its own process).
  await scaleFigures(log)
}

const fmt = (n: number) => Math.round(n).toLocaleString('en')

/** Actions per second through the app's fetch handler, CLIENTS at a time, reply JSON read. */
async function inProcessRate(
  server: RunningServer,
  token: string,
  ids: string[],
): Promise<{ rate: number; bytesPerAction: number }> {
  const handle = server.app.app
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const loop = async (until: number, count: { n: number }) =>
    Promise.all(
      ids.map(async (id) => {
        let version: number | undefined
        let step = 'work'
        let i = 0
        if (version === undefined) {
          const r = await handle.request(`/api/tickets/${id}`, { headers })
          const t = ((await r.json()) as { ticket?: { version: number; steps: string[] } }).ticket
          version = t?.version ?? 1
          step = t?.steps[0] ?? 'work'
        }
        while (performance.now() < until) {
          const res = await handle.request(`/api/tickets/${id}/actions`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ ...nextAction(step, ++i), version }),
          })
          const body = (await res.json()) as { ticket: { version: number; steps: string[] } }
          if (res.status !== 200) throw new Error(`in process: ${JSON.stringify(body)}`)
          version = body.ticket.version
          step = body.ticket.steps[0]
          count.n++
        }
      }),
    )
  return measured(loop)
}

/** Actions per second through the ticket service itself, CLIENTS tickets at a time, reply JSON built. */
async function serviceRate(
  server: RunningServer,
  userId: string,
  ids: string[],
): Promise<{ rate: number; bytesPerAction: number }> {
  const tickets = server.app.tickets
  const user = await server.storage.getUser(userId)
  if (!user) throw new Error('no bench agent')
  const states = await Promise.all(
    ids.map(async (id) => {
      const t = await tickets.get(id)
      return { id, version: t.version, step: t.steps[0] ?? 'work', i: 0 }
    }),
  )
  const loop = (until: number, count: { n: number }) =>
    Promise.all(
      states.map(async (s) => {
        while (performance.now() < until) {
          const { action, fields, ticks } = nextAction(s.step, ++s.i) as {
            action: string
            fields?: Record<string, string | number>
            ticks?: Record<string, string[]>
          }
          const t = await tickets.decideAndCommit(
            user,
            s.id,
            { kind: 'action', action, fields, ticks },
            { version: s.version, type: 'transition' },
          )
          const reply = JSON.parse(JSON.stringify(await tickets.view(user, t))) as {
            ticket: { version: number; steps: string[] }
          }
          s.version = reply.ticket.version
          s.step = reply.ticket.steps[0]
          count.n++
        }
      }),
    )
  return measured(loop)
}

/**
 * Runs `loop` for the warm-up, then for SECONDS while counting: actions per second and the bytes
 * allocated per action.
 */
async function measured(
  loop: (until: number, count: { n: number }) => Promise<unknown>,
): Promise<{ rate: number; bytesPerAction: number }> {
  await loop(performance.now() + WARMUP * 1000, { n: 0 })
  const count = { n: 0 }
  const profiler = new GCProfiler()
  const heapBefore = getHeapStatistics().used_heap_size
  profiler.start()
  const t0 = performance.now()
  await loop(t0 + SECONDS * 1000, count)
  const rate = count.n / ((performance.now() - t0) / 1000)
  const gcs = profiler.stop()?.statistics ?? []
  return { rate, bytesPerAction: allocatedSince(heapBefore, gcs) / count.n }
}

/**
 * Bytes allocated on the JS heap since `before` (its used size then): what each collection found
 * grown since the last one ended, plus the growth after the last.
 */
function allocatedSince(
  before: number,
  gcs: {
    beforeGC: { heapStatistics: { usedHeapSize: number } }
    afterGC: { heapStatistics: { usedHeapSize: number } }
  }[],
): number {
  let allocated = 0
  let last = before
  for (const gc of gcs) {
    allocated += Math.max(0, gc.beforeGC.heapStatistics.usedHeapSize - last)
    last = gc.afterGC.heapStatistics.usedHeapSize
  }
  return allocated + Math.max(0, getHeapStatistics().used_heap_size - last)
}

/** Median time of `runs` sequential actions on a ticket, over HTTP. */
async function actionTime(server: RunningServer, token: string, id: string, runs: number): Promise<number> {
  const api = client(server, token)
  let t = (await api('GET', `/api/tickets/${id}`)).body.ticket as { version: number; steps: string[] }
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    const r = await api('POST', `/api/tickets/${id}/actions`, {
      ...nextAction(t.steps[0], i + 1),
      version: t.version,
    })
    times.push(performance.now() - t0)
    if (r.status !== 200) throw new Error(`action refused: ${JSON.stringify(r.body)}`)
    t = r.body.ticket
  }
  return percentile(times, 50)
}

async function longTicketFigures(
  server: RunningServer,
  api: Api,
  token: string,
  [fresh]: string[],
  log: (line: string) => void,
): Promise<void> {
  const { id: longId, ticket, sop } = await commitLongTicket(server.storage, 10_000)
  // Interleaved, so that the machine's noise falls on both alike.
  const onLong: number[] = []
  const onNew: number[] = []
  for (let r = 0; r < 3; r++) {
    onNew.push(await actionTime(server, token, fresh, 200))
    onLong.push(await actionTime(server, token, longId, 200))
  }
  const long = percentile(onLong, 50)
  const short = percentile(onNew, 50)
  log(
    `  an action on a 10,000-record ticket: ${long.toFixed(3)} ms against ${short.toFixed(3)} ms on a new one (${((long / short - 1) * 100).toFixed(1)} %)`,
  )
  const readRuns: number[] = []
  const verifyRuns: number[] = []
  for (let i = 0; i < 3; i++) {
    let t = performance.now()
    const h = await api('GET', `/api/tickets/${longId}/history`)
    readRuns.push(performance.now() - t)
    if (h.body.length < 10_000) throw new Error('history incomplete')
    t = performance.now()
    const rows = await server.storage.getAudit(longId)
    const current = await server.storage.getTicket(longId)
    const result = verifyAudit(sop, current ?? ticket, rows)
    verifyRuns.push(performance.now() - t)
    if (!result.ok) throw new Error(`verify failed: ${JSON.stringify(result)}`)
  }
  log(
    `  10,000-record ticket: history read over HTTP ${Math.min(...readRuns).toFixed(0)} ms, read + verify (chain and replay) ${Math.min(...verifyRuns).toFixed(0)} ms`,
  )
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await runServerBench()
