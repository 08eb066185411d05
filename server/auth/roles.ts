import { createMiddleware } from 'hono/factory'
import { Problem } from '../http/problem.ts'
import type { Role, User } from '../storage/types.ts'
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
/** Who reads tickets and customers' data: not owners, who see SOPs and aggregate metrics only. */
export const READ_TICKETS: Role[] = ['agent', 'senior_agent', 'supervisor', 'auditor']

/**
 * Data access follows the work: an agent, senior agent or supervisor who belongs to a team reads
 * the tickets nobody has yet, their own, and those of their team's members; auditors and admins
 * read everything; a user in no team is not scoped.
 */
export function teamScope(user: User): { userId: string; team: string } | null {
  if (!user.team || user.role === 'auditor' || user.role === 'admin' || user.role === 'owner') return null
  return { userId: user.id, team: user.team }
}
