import type Database from 'better-sqlite3'
import type { User } from './types.ts'

/** A person's sign-in data beside their user row: never sent to a browser as it is. */
export interface Account {
  user: User
  email: string | null
  passwordHash: string | null
  disabledAt: string | null
}

export interface SessionRow {
  hash: string
  userId: string
  csrf: string
  via: 'password' | 'sso' | 'link'
  createdAt: string
  lastSeenAt: string
  idleExpiresAt: string
  expiresAt: string
}

export type LinkPurpose = 'setup' | 'invitation' | 'reset'

export interface LinkRow {
  hash: string
  userId: string
  purpose: LinkPurpose
  createdAt: string
  expiresAt: string
  usedAt: string | null
}

type Row = Record<string, unknown>

/**
 * Storage of sign-in: accounts (e-mail, password hash, disabled), sessions and one-time links,
 * on the same SQLite database as everything else. Every read goes to the database (no cache),
 * so a session ended or a user disabled is refused at the very next request.
 */
export class AuthStore {
  private readonly stmts = new Map<string, Database.Statement>()
  constructor(readonly db: Database.Database) {}

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.stmts.set(sql, s)
    }
    return s
  }

  accountById(id: string): Account | null {
    const r = this.stmt('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined
    return r ? toAccount(r) : null
  }

  accountByEmail(email: string): Account | null {
    const r = this.stmt('SELECT * FROM users WHERE lower(email) = lower(?)').get(email.trim()) as
      | Row
      | undefined
    return r ? toAccount(r) : null
  }

  /** Creates a user with an e-mail and no password (they choose it through a one-time link). */
  createPerson(user: User, email: string | null): void {
    this.stmt('INSERT INTO users (id, name, role, team, created_at, email) VALUES (?, ?, ?, ?, ?, ?)').run(
      user.id,
      user.name,
      user.role,
      user.team,
      user.createdAt,
      email?.trim() || null,
    )
  }

  setEmail(userId: string, email: string): void {
    this.stmt('UPDATE users SET email = ? WHERE id = ?').run(email.trim(), userId)
  }

  setPasswordHash(userId: string, hash: string | null): void {
    this.stmt('UPDATE users SET password_hash = ? WHERE id = ?').run(hash, userId)
  }

  setDisabled(userId: string, at: string | null): void {
    this.stmt('UPDATE users SET disabled_at = ? WHERE id = ?').run(at, userId)
  }

  /** Runs `fn` in one transaction: every write in it commits, or none. */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate()
  }

  // Sessions

  insertSession(s: SessionRow): void {
    this.stmt(
      `INSERT INTO sessions (hash, user_id, csrf, via, created_at, last_seen_at, idle_expires_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(s.hash, s.userId, s.csrf, s.via, s.createdAt, s.lastSeenAt, s.idleExpiresAt, s.expiresAt)
  }

  session(hash: string): SessionRow | null {
    const r = this.stmt('SELECT * FROM sessions WHERE hash = ?').get(hash) as Row | undefined
    return r ? toSession(r) : null
  }

  touchSession(hash: string, lastSeenAt: string, idleExpiresAt: string): void {
    this.stmt('UPDATE sessions SET last_seen_at = ?, idle_expires_at = ? WHERE hash = ?').run(
      lastSeenAt,
      idleExpiresAt,
      hash,
    )
  }

  deleteSession(hash: string): void {
    this.stmt('DELETE FROM sessions WHERE hash = ?').run(hash)
  }

  /** Ends every session of a user; returns how many there were. */
  deleteSessionsOf(userId: string): number {
    return this.stmt('DELETE FROM sessions WHERE user_id = ?').run(userId).changes
  }

  countSessionsOf(userId: string): number {
    return (this.stmt('SELECT count(*) AS n FROM sessions WHERE user_id = ?').get(userId) as { n: number }).n
  }

  deleteExpiredSessions(now: string): void {
    this.stmt('DELETE FROM sessions WHERE expires_at <= ? OR idle_expires_at <= ?').run(now, now)
  }

  // One-time links

  insertLink(l: LinkRow): void {
    this.stmt(
      'INSERT INTO auth_links (hash, user_id, purpose, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, NULL)',
    ).run(l.hash, l.userId, l.purpose, l.createdAt, l.expiresAt)
  }

  link(hash: string): LinkRow | null {
    const r = this.stmt('SELECT * FROM auth_links WHERE hash = ?').get(hash) as Row | undefined
    return r ? toLink(r) : null
  }

  /** Marks a link used; false when it was used already (a second use loses the race). */
  useLink(hash: string, at: string): boolean {
    return (
      this.stmt('UPDATE auth_links SET used_at = ? WHERE hash = ? AND used_at IS NULL').run(at, hash)
        .changes === 1
    )
  }

  // Sign-in attempts (keys: `account:<typed address>`, `ip:<address>`)

  attempt(key: string): { failures: number; notBefore: number; lastFailure: number } | null {
    const r = this.stmt('SELECT * FROM sign_in_attempts WHERE key = ?').get(key) as Row | undefined
    return r
      ? {
          failures: r.failures as number,
          notBefore: r.not_before as number,
          lastFailure: r.last_failure as number,
        }
      : null
  }

  setAttempt(key: string, e: { failures: number; notBefore: number; lastFailure: number }): void {
    this.stmt(
      `INSERT INTO sign_in_attempts (key, failures, not_before, last_failure) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, not_before = excluded.not_before,
       last_failure = excluded.last_failure`,
    ).run(key, e.failures, e.notBefore, e.lastFailure)
  }

  deleteAttempt(key: string): void {
    this.stmt('DELETE FROM sign_in_attempts WHERE key = ?').run(key)
  }

  forgetAttemptsBefore(lastFailure: number): void {
    this.stmt('DELETE FROM sign_in_attempts WHERE last_failure < ?').run(lastFailure)
  }

  // Single sign-on in progress (the state is the key; what the callback must present again)

  addPending(state: string, verifier: string, nonce: string, at: number, olderThan: number): void {
    this.stmt('DELETE FROM oidc_pending WHERE at < ?').run(olderThan)
    this.stmt('INSERT INTO oidc_pending (state, verifier, nonce, at) VALUES (?, ?, ?, ?)').run(
      state,
      verifier,
      nonce,
      at,
    )
  }

  /** Takes a pending sign-in out (it is good for one callback). */
  takePending(state: string): { verifier: string; nonce: string; at: number } | null {
    const r = this.stmt('DELETE FROM oidc_pending WHERE state = ? RETURNING verifier, nonce, at').get(
      state,
    ) as Row | undefined
    return r ? { verifier: r.verifier as string, nonce: r.nonce as string, at: r.at as number } : null
  }

  /** Voids a user's unused links (a new invitation or reset replaces the old ones). */
  voidLinksOf(userId: string, at: string): void {
    this.stmt('UPDATE auth_links SET used_at = ? WHERE user_id = ? AND used_at IS NULL').run(at, userId)
  }
}

function toAccount(r: Row): Account {
  return {
    user: {
      id: r.id as string,
      name: r.name as string,
      role: r.role as User['role'],
      team: (r.team as string | null) ?? null,
      createdAt: r.created_at as string,
    },
    email: (r.email as string | null) ?? null,
    passwordHash: (r.password_hash as string | null) ?? null,
    disabledAt: (r.disabled_at as string | null) ?? null,
  }
}

function toSession(r: Row): SessionRow {
  return {
    hash: r.hash as string,
    userId: r.user_id as string,
    csrf: r.csrf as string,
    via: r.via as SessionRow['via'],
    createdAt: r.created_at as string,
    lastSeenAt: r.last_seen_at as string,
    idleExpiresAt: r.idle_expires_at as string,
    expiresAt: r.expires_at as string,
  }
}

function toLink(r: Row): LinkRow {
  return {
    hash: r.hash as string,
    userId: r.user_id as string,
    purpose: r.purpose as LinkPurpose,
    createdAt: r.created_at as string,
    expiresAt: r.expires_at as string,
    usedAt: (r.used_at as string | null) ?? null,
  }
}
