import type { Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import type { Clock } from '../services/tickets.ts'
import { authStoreFor } from '../storage/authStore.ts'
import type { SessionRow } from '../storage/authTypes.ts'
import type { Storage } from '../storage/types.ts'
import { DEFAULT_LINKS, type LinkConfig, Links } from './invitations.ts'
import { Oidc, type OidcConfig } from './oidc.ts'
import { DEFAULT_RATE_LIMIT, type RateLimitConfig, SignInLimiter } from './rateLimit.ts'
import { CSRF_COOKIE, DEFAULT_SESSIONS, SESSION_COOKIE, type SessionConfig, Sessions } from './sessions.ts'

/** Sign-in settings (AppConfig.auth); every member has a default. */
export interface AuthConfig {
  sessions?: Partial<SessionConfig>
  links?: Partial<LinkConfig>
  rateLimit?: Partial<RateLimitConfig>
  /** Single sign-on; none when not given. */
  oidc?: OidcConfig | null
  /** Mark cookies `Secure`: `auto` (default) when the request came over TLS (or `X-Forwarded-Proto: https`). */
  secureCookies?: boolean | 'auto'
}

/** Everything sign-in needs, built once per app. */
export function createAuth(storage: Storage, clock: Clock, config: AuthConfig = {}) {
  const store = authStoreFor(storage)
  return {
    store,
    sessions: new Sessions(store, clock, { ...DEFAULT_SESSIONS, ...config.sessions }),
    links: new Links(store, clock, { ...DEFAULT_LINKS, ...config.links }),
    limiter: new SignInLimiter(store, clock, { ...DEFAULT_RATE_LIMIT, ...config.rateLimit }),
    oidc: config.oidc ? new Oidc(config.oidc, store, clock) : null,
    secureCookies: config.secureCookies ?? 'auto',
  }
}

export type Auth = ReturnType<typeof createAuth>

/** Whether the request reached this server over TLS (directly or through a proxy that says so). */
export function overTls(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https'
}

const secure = (auth: Auth, c: Context) => (auth.secureCookies === 'auto' ? overTls(c) : auth.secureCookies)

/**
 * Sets the session cookie (`HttpOnly; SameSite=Lax; Path=/`, `Secure` over TLS) and the CSRF
 * cookie the page reads to send `X-CSRF-Token`. Both last as long as the session can.
 */
export function setSessionCookies(auth: Auth, c: Context, secret: string, row: SessionRow): void {
  const expires = new Date(row.expiresAt)
  const s = secure(auth, c)
  setCookie(c, SESSION_COOKIE, secret, { httpOnly: true, sameSite: 'Lax', path: '/', secure: s, expires })
  setCookie(c, CSRF_COOKIE, row.csrf, { httpOnly: false, sameSite: 'Lax', path: '/', secure: s, expires })
}

export function clearSessionCookies(auth: Auth, c: Context): void {
  const s = secure(auth, c)
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: s })
  deleteCookie(c, CSRF_COOKIE, { path: '/', secure: s })
}

/** The client's address, for the per-address limit (the socket's, or the proxy's word when trusted). */
export function clientIp(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming?.socket?.remoteAddress ?? 'local'
}
