import { getCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import { Problem } from '../http/problem.ts'
import type { Storage } from '../storage/types.ts'
import type { Auth } from './auth.ts'
import { checkCsrf } from './csrf.ts'
import type { AppEnv } from './identity.ts'
import { SESSION_COOKIE } from './sessions.ts'
import { resolveToken } from './tokens.ts'

/**
 * Authentication: an API token in `Authorization: Bearer …` (programs), or the session cookie of
 * a signed-in person. A cookie-authenticated write must also pass the CSRF check; a bearer token
 * is never sent by a browser on its own, so its requests are not subject to it.
 */
export function authenticate(storage: Storage, auth: Auth, clock: () => Date = () => new Date()) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const m = /^Bearer\s+(\S+)$/i.exec(header)
    if (m) {
      const identity = await resolveToken(storage, m[1], clock())
      if (!identity) throw new Problem(401, 'unauthenticated', 'The token is not valid')
      c.set('identity', identity)
      c.set('user', identity.user)
      return next()
    }
    const secret = getCookie(c, SESSION_COOKIE)
    if (!secret) {
      throw new Problem(
        401,
        'unauthenticated',
        'Sign in, or send an API token as "Authorization: Bearer <token>"',
        { params: { reason: 'none' } },
      )
    }
    const session = await auth.sessions.resolve(secret)
    if (!session)
      throw new Problem(401, 'unauthenticated', 'Your session has ended; sign in again', {
        params: { reason: 'session' },
      })
    checkCsrf(c, session.row.csrf)
    c.set('identity', {
      user: session.user,
      via: 'session',
      scopes: null,
      credentialId: session.row.hash.slice(0, 16),
    })
    c.set('user', session.user)
    await next()
  })
}
