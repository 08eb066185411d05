import { Hono, type MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'

/**
 * The browser-hardening headers on every answer (API, web app, errors): a Content-Security-Policy
 * with no inline or remote script, no framing, no MIME sniffing and no referrer.
 * Inline styles stay allowed: React Flow positions nodes with style attributes and the API
 * reference page carries its own stylesheet.
 */
const options: Parameters<typeof secureHeaders>[0] = {
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
  // TLS is the deployer's choice (often a proxy in front); HSTS belongs there.
  strictTransportSecurity: false,
}

/**
 * The headers hono's `secureHeaders` sets with these options, read once from an answer of its own.
 * They are the same on every answer (no nonce), so they are kept as a plain object.
 */
const SECURITY: Readonly<Record<string, string>> = await (async () => {
  // Stryker disable next-line StringLiteral,ArrowFunction: hono routes '' as '/', and its 404 gets the same headers
  const probe = new Hono().use(secureHeaders(options)).get('/', (c) => c.body(null))
  // Stryker disable next-line StringLiteral: hono requests '' as '/'
  const headers = Object.fromEntries((await probe.request('/')).headers)
  // Stryker disable next-line StringLiteral: an empty answer has no content type to drop
  delete headers['content-type']
  return headers
})()

/** An API answer's headers besides its own: the security headers and no caching. */
const API_JSON: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  ...SECURITY,
  'cache-control': 'no-store',
}

/** Answers that already carry every header the middlewares below would set. */
const complete = new WeakSet<Response>()

/**
 * A JSON API answer built with all of its headers at once. The middlewares leave it alone, so the
 * Node adapter writes its plain header object as it is, instead of each middleware turning the
 * headers into a `Headers` object and setting them one by one (the hot path of ticket actions).
 */
export function apiJson(value: unknown, status = 200): Response {
  const res = new Response(JSON.stringify(value), { status, headers: API_JSON })
  complete.add(res)
  return res
}

/** The security headers on every answer (see `SECURITY`). */
export const securityHeaders = (): MiddlewareHandler => async (c, next) => {
  await next()
  // Stryker disable next-line ConditionalExpression: setting the same values again changes nothing but time
  if (complete.has(c.res)) return
  for (const name in SECURITY) c.res.headers.set(name, SECURITY[name])
}

/** API answers may carry personal data (tickets, customers, evidence bundles): never cached. */
export const noStore = (): MiddlewareHandler => async (c, next) => {
  await next()
  // Stryker disable next-line ConditionalExpression: setting the same value again changes nothing but time
  if (complete.has(c.res)) return
  c.res.headers.set('cache-control', 'no-store')
}
