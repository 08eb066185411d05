import { afterEach, describe, expect, it } from 'vitest'
import { tokenHash } from '../../server/services/crypto.ts'
import { setup } from './helpers.ts'

// The rules of API tokens: whose tokens a person sees and revokes, what an administrator's token for
// someone else is, scopes that never widen, an expiry that must lie ahead, and what the log keeps.

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
afterEach(async () => {
  await ctx?.storage.close()
})

const create = (c: Ctx, token: string, body: Record<string, unknown>, path = '/api/tokens') =>
  c.call('POST', path, token, { name: 'CI', scopes: ['read'], ...body })

describe('personal tokens', () => {
  it('made for oneself: an id from the secret’s hash, personal, the secret shown once and working', async () => {
    ctx = await setup()
    const r = await create(ctx, ctx.tokens.agent, { name: 'Laptop', scopes: ['read', 'tickets'] })
    expect(r.status).toBe(201)
    expect(r.body.token).toMatchObject({
      id: `tok_${tokenHash(r.body.secret).slice(0, 16)}`,
      userId: ctx.users.agent,
      name: 'Laptop',
      kind: 'personal',
      scopes: ['read', 'tickets'],
      createdBy: ctx.users.agent,
      createdAt: ctx.clock().toISOString(),
      expiresAt: null,
      revokedAt: null,
    })
    const mine = await ctx.call('GET', '/api/tokens', r.body.secret)
    expect(mine.status).toBe(200)
    expect(mine.body.every((t: any) => t.userId === ctx.users.agent)).toBe(true)
    expect(mine.body.map((t: any) => t.id)).toContain(r.body.token.id)
    expect(JSON.stringify(mine.body)).not.toContain(r.body.secret)
    // Someone else's list does not show it.
    const theirs = (await ctx.call('GET', '/api/tokens', ctx.tokens.supervisor)).body
    expect(theirs.map((t: any) => t.id)).not.toContain(r.body.token.id)
  })

  it('revokes only one’s own; a second revoke keeps the first time; the revoked secret is refused', async () => {
    ctx = await setup()
    const { token, secret } = (await create(ctx, ctx.tokens.agent, {})).body
    const other = await ctx.call('DELETE', `/api/tokens/${token.id}`, ctx.tokens.supervisor)
    expect(other.status).toBe(404)
    expect(other.body.params).toEqual({ kind: 'token', id: token.id })
    const none = await ctx.call('DELETE', '/api/tokens/tok_none', ctx.tokens.agent)
    expect(none.status).toBe(404)
    expect(none.body.params).toEqual({ kind: 'token', id: 'tok_none' })
    expect((await ctx.call('GET', '/api/tokens', secret)).status).toBe(200)
    const at = ctx.clock().toISOString()
    const revoked = await ctx.call('DELETE', `/api/tokens/${token.id}`, ctx.tokens.agent)
    expect(revoked.status).toBe(200)
    expect(revoked.body).toMatchObject({ id: token.id, revokedAt: at, revokedBy: ctx.users.agent })
    ctx.clock.advance(60_000)
    const again = await ctx.call('DELETE', `/api/tokens/${token.id}`, ctx.tokens.agent)
    expect(again.body.revokedAt).toBe(at)
    const refused = await ctx.call('GET', '/api/tokens', secret)
    expect(refused.status).toBe(401)
    expect(refused.body.code).toBe('token_revoked')
    // The log: one creation with what was made, one revocation from open to revoked.
    const log = (await ctx.call('GET', `/api/admin-log?target=${token.id}`, ctx.tokens.admin)).body
    const entries = log.items
    const byAction = Object.fromEntries(entries.map((e: any) => [e.action, e]))
    expect(Object.keys(byAction).sort()).toEqual(['token.create', 'token.revoke'])
    expect(byAction['token.create'].after).toEqual({
      name: 'CI',
      userId: ctx.users.agent,
      kind: 'personal',
      scopes: ['read'],
      expiresAt: null,
    })
    expect(byAction['token.revoke'].before).toEqual({ name: 'CI', userId: ctx.users.agent, revokedAt: null })
    expect(byAction['token.revoke'].after).toEqual({ name: 'CI', userId: ctx.users.agent, revokedAt: at })
  })

  it('an expiry must lie ahead of now (now itself is refused) and is kept as an instant in UTC', async () => {
    ctx = await setup()
    const now = ctx.clock()
    for (const expiresAt of [new Date(now.getTime() - 1000).toISOString(), now.toISOString()]) {
      const r = await create(ctx, ctx.tokens.agent, { expiresAt })
      expect(r.status, expiresAt).toBe(400)
      expect(r.body.code).toBe('invalid_request')
      expect(r.body.errors).toEqual([{ path: 'expiresAt', message: 'must be in the future' }])
      expect(r.body.detail).toContain(expiresAt)
    }
    const ahead = await create(ctx, ctx.tokens.agent, { expiresAt: '2026-03-02T10:00:01+02:00' })
    expect(ahead.status).toBe(201)
    expect(ahead.body.token.expiresAt).toBe('2026-03-02T08:00:01.000Z')
    expect((await ctx.call('GET', '/api/tokens', ctx.tokens.agent)).body).toHaveLength(2)
  })

  it('a token makes tokens only with scopes it holds, naming those it does not', async () => {
    ctx = await setup()
    const narrow = (await create(ctx, ctx.tokens.agent, { scopes: ['read', 'tickets'] })).body.secret
    const wide = await create(ctx, narrow, { scopes: ['read', 'sops', 'admin'] })
    expect(wide.status).toBe(403)
    expect(wide.body.code).toBe('scope_not_held')
    expect(wide.body.params).toEqual({ scopes: 'sops, admin' })
    expect(wide.body.detail).toContain('sops, admin')
    const same = await create(ctx, narrow, { scopes: ['tickets'] })
    expect(same.status).toBe(201)
  })
})

describe('administrators’ tokens', () => {
  it('for another user: a service token; for oneself: personal; unknown or disabled users are refused', async () => {
    ctx = await setup()
    const path = '/api/admin/tokens'
    const service = await create(ctx, ctx.tokens.admin, { userId: ctx.users.auditor }, path)
    expect(service.status).toBe(201)
    expect(service.body.token).toMatchObject({
      userId: ctx.users.auditor,
      kind: 'service',
      createdBy: ctx.users.admin,
    })
    const own = await create(ctx, ctx.tokens.admin, { userId: ctx.users.admin }, path)
    expect(own.body.token.kind).toBe('personal')
    const unknown = await create(ctx, ctx.tokens.admin, { userId: 'u_none' }, path)
    expect(unknown.status).toBe(404)
    expect(unknown.body.params).toEqual({ kind: 'user', id: 'u_none' })
    expect(
      (await ctx.call('POST', `/api/users/${ctx.users.owner}/disable`, ctx.tokens.admin, {})).status,
    ).toBe(200)
    const disabled = await create(ctx, ctx.tokens.admin, { userId: ctx.users.owner }, path)
    expect(disabled.status).toBe(400)
    expect(disabled.body.code).toBe('invalid_request')
    expect(disabled.body.errors).toEqual([{ path: 'userId', message: 'the user is disabled' }])
    expect(disabled.body.detail).toBe('owner user is disabled; enable them first')
    // Everyone's tokens are listed for the administrator; the refused ones were not made.
    const all = (await ctx.call('GET', path, ctx.tokens.admin)).body
    const owners = new Set(all.map((t: any) => t.userId))
    expect(owners.has(ctx.users.auditor)).toBe(true)
    expect(owners.has(ctx.users.agent)).toBe(true)
    expect(all.some((t: any) => t.userId === ctx.users.owner && t.name === 'CI')).toBe(false)
    // An administrator revokes anyone's; an unknown one is not found.
    const revoked = await ctx.call('DELETE', `${path}/${service.body.token.id}`, ctx.tokens.admin)
    expect(revoked.body).toMatchObject({ revokedBy: ctx.users.admin, revokedAt: ctx.clock().toISOString() })
    const none = await ctx.call('DELETE', `${path}/tok_none`, ctx.tokens.admin)
    expect(none.status).toBe(404)
    expect(none.body.params).toEqual({ kind: 'token', id: 'tok_none' })
  })
})
