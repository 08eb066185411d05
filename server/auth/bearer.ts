import { createMiddleware } from 'hono/factory'
import { Problem } from '../http/problem.ts'
import { tokenHash } from '../services/crypto.ts'
import type { Role, Storage, User } from '../storage/types.ts'

export type AppEnv = { Variables: { user: User; maxBody: number } }

/** How long a token's user is remembered before it is looked up again. */
const REMEMBER_MS = 5_000

/**
 * Bearer-token authentication: the token's hash names the user. Each app remembers the users of
 * recently seen tokens for a few seconds, so that a busy client is not looked up on every request.
 */
export function bearer(storage: Storage) {
  const seen = new Map<string, { user: User; until: number }>()
  const lookUp = async (token: string): Promise<User | null> => {
    const now = performance.now()
    const hit = seen.get(token)
    if (hit && hit.until > now) return hit.user
    const user = await storage.findUserByTokenHash(tokenHash(token))
    if (seen.size >= 1_000) seen.clear()
    if (user) seen.set(token, { user, until: now + REMEMBER_MS })
    else seen.delete(token)
    return user
  }
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const m = /^Bearer\s+(\S+)$/i.exec(header)
    if (!m) {
      throw new Problem(401, 'unauthenticated', 'Sign in: send "Authorization: Bearer <token>"')
    }
    const user = await lookUp(m[1])
    if (!user) throw new Problem(401, 'unauthenticated', 'The token is not valid')
    c.set('user', user)
    await next()
  })
}

/** Only users with one of these roles (admins always) may go on. */
export function allow(...roles: Role[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const user = c.get('user')
    if (user.role !== 'admin' && !roles.includes(user.role)) {
      throw new Problem(
        403,
        'forbidden',
        `Your role (${user.role}) may not do this; it needs: ${roles.join(', ')}`,
        { params: { role: user.role, roles: roles.join(', ') } },
      )
    }
    await next()
  })
}

export const WRITE_TICKETS: Role[] = ['agent', 'senior_agent', 'supervisor']
export const READ_TICKETS: Role[] = ['agent', 'senior_agent', 'supervisor', 'auditor', 'owner']
