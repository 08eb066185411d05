import { ROLES, type Role } from '../storage/types.ts'

/**
 * THE permission table: for every route of the API (method and path as mounted under /api), the
 * roles that may call it, the API-token scopes that may be used for it, and whether the ticket's
 * ownership rule (only its assignee, or a supervisor or administrator) applies. It drives the
 * guard in front of every route, the OpenAPI document and what the web app offers. A route the
 * app has but this table lacks is refused to everyone.
 *
 * Plain data and pure functions only: the web app imports this module too.
 */

export const SCOPES = ['read', 'tickets', 'sops', 'ingest', 'admin'] as const
export type Scope = (typeof SCOPES)[number]

/** What each scope lets a token do (never more than its user's role allows). */
export const SCOPE_TEXT: Record<Scope, string> = {
  read: 'read-only: every GET the role may make',
  tickets: 'work tickets and customers (and read them)',
  sops: 'write SOP drafts, publish and archive them',
  ingest: 'channel ingest: open tickets and create customers, find SOPs and customers',
  admin: 'administration: users, roles, tokens of others, the admin-actions log',
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface Permission {
  method: Method
  /** As in the OpenAPI document: `/api/tickets/{id}`. */
  path: string
  /**
   * `public`: no sign-in needed; `session`: a signed-in person's own session (the route reads the
   * session cookie itself; API tokens are not used there); otherwise the roles allowed.
   */
  roles: 'public' | 'session' | readonly Role[]
  /** The scopes, any one of which lets an API token be used here (sessions: the role alone). */
  scopes: readonly Scope[]
  /** A claimed or assigned ticket: only its assignee, or a supervisor or administrator. */
  ownership?: true
}

const EVERYONE: readonly Role[] = ROLES
const WORK: readonly Role[] = ['agent', 'senior_agent', 'supervisor', 'admin']
const READ: readonly Role[] = [...WORK, 'auditor', 'owner']
/** Tickets and customers' personal data: not owners, who see SOPs and aggregate figures only. */
const READ_TICKETS: readonly Role[] = [...WORK, 'auditor']
const CHECK: readonly Role[] = ['supervisor', 'auditor', 'admin']
const EDIT: readonly Role[] = ['owner', 'admin']
const SUPERVISE: readonly Role[] = ['supervisor', 'admin']
const OVERSEE: readonly Role[] = ['supervisor', 'auditor', 'owner', 'admin']
const ADMIN: readonly Role[] = ['admin']

const ANY_SCOPE: readonly Scope[] = SCOPES
const R_TICKETS: readonly Scope[] = ['read', 'tickets']
const R_SOPS: readonly Scope[] = ['read', 'sops', 'tickets', 'ingest']

const p = (
  method: Method,
  path: string,
  roles: Permission['roles'],
  scopes: readonly Scope[],
  ownership?: true,
): Permission => (ownership ? { method, path, roles, scopes, ownership } : { method, path, roles, scopes })

export const PERMISSIONS: readonly Permission[] = [
  p('GET', '/api/openapi.json', 'public', ANY_SCOPE),
  p('GET', '/api/docs', 'public', ANY_SCOPE),
  p('GET', '/api/health', 'public', ANY_SCOPE),
  // Signing in: open, or a person's own session; each route checks the session cookie or the
  // one-time link itself.
  p('GET', '/api/auth/config', 'public', ANY_SCOPE),
  p('POST', '/api/auth/sign-in', 'public', ANY_SCOPE),
  p('GET', '/api/auth/session', 'session', ANY_SCOPE),
  p('POST', '/api/auth/sign-out', 'public', ANY_SCOPE),
  p('POST', '/api/auth/sign-out-everywhere', 'session', ANY_SCOPE),
  p('GET', '/api/auth/links/{secret}', 'public', ANY_SCOPE),
  p('POST', '/api/auth/links/{secret}', 'public', ANY_SCOPE),
  p('GET', '/api/auth/oidc/start', 'public', ANY_SCOPE),
  p('GET', '/api/auth/oidc/callback', 'public', ANY_SCOPE),

  p('GET', '/api/me', EVERYONE, ANY_SCOPE),
  p('GET', '/api/permissions', EVERYONE, ANY_SCOPE),
  p('GET', '/api/roles', EVERYONE, ANY_SCOPE),
  p('POST', '/api/roles', ADMIN, ['admin']),
  p('PUT', '/api/roles/members/{userId}', ADMIN, ['admin']),
  p('GET', '/api/teams', EVERYONE, ANY_SCOPE),
  p('POST', '/api/teams', ADMIN, ['admin']),
  p('PUT', '/api/teams/{id}', ADMIN, ['admin']),

  p('GET', '/api/users', ['supervisor', 'auditor', 'admin'], ['read', 'admin']),
  p('POST', '/api/users', ADMIN, ['admin']),
  p('PUT', '/api/users/{id}/role', ADMIN, ['admin']),
  p('PUT', '/api/users/{id}/team', ADMIN, ['admin']),
  p('POST', '/api/users/{id}/disable', ADMIN, ['admin']),
  p('POST', '/api/users/{id}/enable', ADMIN, ['admin']),
  p('POST', '/api/users/invitations', ADMIN, ['admin']),
  p('POST', '/api/users/{id}/password-reset', ADMIN, ['admin']),

  p('GET', '/api/tokens', EVERYONE, ANY_SCOPE),
  p('POST', '/api/tokens', EVERYONE, ANY_SCOPE),
  p('DELETE', '/api/tokens/{id}', EVERYONE, ANY_SCOPE),
  p('GET', '/api/admin/tokens', ADMIN, ['admin']),
  p('POST', '/api/admin/tokens', ADMIN, ['admin']),
  p('DELETE', '/api/admin/tokens/{id}', ADMIN, ['admin']),
  p('GET', '/api/admin-log', ['auditor', 'admin'], ['read', 'admin']),

  p('GET', '/api/sops', READ, R_SOPS),
  p('POST', '/api/sops', EDIT, ['sops']),
  p('GET', '/api/sops/{id}', READ, R_SOPS),
  p('PUT', '/api/sops/{id}', EDIT, ['sops']),
  p('POST', '/api/sops/{id}/validate', READ, ['read', 'sops']),
  p('POST', '/api/sops/{id}/publish', EDIT, ['sops']),
  p('GET', '/api/sops/{id}/versions/{n}', READ, R_SOPS),
  p('POST', '/api/sops/{id}/archive', EDIT, ['sops']),
  p('POST', '/api/sops/{id}/unarchive', EDIT, ['sops']),
  p('GET', '/api/calendars', READ, R_SOPS),
  p('GET', '/api/calendars/{id}', READ, R_SOPS),
  p('PUT', '/api/calendars/{id}', EDIT, ['sops']),
  p('GET', '/api/calendars/{id}/versions/{n}', READ, R_SOPS),
  p('GET', '/api/holidays', READ, R_SOPS),
  p('GET', '/api/holidays/regions', READ, R_SOPS),
  p('GET', '/api/holidays/regions/{country}', READ, R_SOPS),

  p('GET', '/api/customers', READ_TICKETS, ['read', 'tickets', 'ingest']),
  p('POST', '/api/customers', WORK, ['tickets', 'ingest']),
  p('GET', '/api/customers/{id}', READ_TICKETS, R_TICKETS),
  p('PUT', '/api/customers/{id}', WORK, ['tickets']),
  p('POST', '/api/customers/{id}/surveys', WORK, ['tickets', 'ingest']),

  p('GET', '/api/tickets', READ_TICKETS, R_TICKETS),
  p('POST', '/api/tickets', WORK, ['tickets', 'ingest']),
  p('GET', '/api/tickets/{id}', READ_TICKETS, R_TICKETS),
  p('POST', '/api/tickets/{id}/actions', WORK, ['tickets'], true),
  p('POST', '/api/tickets/{id}/update', WORK, ['tickets'], true),
  p('POST', '/api/tickets/{id}/override', SUPERVISE, ['tickets']),
  p('POST', '/api/tickets/{id}/claim', WORK, ['tickets'], true),
  p('POST', '/api/tickets/{id}/assign', SUPERVISE, ['tickets']),
  p('POST', '/api/tickets/{id}/notes', WORK, ['tickets'], true),
  p('GET', '/api/tickets/{id}/watchers', READ_TICKETS, R_TICKETS),
  p('GET', '/api/tickets/{id}/reply-templates', WORK, ['tickets']),
  p('POST', '/api/tickets/{id}/watchers', WORK, ['tickets']),
  p('DELETE', '/api/tickets/{id}/watchers/{userId}', WORK, ['tickets']),
  p('GET', '/api/tickets/{id}/history', READ_TICKETS, R_TICKETS),
  p('GET', '/api/tickets/{id}/verify', READ_TICKETS, R_TICKETS),
  p('GET', '/api/tickets/{id}/evidence', READ_TICKETS, R_TICKETS),

  p('GET', '/api/ledger/head', READ, R_TICKETS),
  p('GET', '/api/ledger/proof/inclusion', READ, R_TICKETS),
  p('GET', '/api/ledger/proof/consistency', READ, R_TICKETS),
  p('GET', '/api/keys', READ, R_TICKETS),

  p('GET', '/api/tickets/{id}/conversation', READ_TICKETS, R_TICKETS),
  p('POST', '/api/tickets/{id}/conversation', WORK, ['tickets'], true),
  p('POST', '/api/tickets/{id}/status-links/revoke', WORK, ['tickets']),
  p('GET', '/api/attachments/{id}', READ_TICKETS, R_TICKETS),

  // Channels: connections are managed by owners; gateways and customers reach the public routes
  // without an account (a Standard Webhooks signature, a form, a private status link).
  p('GET', '/api/channels', EDIT, ['admin']),
  p('POST', '/api/channels', EDIT, ['admin']),
  p('GET', '/api/channels/held', EDIT, ['admin']),
  p('GET', '/api/channels/{id}', EDIT, ['admin']),
  p('PATCH', '/api/channels/{id}', EDIT, ['admin']),
  p('DELETE', '/api/channels/{id}', EDIT, ['admin']),
  p('POST', '/api/channels/{id}/test', EDIT, ['admin']),
  p('GET', '/api/channels/phone/lookup', READ_TICKETS, ['read', 'tickets', 'ingest']),
  p('POST', '/api/channels/{id}/messages', 'public', ANY_SCOPE),
  p('GET', '/api/public/forms/{slug}', 'public', ANY_SCOPE),
  p('POST', '/api/public/forms/{slug}', 'public', ANY_SCOPE),
  p('GET', '/api/public/status/{token}', 'public', ANY_SCOPE),
  p('POST', '/api/public/status/{token}/replies', 'public', ANY_SCOPE),
  p('GET', '/api/public/surveys/{token}', 'public', ANY_SCOPE),
  p('POST', '/api/public/surveys/{token}', 'public', ANY_SCOPE),

  // Messages out: the outbox and webhook subscriptions are administration; each person reads and
  // settles their own notifications.
  p('GET', '/api/outbox', ADMIN, ['admin']),
  p('GET', '/api/outbox/{id}', ADMIN, ['admin']),
  p('POST', '/api/outbox/{id}/retry', ADMIN, ['admin']),
  p('GET', '/api/webhooks', ADMIN, ['admin']),
  p('POST', '/api/webhooks', ADMIN, ['admin']),
  p('PUT', '/api/webhooks/{id}', ADMIN, ['admin']),
  p('POST', '/api/webhooks/{id}/rotate', ADMIN, ['admin']),
  p('GET', '/api/webhooks/{id}/deliveries', ADMIN, ['admin']),
  p('POST', '/api/webhooks/{id}/deliveries/{mid}/resend', ADMIN, ['admin']),
  p('GET', '/api/notifications', EVERYONE, ANY_SCOPE),
  p('POST', '/api/notifications/read', EVERYONE, ANY_SCOPE),
  p('GET', '/api/notifications/settings', EVERYONE, ANY_SCOPE),
  p('PUT', '/api/notifications/settings', EVERYONE, ANY_SCOPE),
  p('GET', '/api/notifications/stream', EVERYONE, ANY_SCOPE),

  p('GET', '/api/metrics', OVERSEE, ['read']),
  p('GET', '/api/metrics/tickets', CHECK, ['read']),
  p('GET', '/api/metrics/workload', OVERSEE, ['read']),
  p('GET', '/api/metrics/options', OVERSEE, ['read']),
  p('GET', '/api/audit/tickets', CHECK, R_TICKETS),
]

/** The answer of the table for one caller: go on, or why not. */
export type Decision = 'allowed' | 'role' | 'scope'

/**
 * Whether a user of `role`, with a token of `scopes` (null: a signed-in session), may call a
 * route. A token's scopes only narrow what the role allows.
 */
export function decide(rule: Permission, role: string, scopes: readonly string[] | null): Decision {
  if (rule.roles === 'public' || rule.roles === 'session') return 'allowed'
  if (!(rule.roles as readonly string[]).includes(role)) return 'role'
  if (scopes && !rule.scopes.some((s) => scopes.includes(s))) return 'scope'
  return 'allowed'
}

interface Compiled {
  rule: Permission
  re: RegExp
  statics: number
}

const compiled: Compiled[] = PERMISSIONS.map((rule) => ({
  rule,
  re: pathPattern(rule.path),
  // Stryker disable next-line all: read only by findPermission's tie-break, which the table never needs (its one overlapping pair lists the specific entry first)
  statics: rule.path.split('/').filter((s) => s && !s.startsWith('{')).length,
}))

/** `/api/tickets/{id}` or `/api/tickets/:id` as a regular expression over a request path. */
export function pathPattern(path: string): RegExp {
  const body = path
    .split('/')
    .map((s) =>
      /^\{\w+\}$/.test(s) || /^:\w+$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/')
  return new RegExp(`^${body}/?$`)
}

/** The table's entry for a request (a GET's entry serves HEAD), the most specific one first. */
export function findPermission(method: string, path: string): Permission | null {
  const m = method === 'HEAD' ? 'GET' : method
  let best: Compiled | null = null
  for (const c of compiled) {
    if (c.rule.method !== m || !c.re.test(path)) continue
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the table's one pair of entries a path can match both of lists the more specific first
    if (!best || c.statics > best.statics) best = c
  }
  return best?.rule ?? null
}

/** The table's entry for an operation, looked up exactly. */
export function permissionOf(method: string, path: string): Permission | null {
  return PERMISSIONS.find((r) => r.method === method.toUpperCase() && r.path === path) ?? null
}
