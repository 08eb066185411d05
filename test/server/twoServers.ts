import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bootChild, type ChildServer } from './child.ts'
import { startPostgres, type TestPostgres } from './pgHarness.ts'

/**
 * One throwaway PostgreSQL and two `sopflow serve` processes on it, each on its own port, as a
 * load balancer would see them. The first start creates the database and an administrator token,
 * which both servers accept. Each server has its own temporary folder, as two machines would: what
 * they share goes through the database.
 */
export interface TwoServers {
  pg: TestPostgres
  db: string
  servers: ChildServer[]
  token: string
  /** SIGKILLs server i (no shutdown work) and waits until it is gone. */
  kill(i: number): Promise<void>
  /** Starts server i again on the same database (a new port). */
  restart(i: number): Promise<ChildServer>
  stop(): Promise<void>
}

export async function startTwoServers(extraArgs: string[] = []): Promise<TwoServers> {
  const pg = await startPostgres()
  const db = await pg.createDatabase()
  const disks = [0, 1].map((i) => mkdtempSync(join(tmpdir(), `sopflow-server-${i}-`)))
  const own = (i: number) => ({ TMPDIR: disks[i] })
  const first = await bootChild(db, own(0), extraArgs)
  const second = await bootChild(db, own(1), extraArgs)
  const servers = [first, second]
  const gone = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null
  const kill = async (i: number) => {
    const c = servers[i].child
    if (gone(c)) return
    c.kill('SIGKILL')
    await new Promise((r) => c.once('exit', r))
  }
  return {
    pg,
    db,
    servers,
    token: first.token,
    kill,
    async restart(i) {
      await kill(i)
      servers[i] = await bootChild(db, own(i), extraArgs)
      return servers[i]
    },
    async stop() {
      for (const s of servers) {
        if (gone(s.child)) continue
        s.child.kill('SIGTERM')
        await new Promise((r) => s.child.once('exit', r))
      }
      await pg.stop()
      for (const d of disks) rmSync(d, { recursive: true, force: true })
    },
  }
}

export interface Answer {
  status: number
  body: any
}

/** An API call with a bearer token; a refused connection (a killed server) is status 0. */
export async function api(
  base: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<Answer> {
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null }
  } catch {
    return { status: 0, body: null }
  }
}
