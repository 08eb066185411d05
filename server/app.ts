import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { adminLogRoutes } from './access/adminLog.ts'
import { permissionRoutes } from './access/permissionsRoute.ts'
import { adminTokenRoutes, tokenRoutes } from './access/tokens.ts'
import { userRoutes } from './access/users.ts'
import { type AuthConfig, createAuth } from './auth/auth.ts'
import { permissionGuard } from './auth/guard.ts'
import type { AppEnv } from './auth/identity.ts'
import { holidayRoutes } from './calendars/holidayRoutes.ts'
import { calendarRoutes } from './calendars/routes.ts'
import { type AttachmentContents, type AttachmentPolicy, AttachmentStore } from './channels/attachments.ts'
import { ConnectionService } from './channels/connections.ts'
import { FormService } from './channels/forms.ts'
import { ConversationService } from './channels/messages.ts'
import { connectionRoutes, conversationRoutes, publicChannelRoutes } from './channels/routes.ts'
import { noStore, securityHeaders } from './http/headers.ts'
import { onError, Problem } from './http/problem.ts'
import { loadOrCreateKey } from './ledger/keys.ts'
import { LedgerService } from './ledger/ledger.ts'
import { keyRoutes, ledgerRoutes } from './ledger/routes.ts'
import { customerReplyRows } from './notifications/deliver.ts'
import { NoticeHub } from './notifications/notifications.ts'
import { notificationRoutes } from './notifications/routes.ts'
import { docsPage, openApiDocument } from './openapi/document.ts'
import { OutboxCommitter } from './outbox/events.ts'
import type { OutboxStore } from './outbox/outbox.ts'
import type { ReplyConfig } from './outbox/replies.ts'
import { outboxRoutes, webhookRoutes } from './outbox/routes.ts'
import { auditRoutes } from './routes/audit.ts'
import { authRoutes, userLinkRoutes } from './routes/auth.ts'
import { customerRoutes } from './routes/customers.ts'
import { metricsRoutes } from './routes/metrics.ts'
import { roleRoutes } from './routes/roles.ts'
import { sopRoutes } from './routes/sops.ts'
import { teamRoutes } from './routes/teams.ts'
import { ticketRoutes } from './routes/tickets.ts'
import { MetricsRunner } from './services/metricsRunner.ts'
import { type Clock, TicketService } from './services/tickets.ts'
import type { Storage } from './storage/types.ts'
import { publicSurveyRoutes } from './surveys/routes.ts'
import { SurveyService } from './surveys/service.ts'

export interface AppConfig {
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number
  log?: (line: string) => void
  /** Signing in: session expiry, link lifetimes, attempt limits, single sign-on, cookies. */
  auth?: AuthConfig
  /** The address people open (for links in invitations); default: the request's own origin. */
  publicUrl?: string
  channels?: {
    /** Where attachments are stored (content-addressed); default: a folder in the system's temp dir. */
    attachmentsDir?: string
    attachments?: AttachmentPolicy
    /** Keeps attachment contents here instead of in `attachmentsDir` (PostgreSQL: in the database). */
    attachmentContents?: AttachmentContents
    /** The region a phone number without a country code is read in (ISO 3166, default VN). */
    phoneRegion?: string
    /** Web form submissions per IP and per e-mail or phone in a window (default 10 and 5 in 10 minutes). */
    formLimits?: { perIp?: number; perAddress?: number; windowMs?: number }
  }
  /** Where replies to customers go (From address, chat webhooks per channel). */
  replies?: ReplyConfig
}

export interface AppDeps {
  storage: Storage
  clock?: Clock
  config?: AppConfig
  /** The signed Merkle ledger; by default one with a key for this process only. */
  ledger?: LedgerService
  /** The outbox's storage; by default in the SQLite database of `storage`. */
  outbox?: OutboxStore
  /** The bell's live streams; by default this process's only (see NoticeHub.relayThrough). */
  noticeHub?: NoticeHub
}

/** Builds the API from its dependencies: nothing is global, so tests build as many apps as they like. */
export function createApp({
  storage,
  clock = () => new Date(),
  config = {},
  ledger: given,
  outbox: givenOutbox,
  noticeHub: givenHub,
}: AppDeps) {
  const log = config.log ?? (() => {})
  const outbox = givenOutbox ?? storage.outbox
  const notices = storage.notices
  const noticeHub = givenHub ?? new NoticeHub(log)
  // Every ticket commit carries the messages it causes (webhooks, replies): one transaction.
  const committer = new OutboxCommitter(storage, outbox, config.replies ?? {})
  const ledger = given ?? new LedgerService(storage, loadOrCreateKey(null), { clock, log })
  const tickets = new TicketService(storage, committer, clock, ledger)
  const surveys = new SurveyService(storage, clock, config.replies ?? {})
  if (config.publicUrl) surveys.baseUrl = config.publicUrl
  surveys.attach(tickets)
  const auth = createAuth(storage, clock, config.auth)
  const ch = config.channels ?? {}
  const files = new AttachmentStore(
    ch.attachmentsDir ?? join(tmpdir(), 'sopflow-attachments'),
    ch.attachments,
    ch.attachmentContents,
  )
  const conversations = new ConversationService(storage, tickets, files, {
    phoneRegion: ch.phoneRegion ?? 'VN',
    clock,
  })
  // A customer's reply on an open ticket tells its assignee and watchers (the bell, and e-mail).
  conversations.threadedNotices = async (m) =>
    m.ticketId ? customerReplyRows(storage, m.ticketId, m.id, m.at) : []
  const connections = new ConnectionService(storage, clock)
  const forms = new FormService(storage, tickets, conversations, clock, ch.formLimits)
  const channelParts = { storage, tickets, connections, conversations, forms }
  const metrics = new MetricsRunner(storage, tickets)
  const api = new Hono<AppEnv>()

  api.onError(onError(log))
  api.notFound((c) =>
    onError(log)(new Problem(404, 'not_found', `No route for ${c.req.method} ${c.req.path}`), c),
  )
  // The body limit: a declared length over it is refused before reading; jsonBody checks the rest.
  // (Hono's bodyLimit middleware would turn every request into a web stream, which is slow here.)
  const maxBody = config.bodyLimit ?? 1024 * 1024
  api.use('*', async (c, next) => {
    c.set('maxBody', maxBody)
    const length = Number(c.req.header('content-length') ?? 0)
    if (length > maxBody)
      throw new Problem(413, 'body_too_large', `The request body is larger than ${maxBody} bytes`)
    await next()
  })
  api.use('*', async (c, next) => {
    const type = c.req.header('content-type')
    if (['POST', 'PUT'].includes(c.req.method) && type && !/^application\/(.+\+)?json\b/i.test(type)) {
      throw new Problem(
        415,
        'unsupported_media_type',
        `Send JSON (Content-Type: application/json), not ${type}`,
      )
    }
    await next()
  })

  // One guard, driven by the permission table, in front of every route (./auth/permissions.ts).
  api.use(
    '*',
    permissionGuard(storage, auth, clock, () =>
      api.routes.map((r) => ({ method: r.method, path: `/api${r.path}` })),
    ),
  )

  const openapi = openApiDocument()
  api.get('/openapi.json', (c) => c.json(openapi))
  api.get('/docs', (c) => c.html(docsPage(openapi)))
  // Up, and the database answers (load balancers take a server out when it does not).
  api.get('/health', async (c) => {
    try {
      await storage.countUsers()
      return c.json({ ok: true, database: { kind: storage.kind, ok: true } })
    } catch (err) {
      return c.json(
        { ok: false, database: { kind: storage.kind, ok: false, error: (err as Error).message } },
        503,
      )
    }
  })

  api.route('/auth', authRoutes(auth, clock))

  // Channels customers and gateways reach without an account (signature or status link instead).
  api.route('/', publicChannelRoutes(channelParts))
  api.route('/public/surveys', publicSurveyRoutes(surveys))

  api.get('/me', (c) => {
    const { id, name, role, team } = c.get('user')
    return c.json({ id, name, role, team })
  })
  api.route('/permissions', permissionRoutes())
  api.route('/users', userRoutes(storage, clock))
  api.route('/tokens', tokenRoutes(storage, clock))
  api.route('/admin/tokens', adminTokenRoutes(storage, clock))
  api.route('/admin-log', adminLogRoutes(storage))
  api.route('/users', userLinkRoutes(auth, clock, config.publicUrl))
  api.route('/roles', roleRoutes(storage, clock))
  api.route('/teams', teamRoutes(storage, clock))
  api.route('/sops', sopRoutes(storage, clock))
  api.route('/calendars', calendarRoutes(storage, clock))
  api.route('/holidays', holidayRoutes())
  api.route('/customers', customerRoutes(storage, clock))
  api.route('/tickets', ticketRoutes(storage, tickets))
  api.route('/metrics', metricsRoutes(storage, tickets, metrics))
  api.route('/audit', auditRoutes(storage, tickets))
  api.route('/ledger', ledgerRoutes(ledger))
  api.route('/keys', keyRoutes(ledger))
  api.route('/channels', connectionRoutes(channelParts))
  api.route('/', conversationRoutes(channelParts))
  api.route('/outbox', outboxRoutes(outbox, clock))
  api.route('/webhooks', webhookRoutes(outbox, clock))
  api.route('/notifications', notificationRoutes(notices, noticeHub, clock))

  const app = new Hono()
  app.onError(onError(log))
  app.notFound((c) =>
    onError(log)(new Problem(404, 'not_found', `No route for ${c.req.method} ${c.req.path}`), c),
  )
  app.use('*', securityHeaders())
  app.use('/api/*', noStore())
  app.route('/api', api)
  return {
    app,
    tickets,
    storage,
    ledger,
    auth,
    channels: { conversations, connections, forms },
    outbox,
    notices,
    noticeHub,
    metrics,
    surveys,
  }
}

export type SopflowApp = ReturnType<typeof createApp>
