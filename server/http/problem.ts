import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { z } from 'zod'
import { SopError } from '../../engine/index.ts'
import { ConflictError } from '../storage/types.ts'
import { checkJsonDepth, readBodyText } from './body.ts'

/**
 * An API error: an HTTP status, a stable `code` and a human message, plus any extension members
 * (the engine's rejection, diagnostics, the allowed actions). Rendered as RFC 9457 problem+json.
 */
export class Problem extends HTTPException {
  readonly code: string
  readonly extra: Record<string, unknown>

  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super(status, { message })
    this.code = code
    this.extra = extra
  }
}

export const notFound = (what: string, id: string) =>
  new Problem(404, 'not_found', `${what} "${id}" does not exist`, { id })

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
    { errors },
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
  500: 'Internal Server Error',
}

/** The one error handler: every error leaves the API as application/problem+json. */
export function onError(log: (line: string) => void) {
  return (err: Error, c: Context): Response => {
    let status = 500
    let code = 'internal_error'
    let detail = 'Something went wrong on the server; the request was not applied.'
    let extra: Record<string, unknown> = {}
    if (err instanceof Problem) {
      status = err.status
      code = err.code
      detail = err.message
      extra = err.extra
    } else if (err instanceof SopError) {
      status = 422
      code = err.code
      detail = err.message
      extra = { id: err.id, diagnostics: err.diagnostics }
    } else if (err instanceof ConflictError) {
      status = err.code === 'not_found' ? 404 : 409
      code = err.code
      detail = err.message
    } else if (err instanceof z.ZodError) {
      status = 400
      code = 'invalid_request'
      detail = err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    } else if (err instanceof HTTPException) {
      status = err.status
      code = status === 413 ? 'body_too_large' : `http_${status}`
      detail = err.message || TITLES[status] || 'Request failed'
    } else {
      log(`error: ${err.stack ?? err.message}`)
    }
    const body = {
      type: `https://sopflow.dev/problems/${code}`,
      title: TITLES[status] ?? 'Error',
      status,
      code,
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
