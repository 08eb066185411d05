import { Hono } from 'hono'
import { authenticate } from './auth/authenticate.ts'
import type { AppEnv } from './auth/identity.ts'
import { allow } from './auth/roles.ts'
import { calendarRoutes } from './calendars/routes.ts'
import { noStore, securityHeaders } from './http/headers.ts'
import { jsonBody, onError, Problem, parse } from './http/problem.ts'
import { loadOrCreateKey } from './ledger/keys.ts'
import { LedgerService } from './ledger/ledger.ts'
import { keyRoutes, ledgerRoutes } from './ledger/routes.ts'
import { docsPage, openApiDocument } from './openapi/document.ts'
import { auditRoutes } from './routes/audit.ts'
import { customerRoutes } from './routes/customers.ts'
import { metricsRoutes } from './routes/metrics.ts'
import { roleRoutes } from './routes/roles.ts'
import { sopRoutes } from './routes/sops.ts'
import { ticketRoutes } from './routes/tickets.ts'
import { schemas } from './schemas.ts'
import { newId, newToken, tokenHash } from './services/crypto.ts'
import { type Clock, TicketService } from './services/tickets.ts'
import { GroupCommitter } from './storage/groupCommit.ts'
import type { Storage } from './storage/types.ts'

export interface AppConfig {
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number
  log?: (line: string) => void
}

export interface AppDeps {
  storage: Storage
  clock?: Clock
  config?: AppConfig
  /** The signed Merkle ledger; by default one with a key for this process only. */
  ledger?: LedgerService
}

/** Builds the API from its dependencies: nothing is global, so tests build as many apps as they like. */
export function createApp({ storage, clock = () => new Date(), config = {}, ledger: given }: AppDeps) {
  const log = config.log ?? (() => {})
  const committer = new GroupCommitter(storage)
  const ledger = given ?? new LedgerService(storage, loadOrCreateKey(null), { clock, log })
  const tickets = new TicketService(storage, committer, clock, ledger)
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

  const openapi = openApiDocument()
  api.get('/openapi.json', (c) => c.json(openapi))
  api.get('/docs', (c) => c.html(docsPage(openapi)))
  api.get('/health', (c) => c.json({ ok: true }))

  api.use('*', authenticate(storage))
  api.get('/me', (c) => {
    const { id, name, role, team } = c.get('user')
    return c.json({ id, name, role, team })
  })
  api.get('/users', allow('supervisor', 'auditor'), async (c) => c.json(await storage.listUsers()))
  api.post('/users', allow(), async (c) => {
    const body = parse(schemas.userCreate, await jsonBody(c))
    const token = newToken()
    const user = await storage.createUser(
      {
        id: newId('u'),
        name: body.name,
        role: body.role,
        team: body.team ?? null,
        createdAt: clock().toISOString(),
      },
      tokenHash(token),
      'created by admin',
    )
    return c.json({ user, token }, 201)
  })
  api.route('/roles', roleRoutes())
  api.route('/sops', sopRoutes(storage, clock))
  api.route('/calendars', calendarRoutes(storage, clock))
  api.route('/customers', customerRoutes(storage, clock))
  api.route('/tickets', ticketRoutes(storage, tickets))
  api.route('/metrics', metricsRoutes(storage, tickets))
  api.route('/audit', auditRoutes(storage, tickets))
  api.route('/ledger', ledgerRoutes(ledger))
  api.route('/keys', keyRoutes(ledger))

  const app = new Hono()
  app.onError(onError(log))
  app.notFound((c) =>
    onError(log)(new Problem(404, 'not_found', `No route for ${c.req.method} ${c.req.path}`), c),
  )
  app.use('*', securityHeaders())
  app.use('/api/*', noStore())
  app.route('/api', api)
  return { app, tickets, storage, ledger }
}

export type SopflowApp = ReturnType<typeof createApp>
