import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { permissionGuard } from '../../server/auth/guard.ts'
import { onError } from '../../server/http/problem.ts'
import { setup } from './helpers.ts'

describe('guard and authentication rules', () => {
  it('refuses a role the route does not allow with 403, naming the role and the roles it needs', async () => {
    const c = await setup()
    const r = await c.call('POST', '/api/users', c.tokens.agent, { name: 'x', role: 'agent', team: 'hanoi' })
    expect(r.status).toBe(403)
    expect(r.body.code).toBe('forbidden')
    expect(r.body.params).toEqual({ role: 'agent', roles: 'admin' })
    expect(r.body.detail).toBe('Your role (agent) may not do this; it needs: admin')
  })

  it('refuses a token whose scopes do not cover the route, naming its scopes and those needed', async () => {
    const c = await setup()
    const made = await c.call('POST', '/api/tokens', c.tokens.agent, { name: 'ro', scopes: ['read', 'sops'] })
    expect(made.status).toBe(201)
    const r = await c.call('POST', '/api/tickets', made.body.secret, {
      sopId: 'support-ticket',
      channel: 'phone',
      subject: 'x',
    })
    expect(r.status).toBe(403)
    expect(r.body.code).toBe('scope_missing')
    expect(r.body.params).toEqual({ scopes: 'tickets, ingest', has: 'read, sops' })
    expect(r.body.detail).toBe(
      "This token's scopes (read, sops) do not cover this route; it needs one of: tickets, ingest",
    )
    expect((await c.call('GET', '/api/tickets', made.body.secret)).status).toBe(200)
  })

  it('lets public routes through without a credential, and HEAD where GET is allowed', async () => {
    const c = await setup()
    expect((await c.call('GET', '/api/health', null)).status).toBe(200)
    expect((await c.call('HEAD', '/api/tickets', c.tokens.agent)).status).toBe(200)
    expect((await c.call('HEAD', '/api/tickets', null)).status).toBe(401)
  })

  it('names why a request is not signed in: no credential, a bad token, or an ended session', async () => {
    const c = await setup()
    const none = await c.call('GET', '/api/tickets', null)
    expect([none.status, none.body.code, none.body.params]).toEqual([
      401,
      'unauthenticated',
      { reason: 'none' },
    ])
    expect(none.body.detail).toBe('Sign in, or send an API token as "Authorization: Bearer <token>"')
    const bad = await c.call('GET', '/api/tickets', 'sf_nope')
    expect([bad.status, bad.body.detail]).toEqual([401, 'The token is not valid'])
    const lower = await c.call('GET', '/api/tickets', null, undefined, {
      authorization: `bearer   ${c.tokens.agent}`,
    })
    expect(lower.status).toBe(200)
    const ended = await c.call('GET', '/api/tickets', null, undefined, { cookie: 'sopflow_session=gone' })
    expect([ended.status, ended.body.params]).toEqual([401, { reason: 'session' }])
    expect(ended.body.detail).toBe('Your session has ended; sign in again')
  })

  it('a session cookie signs a person in, as the user the session belongs to', async () => {
    const c = await setup()
    const { secret } = await c.sopflow.auth.sessions.open(c.users.supervisor, 'password')
    const me = await c.call('GET', '/api/me', null, undefined, { cookie: `sopflow_session=${secret}` })
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({ id: c.users.supervisor, role: 'supervisor' })
  })

  it('refuses a route the table lacks by its method and pattern, HEAD as GET, naming it; other methods and middleware are not routes', async () => {
    const c = await setup()
    const app = new Hono()
    app.onError(onError(() => {}))
    app.use(
      '*',
      permissionGuard(
        c.storage,
        c.sopflow.auth,
        () => new Date(),
        () => app.routes,
      ),
    )
    app.use('/api/*', async (_c, next) => next())
    app.get('/api/secrets/:id', (x) => x.json({ leaked: true }))
    const call = (method: string, path: string) =>
      app.request(path, { method, headers: { authorization: `Bearer ${c.tokens.admin}` } })
    const r = await call('GET', '/api/secrets/s1')
    expect(r.status).toBe(403)
    expect(await r.json()).toMatchObject({
      code: 'not_in_permission_table',
      params: { method: 'GET', path: '/api/secrets/s1' },
      detail: 'GET /api/secrets/s1 is not in the permission table, so no one may call it',
    })
    expect((await call('HEAD', '/api/secrets/s1')).status).toBe(403)
    // No such route for POST, nor under a path the middleware alone covers: not found.
    expect((await call('POST', '/api/secrets/s1')).status).toBe(404)
    expect((await call('GET', '/api/elsewhere')).status).toBe(404)
  })

  it('lets session routes through to answer for themselves: without a session, the route says so', async () => {
    const c = await setup()
    const r = await c.call('GET', '/api/auth/session', null)
    expect([r.status, r.body.detail, r.body.params]).toEqual([
      401,
      'You are not signed in',
      { reason: 'session' },
    ])
  })

  it('names every role a route needs, in the table’s order', async () => {
    const c = await setup()
    const r = await c.call('GET', '/api/admin-log', c.tokens.agent)
    expect(r.status).toBe(403)
    expect(r.body.params.roles).toBe('auditor, admin')
    expect(r.body.detail).toBe(`Your role (agent) may not do this; it needs: ${r.body.params.roles}`)
  })
})
