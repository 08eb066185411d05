import { z } from 'zod'
import { calendarSchema } from '../../engine/index.ts'
import { accessSchemas } from '../access/schemas.ts'
import { channelOps } from '../channels/openapi.ts'
import { ledgerSchemas } from '../ledger/routes.ts'
import { outboxOps } from '../outbox/openapi.ts'
import { inviteBody, linkBody, signInBody } from '../routes/auth.ts'
import { teamCalendarBody } from '../routes/teams.ts'
import { schemas } from '../schemas.ts'
import { surveyOps } from '../surveys/routes.ts'
import { templateOps } from '../templates/render.ts'
import { watcherOps } from '../watchers/watchers.ts'
import { type Op, tagged } from './op.ts'

export type { Op, OpLine } from './op.ts'

/**
 * The operations of the API as the OpenAPI document describes them: summary, tag and schemas.
 * Who may call each comes from the permission table (server/auth/permissions.ts).
 */
export const ops: Op[] = [
  ...tagged('Service', [
    ['get', '/api/openapi.json', 'This OpenAPI document'],
    ['get', '/api/docs', 'A readable page of this document'],
    ['get', '/api/health', 'Whether the server is up and its database answers'],
  ]),
  ...tagged('Signing in', [
    [
      'get',
      '/api/auth/config',
      'The ways to sign in this server offers (password; single sign-on when configured)',
    ],
    [
      'post',
      '/api/auth/sign-in',
      'Sign in with an e-mail address and a password; sets the session cookie',
      {
        body: signInBody,
        notes:
          "The same 401 `invalid_credentials` whether or not the account exists. Failed attempts are limited per account and per address with a growing delay: 429 `too_many_attempts` with `params.seconds`. The answer carries the session's `csrf` token, also in the `sopflow_csrf` cookie: send it as `X-CSRF-Token` on every write made with the session cookie",
        responses: { '401': 'invalid_credentials', '429': 'too_many_attempts' },
      },
    ],
    ['get', '/api/auth/session', 'The current session: the person, its CSRF token and its expiry'],
    ['post', '/api/auth/sign-out', 'Sign out: ends this session on the server'],
    [
      'post',
      '/api/auth/sign-out-everywhere',
      'Sign out everywhere: ends every session of the signed-in person',
    ],
    ['get', '/api/auth/links/{secret}', 'What a one-time link (setup, invitation, reset) is for'],
    [
      'post',
      '/api/auth/links/{secret}',
      'Choose a password with a one-time link; signs in',
      { body: linkBody, responses: { '400': 'link_invalid or password_weak' } },
    ],
    ['get', '/api/auth/oidc/start', 'Single sign-on: redirects to the OpenID provider'],
    [
      'get',
      '/api/auth/oidc/callback',
      "Single sign-on: the provider's answer; sets the session cookie and redirects to the web app",
    ],
  ]),
  ...tagged('Users', [
    [
      'post',
      '/api/users/invitations',
      'Invite a person: creates them and returns a one-time link to choose a password',
      { body: inviteBody },
    ],
    [
      'post',
      '/api/users/{id}/password-reset',
      "Force a password reset: ends the person's sessions and returns a one-time link",
    ],
    ['get', '/api/me', 'The signed-in user'],
    [
      'get',
      '/api/permissions',
      'The permission table as it applies to the caller: each operation and whether they may call it',
    ],
    ['get', '/api/users', 'List users'],
    ['post', '/api/users', 'Create a user and their first token', { body: schemas.userCreate }],
    [
      'put',
      '/api/users/{id}/role',
      "Change a user's role (the last active administrator keeps theirs)",
      { body: accessSchemas.roleChange },
    ],
    [
      'put',
      '/api/users/{id}/team',
      "Move a user into one of the organisation's teams, or out of every team (null)",
      { body: accessSchemas.teamChange },
    ],
    [
      'post',
      '/api/users/{id}/disable',
      'Disable a user: their tokens and sessions are refused from the next request',
    ],
    ['post', '/api/users/{id}/enable', 'Enable a disabled user again'],
  ]),
  ...tagged('Tokens', [
    ['get', '/api/tokens', 'My API tokens (never their secrets)'],
    [
      'post',
      '/api/tokens',
      'Make a personal API token; the answer holds its secret, shown this once',
      {
        body: accessSchemas.tokenCreate,
        notes: 'A token made with a token can only hold scopes that token holds (code `scope_not_held`)',
      },
    ],
    ['delete', '/api/tokens/{id}', 'Revoke one of my tokens'],
    ['get', '/api/admin/tokens', "Everyone's API tokens"],
    [
      'post',
      '/api/admin/tokens',
      'Make a token for a (service) user; the answer holds its secret, shown this once',
      { body: accessSchemas.serviceTokenCreate },
    ],
    ['delete', '/api/admin/tokens/{id}', "Revoke anyone's token"],
  ]),
  ...tagged('Users', [
    [
      'get',
      '/api/admin-log',
      'The admin-actions log: users, roles, tokens and settings changes, newest first',
      { query: accessSchemas.adminLogQuery },
    ],
    ['get', '/api/roles', "The roles that work tickets, for an SOP's steps and actions"],
    ['post', '/api/roles', 'Add an organisation role (e.g. billing_specialist), usable in SOP steps'],
    ['put', '/api/roles/members/{userId}', "Set a user's organisation roles (beside their built-in role)"],
    ['get', '/api/teams', 'The teams (departments) of the organisation'],
    ['post', '/api/teams', 'Add a team'],
    [
      'put',
      '/api/teams/{id}',
      "Set the calendar a team's business time counts in (null: the SOP's), for SOP versions published afterwards",
      { body: teamCalendarBody, responses: { '422': 'No calendar with this id' } },
    ],
  ]),
  ...tagged('SOPs', [
    ['get', '/api/sops', 'List SOPs'],
    ['post', '/api/sops', 'Create an SOP draft', { body: schemas.sopCreate }],
    ['get', '/api/sops/{id}', 'An SOP: its draft and versions'],
    [
      'put',
      '/api/sops/{id}',
      'Save the draft (valid or not)',
      {
        body: schemas.sopSave,
        notes:
          'Optimistic concurrency: send `baseRevision`, the `revision` of the draft you edited (GET /api/sops/{id} and every PUT return it). If the draft was saved since, nothing is saved and the answer is 409 with code `draft_conflict` and `params: { id, baseRevision, revision }`. A save without `baseRevision` always applies.',
        responses: {
          '409': 'draft_conflict: the draft has a newer revision than `baseRevision` (see `params.revision`)',
        },
      },
    ],
    [
      'post',
      '/api/sops/{id}/validate',
      'Diagnostics for the draft or a given document',
      { body: schemas.sopValidate },
    ],
    ['post', '/api/sops/{id}/publish', 'Publish the draft as the next immutable version'],
    ['get', '/api/sops/{id}/versions/{n}', 'A published version'],
  ]),
  ...tagged('Calendars', [
    ['get', '/api/calendars', 'Calendars: the latest version of each, with the SOPs using it (`usedBy`)'],
    [
      'get',
      '/api/calendars/{id}',
      'A calendar: its latest version, the list of versions and the SOPs whose latest version pins it (`usedBy`)',
    ],
    [
      'put',
      '/api/calendars/{id}',
      'Save a calendar as its next immutable version (public holidays of `holidayRegions` resolved)',
      {
        body: calendarSchema.extend({ baseVersion: z.number().int().min(0).optional() }),
        notes:
          'SOP versions published afterwards pin this version; earlier SOP versions keep the calendar version they pinned. With `baseVersion` (0 for a new calendar) a save over a newer version is refused with 409 `calendar_conflict`.',
      },
    ],
    ['get', '/api/calendars/{id}/versions/{n}', 'A calendar version'],
    ['get', '/api/holidays/regions', 'Countries with public holidays (date-holidays), `?lang=` for names'],
    ['get', '/api/holidays/regions/{country}', 'The states/regions of a country with public holidays'],
    [
      'get',
      '/api/holidays',
      'The public holidays of a country (`country`), optional region (`region`), in a year (`year`)',
    ],
  ]),
  ...tagged('SOPs', [
    ['post', '/api/sops/{id}/archive', 'Archive an SOP'],
    ['post', '/api/sops/{id}/unarchive', 'Bring an archived SOP back'],
  ]),
  ...tagged('Customers', [
    ['get', '/api/customers', 'Search customers (?q=)'],
    ['post', '/api/customers', 'Create a customer', { body: schemas.customer }],
    ['get', '/api/customers/{id}', 'A customer with tickets and surveys'],
    ['put', '/api/customers/{id}', 'Update a customer', { body: schemas.customer }],
    ['post', '/api/customers/{id}/surveys', 'Record a CSAT/NPS/CES survey', { body: schemas.survey }],
  ]),
  ...tagged('Tickets', [
    ['get', '/api/tickets', 'List tickets, most urgent first', { query: schemas.ticketQuery }],
    ['post', '/api/tickets', 'Open a ticket on the latest version of an SOP', { body: schemas.ticketCreate }],
    ['get', '/api/tickets/{id}', 'A ticket with its step prompt'],
    [
      'post',
      '/api/tickets/{id}/actions',
      'Take an action (Idempotency-Key supported)',
      { body: schemas.action },
    ],
    ['post', '/api/tickets/{id}/update', 'Save fields and checklist ticks', { body: schemas.update }],
    [
      'post',
      '/api/tickets/{id}/override',
      'Move a ticket to a step, with a reason',
      { body: schemas.override },
    ],
    ['post', '/api/tickets/{id}/claim', 'Take a ticket', { body: schemas.claim }],
    ['post', '/api/tickets/{id}/assign', 'Assign to a user or queue', { body: schemas.assign }],
    ['post', '/api/tickets/{id}/notes', 'Add a note', { body: schemas.note }],
  ]),
  ...tagged('Audit', [
    ['get', '/api/tickets/{id}/history', 'The full audit history'],
    ['get', '/api/tickets/{id}/verify', 'Verify the hash chain and replay'],
    [
      'get',
      '/api/tickets/{id}/evidence',
      'Download the evidence bundle (v2: records, inclusion proofs, signed tree head; ?size= a signed head)',
    ],
    ['get', '/api/ledger/head', 'The latest signed tree head of the ledger'],
    [
      'get',
      '/api/ledger/proof/inclusion',
      'Inclusion proof of a leaf (?leaf=, ?size= default the latest head)',
      { query: ledgerSchemas.inclusionQuery },
    ],
    [
      'get',
      '/api/ledger/proof/consistency',
      'Consistency proof between two tree sizes (?from=, ?to= default the latest head)',
      { query: ledgerSchemas.consistencyQuery },
    ],
    ['get', '/api/keys', 'The public key tree heads and bundles are signed with'],
  ]),
  ...tagged('Metrics', [
    [
      'get',
      '/api/metrics',
      'FRT, ATHT, FCR, volume, SLA breaches, per-step times, surveys',
      { query: schemas.metricsQuery },
    ],
    [
      'get',
      '/api/metrics/tickets',
      'The tickets behind one figure (drill-down)',
      { query: schemas.metricsTicketsQuery },
    ],
    [
      'get',
      '/api/metrics/workload',
      'Open tickets per agent and per team: age and overdue count',
      { query: schemas.metricsQuery },
    ],
    ['get', '/api/metrics/options', 'The filter choices: SOPs with their versions, and teams'],
  ]),
  ...tagged('Audit', [
    [
      'get',
      '/api/audit/tickets',
      'Find tickets by id, customer, text, SOP, version, status or date, each verified',
      { query: schemas.auditQuery },
    ],
  ]),
  ...channelOps,
  ...outboxOps,
  ...surveyOps,
  ...watcherOps,
  ...templateOps,
]
