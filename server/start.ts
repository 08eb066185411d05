import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { dirname, extname, join, normalize, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'
import { compile } from '../engine/index.ts'
import { createApp, type SopflowApp } from './app.ts'
import { decodePath } from './http/path.ts'
import { Problem } from './http/problem.ts'
import { loadOrCreateKey } from './ledger/keys.ts'
import { LedgerService } from './ledger/ledger.ts'
import { newId, newToken, sha256, tokenHash } from './services/crypto.ts'
import type { Clock } from './services/tickets.ts'
import { SqliteStorage } from './storage/sqlite.ts'
import type { Storage, User } from './storage/types.ts'
import { TimerScheduler } from './timers/scheduler.ts'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

export interface StartOptions {
  dbPath: string
  /** 0 picks a free port. */
  port?: number
  host?: string
  /** The built web app; default dist/editor. */
  staticDir?: string
  clock?: Clock
  /** Load examples/*.json as published SOPs when the database is new (default true). */
  seedExamples?: boolean
  timerIntervalMs?: number
  log?: (line: string) => void
  /** Every signed tree head is also POSTed to this URL (default: SOPFLOW_WITNESS_URL). */
  witnessUrl?: string | null
  /** How often a tree head is signed while records are added (ms, default 1000). */
  treeHeadIntervalMs?: number
}

export interface RunningServer {
  url: string
  port: number
  /** A token of the first administrator, when this start created the database. */
  adminToken: string
  app: SopflowApp
  storage: SqliteStorage
  /** The HTTP server (for measuring: its `request` events). */
  http: ReturnType<typeof serve>
  close(): Promise<void>
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
}

/** Serves the built web app, with index.html for every page route. */
export function serveWebApp(app: Hono, dir: string): void {
  app.get('*', async (c) => {
    if (c.req.path.startsWith('/api/')) throw new Problem(404, 'not_found', `No route for GET ${c.req.path}`)
    const path = normalize(decodePath(new URL(c.req.url).pathname)).replace(/^(\.\.[/\\])+/, '')
    let file = join(dir, path)
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory())
      file = join(dir, 'index.html')
    if (!existsSync(file)) {
      return c.text('The web app is not built: run `npm run build` (npm start does it for you).', 404)
    }
    const body = await readFile(file)
    const immutable = file.includes(`${join(dir, 'assets')}`)
    return c.body(body, 200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    })
  })
}

/** Creates the first administrator (when there are no users) and returns their token. */
export async function ensureAdmin(storage: Storage, now: string): Promise<string | null> {
  if ((await storage.countUsers()) > 0) return null
  const token = newToken()
  const user: User = { id: newId('u'), name: 'Administrator', role: 'admin', team: null, createdAt: now }
  await storage.createUser(user, tokenHash(token), 'first administrator')
  return token
}

/** Imports an SOP document: creates it (or saves the draft) and publishes it when it is valid and new. */
export async function importSop(
  storage: Storage,
  document: Record<string, unknown>,
  by: string,
  now: string,
): Promise<{ id: string; version: number | null }> {
  const compiled = compile(document, { sha256 })
  const id = compiled.document.id
  const existing = await storage.getSop(id)
  if (!existing) {
    await storage.createSop({
      id,
      draft: document,
      archived: false,
      createdAt: now,
      updatedAt: now,
      createdBy: by,
    })
  } else {
    await storage.saveDraft(id, document, now)
  }
  const latest = await storage.latestVersion(id)
  if (latest?.hash === compiled.hash) return { id, version: latest.version }
  const v = await storage.publishVersion({
    sopId: id,
    hash: compiled.hash,
    document: compiled.document,
    publishedAt: now,
    publishedBy: by,
  })
  return { id, version: v.version }
}

/** Starts sopflow: the database, the API, the web app and the timer scheduler. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const log = options.log ?? (() => {})
  const clock = options.clock ?? (() => new Date())
  if (options.dbPath !== ':memory:') mkdirSync(dirname(resolve(options.dbPath)), { recursive: true })
  const storage = new SqliteStorage(options.dbPath, { backgroundCheckpoints: true, writerThread: true })
  const now = clock().toISOString()
  const created = (await storage.countUsers()) === 0
  const adminToken = (await ensureAdmin(storage, now)) ?? ''
  if (created && options.seedExamples !== false) {
    const dir = join(ROOT, 'examples')
    const files = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .sort()
      : []
    const admin = (await storage.listUsers())[0]
    for (const f of files) {
      try {
        const r = await importSop(storage, JSON.parse(readFileSync(join(dir, f), 'utf8')), admin.id, now)
        log(`loaded example ${f} as ${r.id} v${r.version}`)
      } catch (err) {
        log(`skipped example ${f}: ${(err as Error).message}`)
      }
    }
  }
  // The ledger's signing key and the tree heads live beside the database, not in it.
  const dataDir = options.dbPath === ':memory:' ? null : dirname(resolve(options.dbPath))
  const ledger = new LedgerService(storage, loadOrCreateKey(dataDir && join(dataDir, 'ledger-key.pem')), {
    clock,
    log,
    headsFile: dataDir && join(dataDir, 'ledger-heads.jsonl'),
    witnessUrl: options.witnessUrl ?? process.env.SOPFLOW_WITNESS_URL ?? null,
    intervalMs: options.treeHeadIntervalMs,
  })
  await ledger.head()
  ledger.start()
  const sopflow = createApp({ storage, clock, config: { log }, ledger })
  serveWebApp(sopflow.app, resolve(options.staticDir ?? join(ROOT, 'dist', 'editor')))
  const scheduler = new TimerScheduler(storage, sopflow.tickets, clock, {
    intervalMs: options.timerIntervalMs,
    log,
  })
  const host = options.host ?? '127.0.0.1'
  const server = await new Promise<ReturnType<typeof serve>>((ok) => {
    const s = serve({ fetch: sopflow.app.fetch, port: options.port ?? 8787, hostname: host }, () => ok(s))
  })
  const port = (server.address() as AddressInfo).port
  scheduler.start()
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`
  return {
    url,
    port,
    adminToken,
    app: sopflow,
    storage,
    http: server,
    async close() {
      await scheduler.stop()
      await new Promise<void>((ok) => server.close(() => ok()))
      await ledger.stop().catch((e) => log(`ledger: no last tree head: ${(e as Error).message}`))
      await storage.close()
    },
  }
}
