import type { z } from 'zod'
import { calendarSchema } from '../../engine/index.ts'
import { accessSchemas } from '../access/schemas.ts'
import { channelOps } from '../channels/openapi.ts'
import { ledgerSchemas } from '../ledger/routes.ts'
import { outboxOps } from '../outbox/openapi.ts'
import { inviteBody, linkBody, signInBody } from '../routes/auth.ts'
import { schemas } from '../schemas.ts'

/**
 * The operations of the API as the OpenAPI document describes them: summary, tag and schemas.
 * Who may call each comes from the permission table (server/auth/permissions.ts).
 */
export type Op = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  path: string
  summary: string
  tag: string
  body?: z.ZodType
  query?: z.ZodObject
  /** More about the operation than its roles (concurrency, conflicts). */
  notes?: string
  /** Answers beyond 200 and the generic 4XX problem. */
  responses?: Record<string, string>
}

export const ops: Op[] = [
  { method: 'get', path: '/api/openapi.json', summary: 'This OpenAPI document', tag: 'Service' },
  { method: 'get', path: '/api/docs', summary: 'A readable page of this document', tag: 'Service' },
  {
    method: 'get',
    path: '/api/health',
    summary: 'Whether the server is up and its database answers',
    tag: 'Service',
  },
  {
    method: 'get',
    path: '/api/auth/config',
    summary: 'The ways to sign in this server offers (password; single sign-on when configured)',
    tag: 'Signing in',
  },
  {
    method: 'post',
    path: '/api/auth/sign-in',
    summary: 'Sign in with an e-mail address and a password; sets the session cookie',
    tag: 'Signing in',
    body: signInBody,
    notes:
      "The same 401 `invalid_credentials` whether or not the account exists. Failed attempts are limited per account and per address with a growing delay: 429 `too_many_attempts` with `params.seconds`. The answer carries the session's `csrf` token, also in the `sopflow_csrf` cookie: send it as `X-CSRF-Token` on every write made with the session cookie",
    responses: { '401': 'invalid_credentials', '429': 'too_many_attempts' },
  },
  {
    method: 'get',
    path: '/api/auth/session',
    summary: 'The current session: the person, its CSRF token and its expiry',
    tag: 'Signing in',
  },
  {
    method: 'post',
    path: '/api/auth/sign-out',
    summary: 'Sign out: ends this session on the server',
    tag: 'Signing in',
  },
  {
    method: 'post',
    path: '/api/auth/sign-out-everywhere',
    summary: 'Sign out everywhere: ends every session of the signed-in person',
    tag: 'Signing in',
  },
  {
    method: 'get',
    path: '/api/auth/links/{secret}',
    summary: 'What a one-time link (setup, invitation, reset) is for',
    tag: 'Signing in',
  },
  {
    method: 'post',
    path: '/api/auth/links/{secret}',
    summary: 'Choose a password with a one-time link; signs in',
    tag: 'Signing in',
    body: linkBody,
    responses: { '400': 'link_invalid or password_weak' },
  },
  {
    method: 'get',
    path: '/api/auth/oidc/start',
    summary: 'Single sign-on: redirects to the OpenID provider',
    tag: 'Signing in',
  },
  {
    method: 'get',
    path: '/api/auth/oidc/callback',
    summary: "Single sign-on: the provider's answer; sets the session cookie and redirects to the web app",
    tag: 'Signing in',
  },
  {
    method: 'post',
    path: '/api/users/invitations',
    summary: 'Invite a person: creates them and returns a one-time link to choose a password',
    tag: 'Users',
    body: inviteBody,
  },
  {
    method: 'post',
    path: '/api/users/{id}/password-reset',
    summary: "Force a password reset: ends the person's sessions and returns a one-time link",
    tag: 'Users',
  },
  { method: 'get', path: '/api/me', summary: 'The signed-in user', tag: 'Users' },
  {
    method: 'get',
    path: '/api/permissions',
    summary: 'The permission table as it applies to the caller: each operation and whether they may call it',
    tag: 'Users',
  },
  { method: 'get', path: '/api/users', summary: 'List users', tag: 'Users' },
  {
    method: 'post',
    path: '/api/users',
    summary: 'Create a user and their first token',
    tag: 'Users',
    body: schemas.userCreate,
  },
  {
    method: 'put',
    path: '/api/users/{id}/role',
    summary: "Change a user's role (the last active administrator keeps theirs)",
    tag: 'Users',
    body: accessSchemas.roleChange,
  },
  {
    method: 'post',
    path: '/api/users/{id}/disable',
    summary: 'Disable a user: their tokens and sessions are refused from the next request',
    tag: 'Users',
  },
  { method: 'post', path: '/api/users/{id}/enable', summary: 'Enable a disabled user again', tag: 'Users' },
  { method: 'get', path: '/api/tokens', summary: 'My API tokens (never their secrets)', tag: 'Tokens' },
  {
    method: 'post',
    path: '/api/tokens',
    summary: 'Make a personal API token; the answer holds its secret, shown this once',
    tag: 'Tokens',
    body: accessSchemas.tokenCreate,
    notes: 'A token made with a token can only hold scopes that token holds (code `scope_not_held`)',
  },
  { method: 'delete', path: '/api/tokens/{id}', summary: 'Revoke one of my tokens', tag: 'Tokens' },
  { method: 'get', path: '/api/admin/tokens', summary: "Everyone's API tokens", tag: 'Tokens' },
  {
    method: 'post',
    path: '/api/admin/tokens',
    summary: 'Make a token for a (service) user; the answer holds its secret, shown this once',
    tag: 'Tokens',
    body: accessSchemas.serviceTokenCreate,
  },
  { method: 'delete', path: '/api/admin/tokens/{id}', summary: "Revoke anyone's token", tag: 'Tokens' },
  {
    method: 'get',
    path: '/api/admin-log',
    summary: 'The admin-actions log: users, roles, tokens and settings changes, newest first',
    tag: 'Users',
    query: accessSchemas.adminLogQuery,
  },
  {
    method: 'get',
    path: '/api/roles',
    summary: "The roles that work tickets, for an SOP's steps and actions",
    tag: 'Users',
  },
  {
    method: 'post',
    path: '/api/roles',
    summary: 'Add an organisation role (e.g. billing_specialist), usable in SOP steps',
    tag: 'Users',
  },
  {
    method: 'put',
    path: '/api/roles/members/{userId}',
    summary: "Set a user's organisation roles (beside their built-in role)",
    tag: 'Users',
  },
  { method: 'get', path: '/api/teams', summary: 'The teams (departments) of the organisation', tag: 'Users' },
  { method: 'post', path: '/api/teams', summary: 'Add a team', tag: 'Users' },
  { method: 'get', path: '/api/sops', summary: 'List SOPs', tag: 'SOPs' },
  {
    method: 'post',
    path: '/api/sops',
    summary: 'Create an SOP draft',
    tag: 'SOPs',
    body: schemas.sopCreate,
  },
  { method: 'get', path: '/api/sops/{id}', summary: 'An SOP: its draft and versions', tag: 'SOPs' },
  {
    method: 'put',
    path: '/api/sops/{id}',
    summary: 'Save the draft (valid or not)',
    tag: 'SOPs',
    body: schemas.sopSave,
    notes:
      'Optimistic concurrency: send `baseRevision`, the `revision` of the draft you edited (GET /api/sops/{id} and every PUT return it). If the draft was saved since, nothing is saved and the answer is 409 with code `draft_conflict` and `params: { id, baseRevision, revision }`. A save without `baseRevision` always applies.',
    responses: {
      '409': 'draft_conflict: the draft has a newer revision than `baseRevision` (see `params.revision`)',
    },
  },
  {
    method: 'post',
    path: '/api/sops/{id}/validate',
    summary: 'Diagnostics for the draft or a given document',
    tag: 'SOPs',
    body: schemas.sopValidate,
  },
  {
    method: 'post',
    path: '/api/sops/{id}/publish',
    summary: 'Publish the draft as the next immutable version',
    tag: 'SOPs',
  },
  { method: 'get', path: '/api/sops/{id}/versions/{n}', summary: 'A published version', tag: 'SOPs' },
  {
    method: 'get',
    path: '/api/calendars',
    summary: 'Calendars: the latest version of each',
    tag: 'Calendars',
  },
  {
    method: 'get',
    path: '/api/calendars/{id}',
    summary: 'A calendar: its latest version and the list of versions',
    tag: 'Calendars',
  },
  {
    method: 'put',
    path: '/api/calendars/{id}',
    summary: 'Save a calendar as its next immutable version (public holidays of `holidayRegions` resolved)',
    tag: 'Calendars',
    body: calendarSchema,
    notes:
      'SOP versions published afterwards pin this version; earlier SOP versions keep the calendar version they pinned.',
  },
  {
    method: 'get',
    path: '/api/calendars/{id}/versions/{n}',
    summary: 'A calendar version',
    tag: 'Calendars',
  },
  { method: 'post', path: '/api/sops/{id}/archive', summary: 'Archive an SOP', tag: 'SOPs' },
  { method: 'post', path: '/api/sops/{id}/unarchive', summary: 'Bring an archived SOP back', tag: 'SOPs' },
  { method: 'get', path: '/api/customers', summary: 'Search customers (?q=)', tag: 'Customers' },
  {
    method: 'post',
    path: '/api/customers',
    summary: 'Create a customer',
    tag: 'Customers',
    body: schemas.customer,
  },
  {
    method: 'get',
    path: '/api/customers/{id}',
    summary: 'A customer with tickets and surveys',
    tag: 'Customers',
  },
  {
    method: 'put',
    path: '/api/customers/{id}',
    summary: 'Update a customer',
    tag: 'Customers',
    body: schemas.customer,
  },
  {
    method: 'post',
    path: '/api/customers/{id}/surveys',
    summary: 'Record a CSAT/NPS/CES survey',
    tag: 'Customers',
    body: schemas.survey,
  },
  {
    method: 'get',
    path: '/api/tickets',
    summary: 'List tickets, most urgent first',
    tag: 'Tickets',
    query: schemas.ticketQuery,
  },
  {
    method: 'post',
    path: '/api/tickets',
    summary: 'Open a ticket on the latest version of an SOP',
    tag: 'Tickets',
    body: schemas.ticketCreate,
  },
  { method: 'get', path: '/api/tickets/{id}', summary: 'A ticket with its step prompt', tag: 'Tickets' },
  {
    method: 'post',
    path: '/api/tickets/{id}/actions',
    summary: 'Take an action (Idempotency-Key supported)',
    tag: 'Tickets',
    body: schemas.action,
  },
  {
    method: 'post',
    path: '/api/tickets/{id}/update',
    summary: 'Save fields and checklist ticks',
    tag: 'Tickets',
    body: schemas.update,
  },
  {
    method: 'post',
    path: '/api/tickets/{id}/override',
    summary: 'Move a ticket to a step, with a reason',
    tag: 'Tickets',
    body: schemas.override,
  },
  {
    method: 'post',
    path: '/api/tickets/{id}/claim',
    summary: 'Take a ticket',
    tag: 'Tickets',
    body: schemas.claim,
  },
  {
    method: 'post',
    path: '/api/tickets/{id}/assign',
    summary: 'Assign to a user or queue',
    tag: 'Tickets',
    body: schemas.assign,
  },
  {
    method: 'post',
    path: '/api/tickets/{id}/notes',
    summary: 'Add a note',
    tag: 'Tickets',
    body: schemas.note,
  },
  { method: 'get', path: '/api/tickets/{id}/history', summary: 'The full audit history', tag: 'Audit' },
  {
    method: 'get',
    path: '/api/tickets/{id}/verify',
    summary: 'Verify the hash chain and replay',
    tag: 'Audit',
  },
  {
    method: 'get',
    path: '/api/tickets/{id}/evidence',
    summary:
      'Download the evidence bundle (v2: records, inclusion proofs, signed tree head; ?size= a signed head)',
    tag: 'Audit',
  },
  {
    method: 'get',
    path: '/api/ledger/head',
    summary: 'The latest signed tree head of the ledger',
    tag: 'Audit',
  },
  {
    method: 'get',
    path: '/api/ledger/proof/inclusion',
    summary: 'Inclusion proof of a leaf (?leaf=, ?size= default the latest head)',
    tag: 'Audit',
    query: ledgerSchemas.inclusionQuery,
  },
  {
    method: 'get',
    path: '/api/ledger/proof/consistency',
    summary: 'Consistency proof between two tree sizes (?from=, ?to= default the latest head)',
    tag: 'Audit',
    query: ledgerSchemas.consistencyQuery,
  },
  {
    method: 'get',
    path: '/api/keys',
    summary: 'The public key tree heads and bundles are signed with',
    tag: 'Audit',
  },
  {
    method: 'get',
    path: '/api/metrics',
    summary: 'FRT, ATHT, FCR, volume, SLA breaches, per-step times, surveys',
    tag: 'Metrics',
    query: schemas.metricsQuery,
  },
  {
    method: 'get',
    path: '/api/metrics/tickets',
    summary: 'The tickets behind one figure (drill-down)',
    tag: 'Metrics',
    query: schemas.metricsTicketsQuery,
  },
  {
    method: 'get',
    path: '/api/metrics/workload',
    summary: 'Open tickets per agent and per team: age and overdue count',
    tag: 'Metrics',
    query: schemas.metricsQuery,
  },
  {
    method: 'get',
    path: '/api/metrics/options',
    summary: 'The filter choices: SOPs with their versions, and teams',
    tag: 'Metrics',
  },
  {
    method: 'get',
    path: '/api/audit/tickets',
    summary: 'Find tickets by id, customer, text, SOP, version, status or date, each verified',
    tag: 'Audit',
    query: schemas.auditQuery,
  },
  ...channelOps,
  ...outboxOps,
]
