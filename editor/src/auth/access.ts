/**
 * What each role may use in the web app: its pages, its landing page and its buttons. It mirrors
 * the server's role checks (server/auth/bearer.ts, the `allow(...)` of each route); the server stays
 * the authority and refuses anything else.
 */
export type Page = 'designer' | 'inbox' | 'tickets' | 'audit' | 'dashboard'
export type Ability = 'editSops' | 'workTickets' | 'supervise' | 'readTickets' | 'audit' | 'readMetrics'

const WORK = ['agent', 'senior_agent', 'supervisor']
const READ = [...WORK, 'auditor']

const ABILITIES: Record<Ability, string[]> = {
  editSops: ['owner'],
  workTickets: WORK,
  supervise: ['supervisor'],
  readTickets: READ,
  /** The audit pages read ticket histories (READ on the server); offered to those who check them. */
  audit: ['auditor', 'supervisor'],
  readMetrics: ['supervisor', 'auditor', 'owner'],
}

/** The pages in the navigation, in order, with the ability each needs. */
export const PAGES: { page: Page; needs: Ability }[] = [
  { page: 'inbox', needs: 'workTickets' },
  { page: 'designer', needs: 'editSops' },
  { page: 'audit', needs: 'audit' },
  { page: 'dashboard', needs: 'readMetrics' },
]

const LANDING: Record<string, Page> = {
  agent: 'inbox',
  senior_agent: 'inbox',
  owner: 'designer',
  supervisor: 'dashboard',
  auditor: 'audit',
  admin: 'designer',
}

/** Administrators may do everything, as on the server. */
export function can(role: string | undefined, ability: Ability): boolean {
  if (!role) return false
  return role === 'admin' || ABILITIES[ability].includes(role)
}

export function landingPage(role: string | undefined): Page {
  return (role && LANDING[role]) || 'inbox'
}

/** The pages a role is offered in the navigation. */
export function pagesFor(role: string | undefined): Page[] {
  return PAGES.filter((p) => can(role, p.needs)).map((p) => p.page)
}

/** Whether a role may open a page (a ticket page needs reading tickets only). */
export function mayOpen(role: string | undefined, page: string): boolean {
  if (page === 'tickets') return can(role, 'readTickets')
  const entry = PAGES.find((p) => p.page === page)
  return entry ? can(role, entry.needs) : false
}
