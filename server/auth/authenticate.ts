import { createMiddleware } from 'hono/factory'
import { Problem } from '../http/problem.ts'
import type { Storage } from '../storage/types.ts'
import type { AppEnv } from './identity.ts'
import { resolveToken } from './tokens.ts'

/**
 * Authentication: an API token in `Authorization: Bearer …` names the identity. (Sessions of
 * signed-in people are resolved here too.)
 */
export function authenticate(storage: Storage, clock: () => Date = () => new Date()) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const m = /^Bearer\s+(\S+)$/i.exec(header)
    if (!m) {
      throw new Problem(401, 'unauthenticated', 'Sign in: send "Authorization: Bearer <token>"')
    }
    const identity = await resolveToken(storage, m[1], clock())
    if (!identity) throw new Problem(401, 'unauthenticated', 'The token is not valid')
    c.set('identity', identity)
    c.set('user', identity.user)
    await next()
  })
}
