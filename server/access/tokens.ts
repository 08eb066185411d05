import { type Context, Hono } from 'hono'
import type { AppEnv } from '../auth/identity.ts'
import { jsonBody, notFound, Problem, parse } from '../http/problem.ts'
import { newToken, tokenHash } from '../services/crypto.ts'
import type { TokenKind, TokenRecord } from '../storage/accessTypes.ts'
import type { Storage, User } from '../storage/types.ts'
import { logEntry } from './log.ts'
import { accessSchemas } from './schemas.ts'

type Clock = () => Date

/** Personal API tokens: every signed-in person lists, creates and revokes their own (/api/tokens). */
export function tokenRoutes(storage: Storage, clock: Clock) {
  const app = new Hono<AppEnv>()
  app.get('/', async (c) => c.json(await storage.access.listTokens(c.get('user').id)))
  app.post('/', async (c) => {
    const body = parse(accessSchemas.tokenCreate, await jsonBody(c))
    const me = c.get('user')
    return issue(c, storage, clock, me, body, 'personal')
  })
  app.delete('/:id', async (c) => {
    const token = await storage.access.getToken(c.req.param('id'))
    if (!token || token.userId !== c.get('user').id) throw notFound('Token', c.req.param('id'))
    return c.json(await revoke(storage, clock, c.get('user'), token))
  })
  return app
}

/** Everyone's tokens, for administrators: list, make service tokens, revoke (/api/admin/tokens). */
export function adminTokenRoutes(storage: Storage, clock: Clock) {
  const app = new Hono<AppEnv>()
  app.get('/', async (c) => c.json(await storage.access.listTokens()))
  app.post('/', async (c) => {
    const body = parse(accessSchemas.serviceTokenCreate, await jsonBody(c))
    const owner = await storage.getUser(body.userId)
    if (!owner) throw notFound('User', body.userId)
    if (owner.disabledAt) {
      throw new Problem(400, 'invalid_request', `${owner.name} is disabled; enable them first`, {
        errors: [{ path: 'userId', message: 'the user is disabled' }],
      })
    }
    return issue(c, storage, clock, owner, body, owner.id === c.get('user').id ? 'personal' : 'service')
  })
  app.delete('/:id', async (c) => {
    const token = await storage.access.getToken(c.req.param('id'))
    if (!token) throw notFound('Token', c.req.param('id'))
    return c.json(await revoke(storage, clock, c.get('user'), token))
  })
  return app
}

async function issue(
  c: Context<AppEnv>,
  storage: Storage,
  clock: Clock,
  owner: User,
  body: { name: string; scopes: string[]; expiresAt?: string | null },
  kind: TokenKind,
) {
  const now = clock()
  const actor = c.get('user')
  const held = c.get('identity').scopes
  // A token can only make tokens with scopes it holds itself: scopes never widen.
  const beyond = held ? body.scopes.filter((s) => !held.includes(s)) : []
  if (beyond.length) {
    throw new Problem(
      403,
      'scope_not_held',
      `This token may not give scopes it does not hold: ${beyond.join(', ')}`,
      { params: { scopes: beyond.join(', ') } },
    )
  }
  const expiresAt = body.expiresAt ? new Date(body.expiresAt).toISOString() : null
  if (expiresAt && expiresAt <= now.toISOString()) {
    throw new Problem(400, 'invalid_request', `expiresAt must be in the future, not ${body.expiresAt}`, {
      errors: [{ path: 'expiresAt', message: 'must be in the future' }],
    })
  }
  const secret = newToken()
  const token: TokenRecord = {
    id: `tok_${tokenHash(secret).slice(0, 16)}`,
    userId: owner.id,
    name: body.name,
    kind,
    scopes: body.scopes,
    createdBy: actor.id,
    createdAt: now.toISOString(),
    expiresAt,
    lastUsedAt: null,
    revokedAt: null,
    revokedBy: null,
  }
  const after = { name: token.name, userId: owner.id, kind, scopes: token.scopes, expiresAt }
  await storage.access.createToken(
    token,
    tokenHash(secret),
    logEntry(actor, token.createdAt, 'token.create', { type: 'token', id: token.id }, null, after),
  )
  // The secret is in this answer only; the database keeps its hash.
  return c.json({ token, secret }, 201)
}

async function revoke(storage: Storage, clock: Clock, actor: User, token: TokenRecord) {
  if (token.revokedAt) return token
  const at = clock().toISOString()
  await storage.access.revokeToken(
    token.id,
    at,
    actor.id,
    logEntry(
      actor,
      at,
      'token.revoke',
      { type: 'token', id: token.id },
      { name: token.name, userId: token.userId, revokedAt: null },
      { name: token.name, userId: token.userId, revokedAt: at },
    ),
  )
  return { ...token, revokedAt: at, revokedBy: actor.id }
}
