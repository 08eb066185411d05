import { execFile, execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { inject } from 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The port of the PostgreSQL server a mutation run shares between its test runs (`test/mutation-postgres.ts`). */
    sopflowSharedPostgres?: number
  }
}

/**
 * A throwaway PostgreSQL server for tests, started from the machine's binaries (Debian's
 * `postgresql` package, or SOPFLOW_PG_BIN): `initdb` in a temporary folder, `pg_ctl start` on a
 * free port, as the `postgres` user when run as root. Without the binaries it fails at once,
 * naming what to install: PostgreSQL tests never skip.
 */
export function postgresBin(): string {
  const given = process.env.SOPFLOW_PG_BIN
  if (given) return given
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : []
  if (!versions.length)
    throw new Error(
      'The PostgreSQL tests need the PostgreSQL server binaries (initdb, pg_ctl). Run: sudo apt-get install -y postgresql (or set SOPFLOW_PG_BIN)',
    )
  return join(root, versions[0], 'bin')
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

/** Who runs the server: the postgres user when we are root (PostgreSQL refuses to run as root). */
function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim())
  return { uid, gid }
}

export interface TestPostgres {
  port: number
  /** A URL of a new, empty database on this server. */
  createDatabase(name?: string): Promise<string>
  /** The URL of a database by name. */
  url(database: string): string
  /** Stops the server at once (as a crash would) or cleanly, and removes its files. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>
}

let counter = 0

const urlOn = (port: number) => (database: string) => `postgres://sopflow@127.0.0.1:${port}/${database}`

async function createOn(port: number, database: string): Promise<string> {
  const client = new pg.Client({ connectionString: urlOn(port)('postgres') })
  await client.connect()
  try {
    await client.query(`CREATE DATABASE "${database}"`)
  } finally {
    await client.end()
  }
  return urlOn(port)(database)
}

/**
 * A server for the test file: its own, or in a mutation run the one server the run shares (so
 * that each of its thousands of test runs does not start one). A shared server's `stop` drops
 * the databases this file created and leaves the server running.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const shared = sharedPort()
  return shared ? sharedPostgres(shared) : startOwnPostgres()
}

/** The shared server's port in a mutation run; none in other test runs and outside Vitest (the bench). */
function sharedPort(): number | undefined {
  try {
    return inject('sopflowSharedPostgres')
  } catch {
    return undefined
  }
}

function sharedPostgres(port: number): TestPostgres {
  const created: string[] = []
  // Names differ between the runs of one worker: each run loads this module afresh.
  const prefix = `m${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  return {
    port,
    url: urlOn(port),
    async createDatabase(name?: string) {
      const database = name ?? `${prefix}_${++counter}`
      created.push(database)
      return createOn(port, database)
    },
    async stop() {
      const client = new pg.Client({ connectionString: urlOn(port)('postgres') })
      await client.connect()
      try {
        for (const d of created.splice(0)) await client.query(`DROP DATABASE IF EXISTS "${d}" WITH (FORCE)`)
      } finally {
        await client.end()
      }
    },
  }
}

/**
 * Starts a server of the test's own. `durable: false` (a mutation run's shared server only) turns
 * off fsync, which makes creating a database and its schema about six times faster; what the
 * tests run against it does not depend on surviving a power cut.
 */
export async function startOwnPostgres(options: { durable?: boolean } = {}): Promise<TestPostgres> {
  const durable = options.durable ?? true
  const bin = postgresBin()
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-pg-'))
  const data = join(dir, 'data')
  const user = runAs()
  if (user) chownSync(dir, user.uid, user.gid)
  const run = promisify(execFile)
  const opts = { ...(user ?? {}), cwd: dir, env: { ...process.env, LC_ALL: 'C' } }
  await run(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'sopflow', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    opts,
  )
  const port = await freePort()
  writeFileSync(
    join(data, 'postgresql.auto.conf'),
    [
      `port = ${port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dir}'`,
      'max_connections = 200',
      `synchronous_commit = ${durable ? 'on' : 'off'}`,
      `fsync = ${durable ? 'on' : 'off'}`,
    ].join('\n'),
  )
  if (user) chownSync(join(data, 'postgresql.auto.conf'), user.uid, user.gid)
  await run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', 'start'], opts)
  const url = urlOn(port)
  let stopped = false
  return {
    port,
    url,
    createDatabase: (name?: string) => createOn(port, name ?? `t${process.pid}_${++counter}`),
    async stop(mode = 'fast') {
      if (stopped) return
      stopped = true
      await run(join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', 'stop'], opts).catch(() => {})
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
