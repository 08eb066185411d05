import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'

/**
 * The browser-hardening headers on every answer (API, web app, errors): a Content-Security-Policy
 * with no inline or remote script, no framing, no MIME sniffing and no referrer.
 * Inline styles stay allowed: React Flow positions nodes with style attributes and the API
 * reference page carries its own stylesheet.
 */
export const securityHeaders = (): MiddlewareHandler =>
  secureHeaders({
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
  })

/** API answers may carry personal data (tickets, customers, evidence bundles): never cached. */
export const noStore = (): MiddlewareHandler => async (c, next) => {
  await next()
  c.res.headers.set('cache-control', 'no-store')
}
