import { createMiddleware } from 'hono/factory'
import { Problem } from '../http/problem.ts'
import { tokenHash } from '../services/crypto.ts'
import type { Role, Storage, User } from '../storage/types.ts'

export type AppEnv = { Variables: { user: User; maxBody: number } }

/** Bearer-token authentication: the token's hash names the user. */
export function bearer(storage: Storage) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const m = /^Bearer\s+(\S+)$/i.exec(header)
    if (!m) {
      throw new Problem(401, 'unauthenticated', 'Sign in: send "Authorization: Bearer <token>"')
    }
    const user = await storage.findUserByTokenHash(tokenHash(m[1]))
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
      )
    }
    await next()
  })
}

export const WRITE_TICKETS: Role[] = ['agent', 'senior_agent', 'supervisor']
export const READ_TICKETS: Role[] = ['agent', 'senior_agent', 'supervisor', 'auditor', 'owner']
