import type { Role, User } from '../storage/types.ts'

export type { AppEnv } from './identity.ts'

/**
 * Role groups. Who may call which route is decided by the permission table (./permissions.ts)
 * and its guard alone; routes carry no role checks of their own.
 */
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
