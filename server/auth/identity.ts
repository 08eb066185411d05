import type { User } from '../storage/types.ts'

/**
 * Who is making a request, and how they proved it. Every authenticated route reads this; the
 * permission table decides from the user's role and, for API tokens, the token's scopes.
 */
export interface Identity {
  user: User
  /** `session`: a signed-in person's cookie; `token`: an API token sent as a bearer token. */
  via: 'session' | 'token'
  /** The scopes an API token was given; null for a session (the role alone decides). */
  scopes: readonly string[] | null
  /** The session's or token's id (never its secret). */
  credentialId: string
}

export type AppEnv = { Variables: { user: User; identity: Identity; maxBody: number } }
