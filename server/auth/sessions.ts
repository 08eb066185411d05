import { randomBytes } from 'node:crypto'
import { sha256 } from '../services/crypto.ts'
import type { Clock } from '../services/tickets.ts'
import type { AuthStore, SessionRow } from '../storage/authTypes.ts'
import type { User } from '../storage/types.ts'

export const SESSION_COOKIE = 'sopflow_session'
export const CSRF_COOKIE = 'sopflow_csrf'
export const CSRF_HEADER = 'x-csrf-token'

export interface SessionConfig {
  /** A session not used for this long ends (ms; default 8 hours). */
  idleMs: number
  /** A session ends this long after sign-in, used or not (ms; default 7 days). */
  absoluteMs: number
}

export const DEFAULT_SESSIONS: SessionConfig = { idleMs: 8 * 3600_000, absoluteMs: 7 * 24 * 3600_000 }

/** A session's secret travels only in its cookie; the database holds its hash. */
export const sessionHash = (secret: string) => sha256(`sopflow-session:${secret}`)

export interface OpenSession {
  row: SessionRow
  user: User
}

/**
 * Server-side sessions of signed-in people: a random 256-bit secret in an HttpOnly cookie,
 * its hash in the sessions table with the idle and the absolute expiry. Every request reads the
 * row and the user (no cache): signing out, signing out everywhere and disabling a user take
 * effect at the next request.
 */
export class Sessions {
  constructor(
    private readonly store: AuthStore,
    private readonly clock: Clock,
    readonly config: SessionConfig,
  ) {}

  /**
   * Opens a session for a user; returns the secret (for the cookie) and the CSRF token. Inside a
   * transaction, pass its handle as `tx`.
   */
  async open(
    userId: string,
    via: SessionRow['via'],
    tx: AuthStore = this.store,
  ): Promise<{ secret: string; row: SessionRow }> {
    const secret = randomBytes(32).toString('base64url')
    const now = this.clock()
    const row: SessionRow = {
      hash: sessionHash(secret),
      userId,
      csrf: randomBytes(24).toString('base64url'),
      via,
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      idleExpiresAt: new Date(now.getTime() + this.config.idleMs).toISOString(),
      expiresAt: new Date(now.getTime() + this.config.absoluteMs).toISOString(),
    }
    await tx.deleteExpiredSessions(row.createdAt)
    await tx.insertSession(row)
    return { secret, row }
  }

  /**
   * The session a cookie's secret names, when it is still valid and its user is not disabled;
   * using it moves the idle expiry on. An expired session is deleted.
   */
  async resolve(secret: string): Promise<OpenSession | null> {
    const row = await this.store.session(sessionHash(secret))
    if (!row) return null
    const now = this.clock()
    const at = now.toISOString()
    if (row.expiresAt <= at || row.idleExpiresAt <= at) {
      await this.store.deleteSession(row.hash)
      return null
    }
    const account = await this.store.accountById(row.userId)
    if (!account || account.disabledAt) return null
    // The idle expiry moves on at most once a minute, so that reads do not write on every request.
    if (now.getTime() - Date.parse(row.lastSeenAt) >= Math.min(60_000, this.config.idleMs / 10)) {
      const idle = new Date(Math.min(now.getTime() + this.config.idleMs, Date.parse(row.expiresAt)))
      await this.store.touchSession(row.hash, at, idle.toISOString())
      row.lastSeenAt = at
      row.idleExpiresAt = idle.toISOString()
    }
    return { row, user: account.user }
  }

  end(hash: string): Promise<void> {
    return this.store.deleteSession(hash)
  }

  endAllOf(userId: string, tx: AuthStore = this.store): Promise<number> {
    return tx.deleteSessionsOf(userId)
  }
}
