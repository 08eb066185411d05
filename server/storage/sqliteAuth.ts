import type Database from 'better-sqlite3'
import type { NewAdminLogEntry } from './accessTypes.ts'
import {
  type Account,
  type Attempt,
  type AuthStore,
  type LinkRow,
  type Row,
  type SessionRow,
  toAccount,
  toAttempt,
  toLink,
  toSession,
} from './authTypes.ts'
import { insertAdminLog } from './sqliteAdminLog.ts'
import type { User } from './types.ts'

export type { Account, AuthStore, LinkPurpose, LinkRow, SessionRow } from './authTypes.ts'

/**
 * Transactions in progress, per database file, in this process: one at a time, and every call
 * outside one waits for it, whichever connection of this process it comes from. (A transaction
 * stays open across the awaits of its callback; a second connection of the same thread trying
 * to write meanwhile would block the thread on the file's lock and never see it released.)
 */
const turns = new Map<string, { tail: Promise<void> }>()

function turnOf(db: Database.Database): { tail: Promise<void> } {
  const key = db.memory ? `memory:${Math.random()}` : db.name
  let t = turns.get(key)
  if (!t) {
    t = { tail: Promise.resolve() }
    if (!db.memory) turns.set(key, t)
  }
  return t
}

/**
 * The sign-in store on the SQLite database (the main thread's connection). A transaction of
 * `atomically` stays open across the awaits of its callback, so every call outside it waits
 * until it has ended: nothing from another request joins it.
 */
export class SqliteAuthStore implements AuthStore {
  private readonly stmts: Map<string, Database.Statement>
  private readonly turn: { tail: Promise<void> }

  constructor(
    readonly db: Database.Database,
    private readonly root: SqliteAuthStore | null = null,
  ) {
    this.stmts = root ? root.stmts : new Map()
    this.turn = root ? root.turn : turnOf(db)
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.stmts.set(sql, s)
    }
    return s
  }

  /** Waits until no transaction is in progress (inside one, its handle goes straight on). */
  private async ready(): Promise<void> {
    if (this.root) return
    let seen: Promise<void>
    do {
      seen = this.turn.tail
      await seen
    } while (seen !== this.turn.tail)
  }

  async atomically<T>(fn: (tx: AuthStore) => Promise<T>): Promise<T> {
    if (this.root) return fn(this)
    const before = this.turn.tail
    let done = () => {}
    this.turn.tail = new Promise<void>((r) => {
      done = r
    })
    await before
    const tx = new SqliteAuthStore(this.db, this)
    try {
      this.db.exec('BEGIN IMMEDIATE')
      try {
        const result = await fn(tx)
        this.db.exec('COMMIT')
        return result
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK')
        throw err
      }
    } finally {
      done()
    }
  }

  async accountById(id: string): Promise<Account | null> {
    await this.ready()
    const r = this.stmt('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined
    return r ? toAccount(r) : null
  }

  async accountByEmail(email: string): Promise<Account | null> {
    await this.ready()
    const r = this.stmt('SELECT * FROM users WHERE lower(email) = lower(?)').get(email.trim()) as
      | Row
      | undefined
    return r ? toAccount(r) : null
  }

  async createPerson(user: User, email: string | null): Promise<void> {
    await this.ready()
    this.stmt('INSERT INTO users (id, name, role, team, created_at, email) VALUES (?, ?, ?, ?, ?, ?)').run(
      user.id,
      user.name,
      user.role,
      user.team,
      user.createdAt,
      email?.trim() || null,
    )
  }

  async setEmail(userId: string, email: string): Promise<void> {
    await this.ready()
    this.stmt('UPDATE users SET email = ? WHERE id = ?').run(email.trim(), userId)
  }

  async setPasswordHash(userId: string, hash: string | null): Promise<void> {
    await this.ready()
    this.stmt('UPDATE users SET password_hash = ? WHERE id = ?').run(hash, userId)
  }

  async setDisabled(userId: string, at: string | null): Promise<void> {
    await this.ready()
    this.stmt('UPDATE users SET disabled_at = ? WHERE id = ?').run(at, userId)
  }

  async adminLog(e: NewAdminLogEntry): Promise<void> {
    await this.ready()
    insertAdminLog(this.db, e)
  }

  // Sessions

  async insertSession(s: SessionRow): Promise<void> {
    await this.ready()
    this.stmt(
      `INSERT INTO sessions (hash, user_id, csrf, via, created_at, last_seen_at, idle_expires_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(s.hash, s.userId, s.csrf, s.via, s.createdAt, s.lastSeenAt, s.idleExpiresAt, s.expiresAt)
  }

  async session(hash: string): Promise<SessionRow | null> {
    await this.ready()
    const r = this.stmt('SELECT * FROM sessions WHERE hash = ?').get(hash) as Row | undefined
    return r ? toSession(r) : null
  }

  async touchSession(hash: string, lastSeenAt: string, idleExpiresAt: string): Promise<void> {
    await this.ready()
    this.stmt('UPDATE sessions SET last_seen_at = ?, idle_expires_at = ? WHERE hash = ?').run(
      lastSeenAt,
      idleExpiresAt,
      hash,
    )
  }

  async deleteSession(hash: string): Promise<void> {
    await this.ready()
    this.stmt('DELETE FROM sessions WHERE hash = ?').run(hash)
  }

  async deleteSessionsOf(userId: string): Promise<number> {
    await this.ready()
    return this.stmt('DELETE FROM sessions WHERE user_id = ?').run(userId).changes
  }

  async countSessionsOf(userId: string): Promise<number> {
    await this.ready()
    return (this.stmt('SELECT count(*) AS n FROM sessions WHERE user_id = ?').get(userId) as { n: number }).n
  }

  async deleteExpiredSessions(now: string): Promise<void> {
    await this.ready()
    this.stmt('DELETE FROM sessions WHERE expires_at <= ? OR idle_expires_at <= ?').run(now, now)
  }

  // One-time links

  async insertLink(l: LinkRow): Promise<void> {
    await this.ready()
    this.stmt(
      'INSERT INTO auth_links (hash, user_id, purpose, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, NULL)',
    ).run(l.hash, l.userId, l.purpose, l.createdAt, l.expiresAt)
  }

  async link(hash: string): Promise<LinkRow | null> {
    await this.ready()
    const r = this.stmt('SELECT * FROM auth_links WHERE hash = ?').get(hash) as Row | undefined
    return r ? toLink(r) : null
  }

  async useLink(hash: string, at: string): Promise<boolean> {
    await this.ready()
    return (
      this.stmt('UPDATE auth_links SET used_at = ? WHERE hash = ? AND used_at IS NULL').run(at, hash)
        .changes === 1
    )
  }

  async voidLinksOf(userId: string, at: string): Promise<void> {
    await this.ready()
    this.stmt('UPDATE auth_links SET used_at = ? WHERE user_id = ? AND used_at IS NULL').run(at, userId)
  }

  // Sign-in attempts

  async attempt(key: string): Promise<Attempt | null> {
    await this.ready()
    const r = this.stmt('SELECT * FROM sign_in_attempts WHERE key = ?').get(key) as Row | undefined
    return r ? toAttempt(r) : null
  }

  async setAttempt(key: string, e: Attempt): Promise<void> {
    await this.ready()
    this.stmt(
      `INSERT INTO sign_in_attempts (key, failures, not_before, last_failure) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, not_before = excluded.not_before,
       last_failure = excluded.last_failure`,
    ).run(key, e.failures, e.notBefore, e.lastFailure)
  }

  async deleteAttempt(key: string): Promise<void> {
    await this.ready()
    this.stmt('DELETE FROM sign_in_attempts WHERE key = ?').run(key)
  }

  async forgetAttemptsBefore(lastFailure: number): Promise<void> {
    await this.ready()
    this.stmt('DELETE FROM sign_in_attempts WHERE last_failure < ?').run(lastFailure)
  }

  // Single sign-on in progress (the state is the key; what the callback must present again)

  async addPending(
    state: string,
    verifier: string,
    nonce: string,
    at: number,
    olderThan: number,
  ): Promise<void> {
    await this.ready()
    this.stmt('DELETE FROM oidc_pending WHERE at < ?').run(olderThan)
    this.stmt('INSERT INTO oidc_pending (state, verifier, nonce, at) VALUES (?, ?, ?, ?)').run(
      state,
      verifier,
      nonce,
      at,
    )
  }

  async takePending(state: string): Promise<{ verifier: string; nonce: string; at: number } | null> {
    await this.ready()
    const r = this.stmt('DELETE FROM oidc_pending WHERE state = ? RETURNING verifier, nonce, at').get(
      state,
    ) as Row | undefined
    return r ? { verifier: r.verifier as string, nonce: r.nonce as string, at: r.at as number } : null
  }
}
