import { timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import { Problem } from '../http/problem.ts'
import { CSRF_HEADER } from './sessions.ts'

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * A request that comes from another site: the browser says so (`Sec-Fetch-Site: cross-site`),
 * or its Origin is another origin than this server's. (Same-origin requests under
 * `Referrer-Policy: no-referrer` carry `Origin: null`, which is not taken as foreign.)
 */
export function fromAnotherSite(c: Context): boolean {
  if (c.req.header('sec-fetch-site') === 'cross-site') return true
  const origin = c.req.header('origin')
  if (!origin || origin === 'null') return false
  const own = new URL(c.req.url)
  const host = c.req.header('x-forwarded-host') ?? c.req.header('host') ?? own.host
  try {
    return new URL(origin).host !== host
  } catch {
    return true
  }
}

/** Refuses a request from another site (sign-in forms: no session yet, no token to compare). */
export function refuseForeign(c: Context): void {
  if (!SAFE.has(c.req.method) && fromAnotherSite(c))
    throw new Problem(403, 'csrf_refused', 'This request came from another site and is refused')
}

/**
 * The check for a write authenticated by a session cookie: it must come from this site and carry
 * the session's CSRF token in the `X-CSRF-Token` header (the page reads it from the
 * `sopflow_csrf` cookie, which another site can neither read nor set with this value).
 * Requests with a bearer token are not subject to it: a browser never adds one by itself.
 */
export function checkCsrf(c: Context, expected: string): void {
  if (SAFE.has(c.req.method)) return
  refuseForeign(c)
  // Stryker disable next-line StringLiteral: any stand-in for a missing header differs from the session's token
  const sent = c.req.header(CSRF_HEADER) ?? ''
  const a = Buffer.from(sent)
  const b = Buffer.from(expected)
  if (a.length !== b.length || !timingSafeEqual(a, b))
    throw new Problem(
      403,
      'csrf_refused',
      `A write with a session cookie needs the "${CSRF_HEADER}" header with the session's CSRF token`,
    )
}
