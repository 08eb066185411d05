import type { Role, User } from './types.ts'

/**
 * Who may call the API and what administrators did: API tokens, the user changes only an
 * administrator makes, and the append-only admin-actions log. Every change is written together
 * with its log entry, in one transaction.
 */

/** `personal`: a person made it for themself; `service`: an administrator made it for a program. */
export type TokenKind = 'personal' | 'service'

export interface TokenRecord {
  id: string
  userId: string
  name: string
  kind: TokenKind
  scopes: string[]
  createdBy: string | null
  createdAt: string
  expiresAt: string | null
  lastUsedAt: string | null
  revokedAt: string | null
  revokedBy: string | null
}

/** A token as listed: with its user's name and role. */
export interface TokenListing extends TokenRecord {
  userName: string
  userRole: Role
}

export interface AdminLogEntry {
  seq: number
  at: string
  actorId: string
  actorRole: string
  /** e.g. `user.create`, `user.role`, `user.disable`, `user.enable`, `token.create`, `token.revoke`. */
  action: string
  targetType: 'user' | 'token' | 'setting' | string
  targetId: string
  before: unknown
  after: unknown
}

export type NewAdminLogEntry = Omit<AdminLogEntry, 'seq'>

export interface AdminLogQuery {
  limit: number
  offset: number
  action?: string
  targetId?: string
}

export interface AccessStorage {
  /** The token with this hash and its user, whatever the token's state (the caller decides). */
  findCredential(hash: string): Promise<{ token: TokenRecord; user: User } | null>
  /** Records that the token was used (callers limit how often). */
  touchToken(id: string, at: string): Promise<void>
  getToken(id: string): Promise<TokenRecord | null>
  /** Tokens, newest first: of one user, or everyone's. */
  listTokens(userId?: string): Promise<TokenListing[]>
  createToken(token: TokenRecord, hash: string, log: NewAdminLogEntry): Promise<TokenRecord>
  /** Marks the token revoked; false when it already was. */
  revokeToken(id: string, at: string, by: string, log: NewAdminLogEntry): Promise<boolean>
  /** Creates a user with their first token. */
  createUser(user: User, token: TokenRecord, hash: string, log: NewAdminLogEntry): Promise<User>
  /** Applies role, team or disabled changes to a user. */
  updateUser(
    id: string,
    change: { role?: Role; team?: string | null; disabledAt?: string | null },
    log: NewAdminLogEntry,
  ): Promise<User>
  /** Adds an entry on its own (a settings change recorded by another part of the server). */
  appendAdminLog(entry: NewAdminLogEntry): Promise<AdminLogEntry>
  listAdminLog(query: AdminLogQuery): Promise<{ total: number; items: AdminLogEntry[] }>
}
