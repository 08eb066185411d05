import { describe, expect, it } from 'vitest'
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
})
