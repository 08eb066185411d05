import type { Role } from '../storage/types.ts'

export type { AppEnv } from './identity.ts'

/**
 * Role groups. Who may call which route is decided by the permission table (./permissions.ts)
 * and its guard alone; routes carry no role checks of their own.
 */
export const WRITE_TICKETS: Role[] = ['agent', 'senior_agent', 'supervisor']
export const READ_TICKETS: Role[] = ['agent', 'senior_agent', 'supervisor', 'auditor', 'owner']
