import { tokenHash } from '../services/crypto.ts'
import type { Storage } from '../storage/types.ts'
import type { Identity } from './identity.ts'

/**
 * The identity an API token stands for, looked up on every request (no cache: a revoked token
 * is refused at the very next request), or null when the token is unknown.
 */
export async function resolveToken(storage: Storage, secret: string): Promise<Identity | null> {
  const hash = tokenHash(secret)
  const user = await storage.findUserByTokenHash(hash)
  if (!user) return null
  return { user, via: 'token', scopes: null, credentialId: hash.slice(0, 16) }
}
