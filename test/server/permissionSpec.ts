import { permissionOf, SCOPES } from '../../server/auth/permissions.ts'
import { ROLES } from '../../server/storage/types.ts'

/**
 * The reviewed permission specification: who may call each operation, and with which token
 * scopes. The table in server/auth/permissions.ts must say exactly this, and the running server
 * must answer exactly what the table says, so opening a route to another role fails here.
 */
export const SPEC: Record<string, string> = {
  'GET /api/openapi.json': 'public',
  'GET /api/docs': 'public',
  'GET /api/health': 'public',
  'GET /api/auth/config': 'public',
  'POST /api/auth/sign-in': 'public',
  'GET /api/auth/session': 'session',
  'POST /api/auth/sign-out': 'public',
  'POST /api/auth/sign-out-everywhere': 'session',
  'GET /api/auth/links/{secret}': 'public',
  'POST /api/auth/links/{secret}': 'public',
  'GET /api/auth/oidc/start': 'public',
  'GET /api/auth/oidc/callback': 'public',
  'GET /api/me': 'everyone | any scope',
  'GET /api/permissions': 'everyone | any scope',
  'GET /api/roles': 'everyone | any scope',
  'POST /api/roles': 'admin | admin',
  'PUT /api/roles/members/{userId}': 'admin | admin',
  'GET /api/teams': 'everyone | any scope',
  'POST /api/teams': 'admin | admin',
  'PUT /api/teams/{id}': 'admin | admin',
  'GET /api/users': 'admin supervisor auditor | read admin',
  'POST /api/users': 'admin | admin',
  'PUT /api/users/{id}/role': 'admin | admin',
  'PUT /api/users/{id}/team': 'admin | admin',
  'POST /api/users/{id}/disable': 'admin | admin',
  'POST /api/users/{id}/enable': 'admin | admin',
  'POST /api/users/invitations': 'admin | admin',
  'POST /api/users/{id}/password-reset': 'admin | admin',
  'GET /api/tokens': 'everyone | any scope',
  'POST /api/tokens': 'everyone | any scope',
  'DELETE /api/tokens/{id}': 'everyone | any scope',
  'GET /api/admin/tokens': 'admin | admin',
  'POST /api/admin/tokens': 'admin | admin',
  'DELETE /api/admin/tokens/{id}': 'admin | admin',
  'GET /api/admin-log': 'admin auditor | read admin',
  'GET /api/sops': 'readers | read tickets sops ingest',
  'POST /api/sops': 'admin owner | sops',
  'GET /api/sops/{id}': 'readers | read tickets sops ingest',
  'PUT /api/sops/{id}': 'admin owner | sops',
  'POST /api/sops/{id}/validate': 'readers | read sops',
  'POST /api/sops/{id}/publish': 'admin owner | sops',
  'GET /api/sops/{id}/versions/{n}': 'readers | read tickets sops ingest',
  'POST /api/sops/{id}/archive': 'admin owner | sops',
  'POST /api/sops/{id}/unarchive': 'admin owner | sops',
  'GET /api/calendars': 'readers | read tickets sops ingest',
  'GET /api/calendars/{id}': 'readers | read tickets sops ingest',
  'PUT /api/calendars/{id}': 'admin owner | sops',
  'GET /api/calendars/{id}/versions/{n}': 'readers | read tickets sops ingest',
  'GET /api/holidays': 'readers | read tickets sops ingest',
  'GET /api/holidays/regions': 'readers | read tickets sops ingest',
  'GET /api/holidays/regions/{country}': 'readers | read tickets sops ingest',
  'GET /api/customers': 'ticket readers | read tickets ingest',
  'POST /api/customers': 'workers | tickets ingest',
  'GET /api/customers/{id}': 'ticket readers | read tickets',
  'PUT /api/customers/{id}': 'workers | tickets',
  'POST /api/customers/{id}/surveys': 'workers | tickets ingest',
  'GET /api/tickets': 'ticket readers | read tickets',
  'POST /api/tickets': 'workers | tickets ingest',
  'GET /api/tickets/{id}': 'ticket readers | read tickets',
  'POST /api/tickets/{id}/actions': 'workers | tickets | assignee',
  'POST /api/tickets/{id}/update': 'workers | tickets | assignee',
  'POST /api/tickets/{id}/override': 'admin supervisor | tickets',
  'POST /api/tickets/{id}/claim': 'workers | tickets | assignee',
  'POST /api/tickets/{id}/assign': 'admin supervisor | tickets',
  'POST /api/tickets/{id}/notes': 'workers | tickets | assignee',
  'GET /api/tickets/{id}/watchers': 'ticket readers | read tickets',
  'GET /api/tickets/{id}/reply-templates': 'workers | tickets',
  'POST /api/tickets/{id}/watchers': 'workers | tickets',
  'DELETE /api/tickets/{id}/watchers/{userId}': 'workers | tickets',
  'GET /api/tickets/{id}/history': 'ticket readers | read tickets',
  'GET /api/tickets/{id}/verify': 'ticket readers | read tickets',
  'GET /api/tickets/{id}/evidence': 'ticket readers | read tickets',
  'GET /api/ledger/head': 'readers | read tickets',
  'GET /api/ledger/proof/inclusion': 'readers | read tickets',
  'GET /api/ledger/proof/consistency': 'readers | read tickets',
  'GET /api/keys': 'readers | read tickets',
  'GET /api/tickets/{id}/conversation': 'ticket readers | read tickets',
  'POST /api/tickets/{id}/conversation': 'workers | tickets | assignee',
  'POST /api/tickets/{id}/status-links/revoke': 'workers | tickets',
  'GET /api/attachments/{id}': 'ticket readers | read tickets',
  'GET /api/channels': 'admin owner | admin',
  'POST /api/channels': 'admin owner | admin',
  'GET /api/channels/held': 'admin owner | admin',
  'GET /api/channels/{id}': 'admin owner | admin',
  'PATCH /api/channels/{id}': 'admin owner | admin',
  'DELETE /api/channels/{id}': 'admin owner | admin',
  'POST /api/channels/{id}/test': 'admin owner | admin',
  'GET /api/channels/phone/lookup': 'ticket readers | ingest read tickets',
  'POST /api/channels/{id}/messages': 'public',
  'GET /api/public/forms/{slug}': 'public',
  'POST /api/public/forms/{slug}': 'public',
  'GET /api/public/status/{token}': 'public',
  'POST /api/public/status/{token}/replies': 'public',
  'GET /api/public/surveys/{token}': 'public',
  'POST /api/public/surveys/{token}': 'public',
  'GET /api/outbox': 'admin | admin',
  'GET /api/outbox/{id}': 'admin | admin',
  'POST /api/outbox/{id}/retry': 'admin | admin',
  'GET /api/webhooks': 'admin | admin',
  'POST /api/webhooks': 'admin | admin',
  'PUT /api/webhooks/{id}': 'admin | admin',
  'POST /api/webhooks/{id}/rotate': 'admin | admin',
  'GET /api/webhooks/{id}/deliveries': 'admin | admin',
  'POST /api/webhooks/{id}/deliveries/{mid}/resend': 'admin | admin',
  'GET /api/notifications': 'everyone | any scope',
  'POST /api/notifications/read': 'everyone | any scope',
  'GET /api/notifications/settings': 'everyone | any scope',
  'PUT /api/notifications/settings': 'everyone | any scope',
  'GET /api/notifications/stream': 'everyone | any scope',
  'GET /api/metrics': 'admin owner supervisor auditor | read',
  'GET /api/metrics/tickets': 'admin supervisor auditor | read',
  'GET /api/metrics/workload': 'admin owner supervisor auditor | read',
  'GET /api/metrics/options': 'admin owner supervisor auditor | read',
  'GET /api/audit/tickets': 'admin supervisor auditor | read tickets',
}

const GROUPS: Record<string, string> = {
  everyone: [...ROLES].sort().join(' '),
  readers: [...ROLES].sort().join(' '),
  workers: ['admin', 'agent', 'senior_agent', 'supervisor'].sort().join(' '),
  'ticket readers': ['admin', 'agent', 'auditor', 'senior_agent', 'supervisor'].sort().join(' '),
}

/** The table's entry written the way SPEC writes it. */
export function described(method: string, path: string): string {
  const rule = permissionOf(method, path)
  if (!rule) return 'missing from the table'
  if (rule.roles === 'public' || rule.roles === 'session') return rule.roles
  const roles = [...rule.roles].sort().join(' ')
  const scopes = rule.scopes.length === SCOPES.length ? 'any scope' : [...rule.scopes].sort().join(' ')
  return [roles, scopes, rule.ownership ? 'assignee' : ''].filter(Boolean).join(' | ')
}

export function specified(key: string): string {
  const parts = SPEC[key].split(' | ')
  if (parts[0] === 'public' || parts[0] === 'session') return parts[0]
  const roles = GROUPS[parts[0]] ?? parts[0].split(' ').sort().join(' ')
  const scopes = parts[1] === 'any scope' ? parts[1] : parts[1].split(' ').sort().join(' ')
  return [roles, scopes, parts[2] ?? ''].filter(Boolean).join(' | ')
}
