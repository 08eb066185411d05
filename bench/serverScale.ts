// The server on each storage, every server its own `sopflow serve` process: durable actions per
// second (closed loop, autocannon) and p99 at a fixed 1,000 actions/s, for SQLite (one process)
// and PostgreSQL with one and with two processes on one database; with two, each process gets half
// the tickets and half the rate from its own load generator.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bootChild, type ChildServer } from '../test/server/child.ts'
import { startPostgres } from '../test/server/pgHarness.ts'
import { longCase } from './engine.ts'
import { loadGenerator, percentile } from './server.ts'

const CLIENTS = 64
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const WARMUP = 2

interface Figures {
  rate: number
  p99: number
}

async function call(base: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const answer = await res.json()
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(answer)}`)
  return answer
}

async function stop(servers: ChildServer[]): Promise<void> {
  for (const s of servers) {
    s.child.kill('SIGTERM')
    if (s.child.exitCode === null) await new Promise((r) => s.child.once('exit', r))
  }
}

/** Boots `processes` servers on `db`, spreads the tickets over them and measures. */
async function measure(db: string, processes: number): Promise<Figures> {
  const servers: ChildServer[] = []
  for (let i = 0; i < processes; i++) servers.push(await bootChild(db))
  const loads = servers.map(() => loadGenerator())
  try {
    const [first] = servers
    await call(first.url, first.token, 'POST', '/api/sops', { document: longCase() })
    await call(first.url, first.token, 'POST', '/api/sops/long-case/publish')
    const agent = await call(first.url, first.token, 'POST', '/api/users', {
      name: 'Bench agent',
      role: 'agent',
    })
    const open = async (base: string, n: number) => {
      const ids: string[] = []
      for (let i = 0; i < n; i++)
        ids.push(
          (
            await call(base, agent.token, 'POST', '/api/tickets', {
              sopId: 'long-case',
              channel: 'chat',
              subject: `b${i}`,
            })
          ).ticket.id,
        )
      return ids
    }
    const share = CLIENTS / processes
    const jobs = await Promise.all(
      servers.map(async (s) => ({ ids: await open(s.url, share), warmupIds: await open(s.url, share) })),
    )
    const closed = await Promise.all(
      servers.map((s, i) =>
        loads[i].run<{ rate: number }>({
          kind: 'closed',
          url: s.url,
          token: agent.token,
          ...jobs[i],
          seconds: SECONDS,
          warmup: WARMUP,
        }),
      ),
    )
    const fixedIds = await Promise.all(servers.map((s) => open(s.url, (CLIENTS * 2) / processes)))
    const fixed = await Promise.all(
      servers.map((s, i) =>
        loads[i].run<{ latencies: number[] }>({
          kind: 'fixed',
          url: s.url,
          token: agent.token,
          ids: fixedIds[i],
          seconds: SECONDS,
          rate: 1000 / processes,
        }),
      ),
    )
    return {
      rate: closed.reduce((sum, r) => sum + r.rate, 0),
      p99: percentile(
        fixed.flatMap((f) => f.latencies),
        99,
      ),
    }
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${servers.map((s) => s.output().slice(-2000)).join('\n')}`)
  } finally {
    for (const l of loads) l.stop()
    await stop(servers)
  }
}

export async function scaleFigures(log: (line: string) => void): Promise<void> {
  log(
    '  every server its own `sopflow serve` process, 64 connections in all; p99 at the client at 1,000 actions/s:',
  )
  const sqlite = await measure(join(mkdtempSync(join(tmpdir(), 'sopflow-bench-scale-')), 'bench.sqlite'), 1)
  const pg = await startPostgres()
  try {
    const one = await measure(await pg.createDatabase(), 1)
    const two = await measure(await pg.createDatabase(), 2)
    const row = (name: string, f: Figures) =>
      log(
        `    ${name}: ${Math.round(f.rate).toLocaleString('en')} actions/s, p99 ${f.p99.toFixed(1)} ms at 1,000/s`,
      )
    row('SQLite, one process', sqlite)
    row('PostgreSQL, one process', one)
    row('PostgreSQL, two processes', two)
    log(
      `    ratios: PostgreSQL one process / SQLite ${(one.rate / sqlite.rate).toFixed(2)}; two processes / one ${(two.rate / one.rate).toFixed(2)}; p99 two / one ${(two.p99 / one.p99).toFixed(2)}`,
    )
  } finally {
    await pg.stop()
  }
}
