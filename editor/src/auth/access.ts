import { decide, type Method, permissionOf } from '../../../server/auth/permissions.ts'

/**
 * What each role may use in the web app: its pages, its landing page and its buttons. Each
 * ability is an operation of the server's permission table (server/auth/permissions.ts, the same
 * module the server's guard uses), so the app offers exactly what the server allows; the server
 * stays the authority and refuses anything else.
 */
export type Page =
  | 'designer'
  | 'inbox'
  | 'tickets'
  | 'audit'
  | 'dashboard'
  | 'channels'
  | 'users'
  | 'teams'
  | 'tokens'
  | 'admin-log'
  | 'outbox'
  | 'calendars'
export type Ability =
  | 'editSops'
  | 'manageCalendars'
  | 'workTickets'
  | 'supervise'
  | 'readTickets'
  | 'audit'
  | 'readMetrics'
  | 'manageUsers'
  | 'manageTeams'
  | 'ownTokens'
  | 'readAdminLog'
  | 'manageChannels'
  | 'administer'

/** The operation of the permission table behind each ability. */
const ABILITIES: Record<Ability, [Method, string]> = {
  editSops: ['PUT', '/api/sops/{id}'],
  manageCalendars: ['PUT', '/api/calendars/{id}'],
  workTickets: ['POST', '/api/tickets/{id}/actions'],
  supervise: ['POST', '/api/tickets/{id}/assign'],
  readTickets: ['GET', '/api/tickets/{id}'],
  audit: ['GET', '/api/audit/tickets'],
  readMetrics: ['GET', '/api/metrics'],
  manageUsers: ['POST', '/api/users/{id}/disable'],
  manageTeams: ['POST', '/api/teams'],
  ownTokens: ['POST', '/api/tokens'],
  readAdminLog: ['GET', '/api/admin-log'],
  manageChannels: ['POST', '/api/channels'],
  administer: ['POST', '/api/outbox/{id}/retry'],
}

/** The pages in the navigation, in order, with the ability each needs. */
export const PAGES: { page: Page; needs: Ability }[] = [
  { page: 'inbox', needs: 'workTickets' },
  { page: 'designer', needs: 'editSops' },
  { page: 'calendars', needs: 'manageCalendars' },
  { page: 'audit', needs: 'audit' },
  { page: 'dashboard', needs: 'readMetrics' },
  { page: 'channels', needs: 'manageChannels' },
  { page: 'users', needs: 'manageUsers' },
  { page: 'teams', needs: 'manageTeams' },
  { page: 'admin-log', needs: 'readAdminLog' },
  { page: 'outbox', needs: 'administer' },
]

const LANDING: Record<string, Page> = {
  agent: 'inbox',
  senior_agent: 'inbox',
  owner: 'designer',
  supervisor: 'dashboard',
  auditor: 'audit',
  admin: 'designer',
}

/** Whether the permission table lets this role use an ability. */
export function can(role: string | undefined, ability: Ability): boolean {
  if (!role) return false
  const [method, path] = ABILITIES[ability]
  const rule = permissionOf(method, path)
  return rule !== null && decide(rule, role, null) === 'allowed'
}

export function landingPage(role: string | undefined): Page {
  return (role && LANDING[role]) || 'inbox'
}

/** The pages a role is offered in the navigation. */
export function pagesFor(role: string | undefined): Page[] {
  return PAGES.filter((p) => can(role, p.needs)).map((p) => p.page)
}

/** Whether a role may open a page (a ticket page needs reading tickets only; "my tokens" is everyone's). */
export function mayOpen(role: string | undefined, page: string): boolean {
  if (page === 'tickets') return can(role, 'readTickets')
  if (page === 'tokens') return can(role, 'ownTokens')
  const entry = PAGES.find((p) => p.page === page)
  return entry ? can(role, entry.needs) : false
}
