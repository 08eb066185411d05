import { createMiddleware } from 'hono/factory'
import { Problem } from '../http/problem.ts'
import type { Role } from '../storage/types.ts'
import type { AppEnv } from './identity.ts'

export type { AppEnv } from './identity.ts'

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
