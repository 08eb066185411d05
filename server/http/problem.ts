import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { z } from 'zod'
import { REJECTION_CODES, SOP_ERROR_CODES, SopError } from '../../engine/index.ts'
import { RefusedError } from '../storage/refused.ts'
import { ConflictError } from '../storage/types.ts'
import { checkJsonDepth, readBodyText } from './body.ts'

/** Codes of the API's own problems (the engine's rejections and SOP errors are added below). */
const API_CODES = [
  'not_found',
  'forbidden',
  'unauthenticated',
  'invalid_request',
  'malformed_json',
  'body_too_large',
  'unsupported_media_type',
  'internal_error',
  'http_error',
  'sop_archived',
  'sop_not_published',
  'sop_exists',
  'unchanged',
  'idempotency_key_reused',
  'stale_version',
  'already_assigned',
  'not_assignee',
  'assignee_not_qualified',
  'assignee_wrong_team',
  'survey_other_customer',
  'role_exists',
  'unknown_role',
  'unknown_team',
  'team_exists',
  'unknown_calendar',
  'outside_team',
  'draft_conflict',
  'ledger_rewritten',
  'ledger_size_unknown',
  'ledger_leaf_unknown',
  'ledger_unavailable',
  'ticket_tampered',
  'body_incomplete',
  'malformed_path',
  'too_deeply_nested',
  'token_revoked',
  'token_expired',
  'user_disabled',
  'scope_missing',
  'scope_not_held',
  'not_in_permission_table',
  'last_admin',
  'invalid_credentials',
  'too_many_attempts',
  'account_disabled',
  'csrf_refused',
  'link_invalid',
  'password_weak',
  'email_taken',
  'sso_not_configured',
  'sso_failed',
  'webhook_signature_invalid',
  'connection_address_taken',
  'submission_refused',
  'rate_limited',
  'webhook_url_refused',
  'outbox_not_failed',
  'survey_link_invalid',
  'survey_expired',
  'survey_answered',
  'survey_empty',
  'template_invalid',
  'duplicate_message',
  'duplicate_number',
  'calendar_conflict',
  'calendar_time_zone',
  'calendar_hours_order',
  'calendar_hours_overlap',
  'calendar_holiday_region',
] as const

/**
 * Every `code` a problem+json answer of this server can carry: the web app has a text for each,
 * in every language, and renders it with the answer's `params`.
 */
export const PROBLEM_CODES = [...new Set([...API_CODES, ...REJECTION_CODES, ...SOP_ERROR_CODES])] as const
export type ProblemCode =
  | (typeof API_CODES)[number]
  | (typeof REJECTION_CODES)[number]
  | (typeof SOP_ERROR_CODES)[number]

/** Values a problem's text is built from: ids, numbers, lists joined by ", ". */
export type ProblemParams = Record<string, string | number>

/**
 * An API error: an HTTP status, a stable `code` and a human message, plus any extension members
 * (the engine's rejection, diagnostics, the allowed actions). Rendered as RFC 9457 problem+json
 * with `params`: `extra.params` when given, else the extension members that are plain values.
 */
export class Problem extends HTTPException {
  readonly code: ProblemCode
  readonly extra: Record<string, unknown>
  readonly params: ProblemParams

  constructor(
    status: ContentfulStatusCode,
    code: ProblemCode,
    message: string,
    extra: Record<string, unknown> & { params?: ProblemParams } = {},
  ) {
    super(status, { message })
    this.code = code
    const { params, ...rest } = extra
    this.extra = rest
    this.params = params ?? plainValues(rest)
  }
}

function plainValues(extra: Record<string, unknown>): ProblemParams {
  const out: ProblemParams = {}
  for (const [k, v] of Object.entries(extra)) if (typeof v === 'string' || typeof v === 'number') out[k] = v
  return out
}

/** `what` names the kind of thing ("Ticket", "SOP version"); `params.kind` is its stable slug. */
export const notFound = (what: string, id: string) =>
  new Problem(404, 'not_found', `${what} "${id}" does not exist`, {
    id,
    params: { kind: what.toLowerCase().replace(/\s+/g, '_'), id },
  })

export const forbidden = (message: string) => new Problem(403, 'forbidden', message)

/** Parses a value with a zod schema; a failure is a 400 naming every bad member. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, where = 'body'): z.infer<T> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const errors = result.error.issues.map((i) => ({
    path: i.path.join('.') || where,
    message: i.message,
  }))
  throw new Problem(
    400,
    'invalid_request',
    `Invalid ${where}: ${errors.map((e) => (e.path === where ? e.message : `${e.path}: ${e.message}`)).join('; ')}`,
    { errors, params: { where, fields: [...new Set(errors.map((e) => e.path))].join(', ') } },
  )
}

/** Reads a JSON request body within the body limit; malformed or too deeply nested JSON is a 400. */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = await readBodyText(c)
  if (!text.trim()) return {}
  checkJsonDepth(text)
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new Problem(400, 'malformed_json', `The request body is not valid JSON: ${(err as Error).message}`)
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  502: 'Bad Gateway',
  500: 'Internal Server Error',
}

/** The one error handler: every error leaves the API as application/problem+json. */
export function onError(log: (line: string) => void) {
  return (err: Error, c: Context): Response => {
    let status = 500
    let code: ProblemCode = 'internal_error'
    let detail = 'Something went wrong on the server; the request was not applied.'
    let extra: Record<string, unknown> = {}
    let params: ProblemParams = {}
    if (err instanceof Problem) {
      status = err.status
      code = err.code
      detail = err.message
      extra = err.extra
      params = err.params
    } else if (err instanceof SopError) {
      status = 422
      code = err.code
      detail = err.message
      extra = { id: err.id, diagnostics: err.diagnostics }
      params = { id: err.id ?? '', count: err.diagnostics.length }
    } else if (err instanceof ConflictError) {
      status = err.code === 'not_found' ? 404 : 409
      code = err.code === 'not_found' || err.code === 'draft_conflict' ? err.code : 'stale_version'
      detail = err.message
      params =
        (err.params as ProblemParams | undefined) ??
        (err.code === 'not_found' ? { kind: 'ticket', id: '' } : {})
    } else if (err instanceof RefusedError && err.code !== 'storage_error') {
      // Stored before, or numbered by another server at the same moment: nothing was written.
      status = 409
      code = err.code
      detail = err.message
      params = { id: String(err.params?.id ?? '') }
    } else if (err instanceof z.ZodError) {
      status = 400
      code = 'invalid_request'
      detail = err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
      params = { where: 'body', fields: [...new Set(err.issues.map((i) => i.path.join('.')))].join(', ') }
    } else if (err instanceof HTTPException) {
      status = err.status
      code = status === 413 ? 'body_too_large' : 'http_error'
      detail = err.message || TITLES[status] || 'Request failed'
      params = { status }
    } else {
      log(`error: ${err.stack ?? err.message}`)
    }
    const body = {
      type: `https://sopflow.dev/problems/${code}`,
      title: TITLES[status] ?? 'Error',
      status,
      code,
      params,
      detail,
      instance: c.req.path,
      ...extra,
    }
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    })
  }
}
