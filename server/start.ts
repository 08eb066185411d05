import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, extname, join, normalize, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'
import { createApp, type SopflowApp } from './app.ts'
import type { AuthConfig } from './auth/auth.ts'
import { EXAMPLE_CALENDARS, seedCalendars } from './calendars/examples.ts'
import { compileForPublish, publishPinned } from './calendars/store.ts'
import { startSmtp } from './channels/smtp.ts'
import { decodePath } from './http/path.ts'
import { Problem } from './http/problem.ts'
import { loadOrCreateKey } from './ledger/keys.ts'
import { LedgerService } from './ledger/ledger.ts'
import { noticeSender } from './notifications/deliver.ts'
import { NoticeHub } from './notifications/notifications.ts'
import { startPgNoticeRelay } from './notifications/pgNoticeRelay.ts'
import { mailSender } from './outbox/mail.ts'
import { webhookSender } from './outbox/webhookOut.ts'
import { OutboxWorker, type WorkerOptions } from './outbox/worker.ts'
import { newId, newToken, tokenHash } from './services/crypto.ts'
import type { Clock } from './services/tickets.ts'
import { databaseTarget } from './storage/databaseUrl.ts'
import { openStorage } from './storage/open.ts'
import { PgAttachmentContents, sharedLedgerKey } from './storage/pgShared.ts'
import { PgStorage } from './storage/postgres.ts'
import type { Storage, User } from './storage/types.ts'
import { TimerScheduler } from './timers/scheduler.ts'

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000

/**
 * Graceful draining of an HTTP server. The returned function stops accepting, closes idle
 * keep-alive connections, marks every later answer `Connection: close` (so each busy connection
 * ends after its current request), and waits for requests in flight; at the deadline the
 * connections still open are cut.
 */
export function drainer(server: HttpServer): (withinMs: number) => Promise<void> {
  let draining = false
  let inFlight = 0
  let settled: (() => void) | null = null
  server.prependListener('request', (_req, res) => {
    inFlight++
    if (draining) res.setHeader('connection', 'close')
    res.once('close', () => {
      inFlight--
      if (draining && inFlight === 0) settled?.()
    })
  })
  return async (withinMs) => {
    draining = true
    const closed = new Promise<void>((ok) => server.close(() => ok()))
    server.closeIdleConnections()
    // A connection that goes idle after its answer (Connection: close ends it anyway) is closed.
    const sweep = setInterval(() => server.closeIdleConnections(), 50)
    const idle = inFlight === 0 ? Promise.resolve() : new Promise<void>((ok) => (settled = ok))
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<'late'>((ok) => (timer = setTimeout(() => ok('late'), withinMs)))
    const outcome = await Promise.race([Promise.all([closed, idle]), deadline])
    clearInterval(sweep)
    clearTimeout(timer)
    if (outcome === 'late') {
      server.closeAllConnections()
      await Promise.race([closed, new Promise((ok) => setTimeout(ok, 500))])
    }
  }
}

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
  /** Signing in: session expiry, attempt limits, single sign-on (see AuthConfig). */
  auth?: AuthConfig
  /** The address people open, for the links the server makes (default: its own URL). */
  publicUrl?: string
  /** Listen for mail over SMTP on this port (off when not given; 0 picks a free port). */
  smtpPort?: number | null
  /** PEM certificate and key: the SMTP listener then offers STARTTLS. */
  smtpCert?: string
  smtpKey?: string
  /** Largest mail accepted over SMTP, in bytes (default 25 MiB). */
  smtpMaxBytes?: number
  /** Outgoing mail goes through this relay (smtp://user:pass@host:port; default SOPFLOW_SMTP_RELAY). */
  smtpRelay?: string | null
  /** The From address of replies to customers (default SOPFLOW_MAIL_FROM). */
  mailFrom?: string
  /** Chat/SMS/social replies: the outbound webhook URL per channel name. */
  channelWebhooks?: Record<string, string>
  /** The outbox's delivery worker: polling, lease, backoff, give-up. */
  outbox?: WorkerOptions
  /**
   * The ledger's signing key (PKCS #8 PEM), created there at the first start. Default: beside a
   * SQLite file; on PostgreSQL, kept in the database so every server signs with the same key.
   */
  ledgerKeyFile?: string
  /**
   * A folder for attachment contents (shared by every server when several run). Default: beside a
   * SQLite file; on PostgreSQL, in the database.
   */
  attachmentsDir?: string
  /** How long a shutdown may take before open connections are cut (ms, default 10,000). */
  shutdownTimeoutMs?: number
}

export interface RunningServer {
  url: string
  port: number
  /** A token of the first administrator, when this start created the database. */
  adminToken: string
  /** The one-time link with which the first administrator chooses a password (first start only). */
  setupUrl: string | null
  app: SopflowApp
  storage: Storage
  /** The HTTP server (for measuring: its `request` events). */
  http: ReturnType<typeof serve>
  /** The SMTP listener's port, when it listens. */
  smtpPort: number | null
  /** The outbox's delivery worker. */
  outbox: OutboxWorker
  /**
   * Shuts down: stops accepting connections, closes idle keep-alive connections, answers requests
   * still arriving with `Connection: close`, lets requests in flight finish their commits, then
   * stops the timers, the ledger and the database, all within the shutdown timeout.
   */
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
  const compiled = await compileForPublish(storage, document)
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
  const v = await publishPinned(storage, compiled, {
    sopId: id,
    publishedAt: now,
    publishedBy: by,
  })
  return { id, version: v.version }
}

/** Starts sopflow: the database, the API, the web app and the timer scheduler. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const log = options.log ?? (() => {})
  const clock = options.clock ?? (() => new Date())
  // A file path (SQLite, its folder created) or a postgres:// URL; an unknown scheme is refused.
  const target = databaseTarget(options.dbPath)
  const storage = await openStorage(options.dbPath, { backgroundCheckpoints: true, writerThread: true })
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
    // The calendars the examples name (their contact windows) come first: publishing pins them.
    for (const id of await seedCalendars(storage, EXAMPLE_CALENDARS, admin.id, clock()))
      log(`loaded example calendar ${id}`)
    for (const f of files) {
      try {
        const r = await importSop(storage, JSON.parse(readFileSync(join(dir, f), 'utf8')), admin.id, now)
        log(`loaded example ${f} as ${r.id} v${r.version}`)
      } catch (err) {
        log(`skipped example ${f}: ${(err as Error).message}`)
      }
    }
  }
  // On SQLite the ledger's signing key and the tree heads live beside the database, not in it.
  // Servers sharing a PostgreSQL database share its key there (or are all given one file).
  const dataDir =
    target.kind === 'sqlite' && target.path !== ':memory:' ? dirname(resolve(target.path)) : null
  const pgShared = storage instanceof PgStorage ? storage : null
  const key = options.ledgerKeyFile
    ? loadOrCreateKey(resolve(options.ledgerKeyFile))
    : pgShared
      ? await sharedLedgerKey(pgShared.db, now)
      : loadOrCreateKey(dataDir && join(dataDir, 'ledger-key.pem'))
  const ledger = new LedgerService(storage, key, {
    clock,
    log,
    headsFile: dataDir && join(dataDir, 'ledger-heads.jsonl'),
    witnessUrl: options.witnessUrl ?? process.env.SOPFLOW_WITNESS_URL ?? null,
    intervalMs: options.treeHeadIntervalMs,
  })
  await ledger.head()
  ledger.start()
  const mailFrom = options.mailFrom ?? process.env.SOPFLOW_MAIL_FROM ?? 'sopflow <sopflow@localhost>'
  const replies = { mailFrom, channelWebhooks: options.channelWebhooks }
  // The bell's live notices reach the streams on every server of a PostgreSQL database.
  const noticeHub = new NoticeHub(log)
  const relay =
    pgShared && target.kind === 'postgres'
      ? await startPgNoticeRelay(target.url, pgShared.pool, noticeHub, log, clock)
      : null
  const attachments = options.attachmentsDir
    ? { attachmentsDir: resolve(options.attachmentsDir) }
    : pgShared
      ? { attachmentContents: new PgAttachmentContents(pgShared.db) }
      : dataDir
        ? { attachmentsDir: join(dataDir, 'attachments') }
        : {}
  const sopflow = createApp({
    storage,
    clock,
    config: {
      log,
      replies,
      auth: options.auth,
      publicUrl: options.publicUrl,
      channels: attachments,
    },
    ledger,
    noticeHub,
  })
  // Messages a crash left stored but not yet on their new ticket are finished first.
  const recovered = await sopflow.channels.conversations.recover()
  if (recovered) log(`channels: finished ${recovered} stored message(s)`)
  const smtp =
    options.smtpPort === undefined || options.smtpPort === null
      ? null
      : await startSmtp(storage, sopflow.channels.conversations, {
          port: options.smtpPort,
          host: options.host ?? '127.0.0.1',
          certFile: options.smtpCert,
          keyFile: options.smtpKey,
          maxBytes: options.smtpMaxBytes,
          log,
        })
  const worker = new OutboxWorker(
    sopflow.outbox,
    {
      mail: mailSender(options.smtpRelay ?? process.env.SOPFLOW_SMTP_RELAY ?? null),
      webhook: webhookSender(sopflow.outbox, { connection: (id) => storage.channels.getConnection(id) }),
      notify: noticeSender(sopflow.notices, sopflow.outbox, sopflow.noticeHub, mailFrom),
    },
    clock,
    { log, ...options.outbox },
  )
  serveWebApp(sopflow.app, resolve(options.staticDir ?? join(ROOT, 'dist', 'editor')))
  const scheduler = new TimerScheduler(storage, sopflow.tickets, clock, {
    intervalMs: options.timerIntervalMs,
    // The embedded database has one process: what a killed one claimed is free at once.
    releaseLeasesAtStart: storage.kind === 'sqlite',
    log,
  })
  const host = options.host ?? '127.0.0.1'
  const server = await new Promise<ReturnType<typeof serve>>((ok) => {
    const s = serve({ fetch: sopflow.app.fetch, port: options.port ?? 8787, hostname: host }, () => ok(s))
  })
  const port = (server.address() as AddressInfo).port
  const drain = drainer(server as unknown as HttpServer)
  scheduler.start()
  worker.start()
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`
  sopflow.surveys.baseUrl = options.publicUrl ?? url
  const admin = created ? (await storage.listUsers()).find((u) => u.role === 'admin') : undefined
  const setupUrl = admin
    ? `${(options.publicUrl ?? url).replace(/\/$/, '')}${(await sopflow.auth.links.issue(admin.id, 'setup')).path}`
    : null
  return {
    url,
    port,
    adminToken,
    setupUrl,
    app: sopflow,
    storage,
    http: server,
    smtpPort: smtp?.port ?? null,
    outbox: worker,
    async close() {
      const timeout = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS
      // The HTTP side gets most of the time; stopping the writer and the ledger needs the rest.
      await drain(Math.max(timeout - 3000, timeout / 2))
      await scheduler.stop()
      await smtp?.close()
      await worker.stop()
      await sopflow.metrics.close()
      await ledger.stop().catch((e) => log(`ledger: no last tree head: ${(e as Error).message}`))
      await relay?.close()
      await storage.close()
    },
  }
}
