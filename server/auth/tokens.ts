import { Problem } from '../http/problem.ts'
import { tokenHash } from '../services/crypto.ts'
import type { Storage } from '../storage/types.ts'
import type { Identity } from './identity.ts'

/** How stale a token's "last used" may get before it is written again. */
const TOUCH_EVERY_MS = 60_000

/**
 * The identity an API token stands for, looked up in the database on every request (no cache:
 * revoking a token, its expiry and disabling its user are refused at the very next request, on
 * every server process), or null when no token has this secret.
 */
export async function resolveToken(
  storage: Storage,
  secret: string,
  now: Date = new Date(),
): Promise<Identity | null> {
  const found = await storage.access.findCredential(tokenHash(secret))
  if (!found) return null
  const { token, user } = found
  if (token.revokedAt) {
    throw new Problem(401, 'token_revoked', `The token "${token.name}" was revoked`, {
      params: { name: token.name, at: token.revokedAt },
    })
  }
  if (token.expiresAt && token.expiresAt <= now.toISOString()) {
    throw new Problem(401, 'token_expired', `The token "${token.name}" expired at ${token.expiresAt}`, {
      params: { name: token.name, at: token.expiresAt },
    })
  }
  if (user.disabledAt) {
    throw new Problem(401, 'user_disabled', `The account of ${user.name} is disabled`, {
      params: { name: user.name },
    })
  }
  const at = now.toISOString()
  if (!token.lastUsedAt || Date.parse(at) - Date.parse(token.lastUsedAt) > TOUCH_EVERY_MS) {
    // Best effort: a busy database must not fail the request over a "last used" time.
    await storage.access.touchToken(token.id, at).catch(() => {})
  }
  return { user, via: 'token', scopes: token.scopes, credentialId: token.id }
}
