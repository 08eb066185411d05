import type { NewAdminLogEntry } from './accessTypes.ts'
import { type Row, toUser } from './rows.ts'
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

/** Failed sign-in attempts under one key (`account:<typed address>` or `ip:<address>`); times in ms. */
export interface Attempt {
  failures: number
  notBefore: number
  lastFailure: number
}

/**
 * Storage of sign-in: accounts (e-mail, password hash, disabled), sessions, one-time links,
 * attempts and single sign-on in progress, on the same database as everything else. Every read
 * goes to the database (no cache), so a session ended or a user disabled is refused at the very
 * next request, on every server process.
 */
export interface AuthStore {
  accountById(id: string): Promise<Account | null>
  accountByEmail(email: string): Promise<Account | null>
  /** Creates a user with an e-mail and no password (they choose it through a one-time link). */
  createPerson(user: User, email: string | null): Promise<void>
  setEmail(userId: string, email: string): Promise<void>
  setPasswordHash(userId: string, hash: string | null): Promise<void>
  setDisabled(userId: string, at: string | null): Promise<void>
  /** Appends an admin-actions log entry (inside `atomically`, it commits with the change it records). */
  adminLog(e: NewAdminLogEntry): Promise<void>

  /**
   * Runs `fn` in one transaction on the handle it is given: every write made through `tx`
   * commits, or none does (a throw rolls all of them back). Use only `tx` inside `fn`.
   */
  atomically<T>(fn: (tx: AuthStore) => Promise<T>): Promise<T>

  insertSession(s: SessionRow): Promise<void>
  session(hash: string): Promise<SessionRow | null>
  touchSession(hash: string, lastSeenAt: string, idleExpiresAt: string): Promise<void>
  deleteSession(hash: string): Promise<void>
  /** Ends every session of a user; returns how many there were. */
  deleteSessionsOf(userId: string): Promise<number>
  countSessionsOf(userId: string): Promise<number>
  deleteExpiredSessions(now: string): Promise<void>

  insertLink(l: LinkRow): Promise<void>
  link(hash: string): Promise<LinkRow | null>
  /** Marks a link used; false when it was used already (a second use loses the race). */
  useLink(hash: string, at: string): Promise<boolean>
  /** Voids a user's unused links (a new invitation or reset replaces the old ones). */
  voidLinksOf(userId: string, at: string): Promise<void>

  attempt(key: string): Promise<Attempt | null>
  setAttempt(key: string, e: Attempt): Promise<void>
  deleteAttempt(key: string): Promise<void>
  forgetAttemptsBefore(lastFailure: number): Promise<void>

  /** Records a single sign-on in progress, forgetting those older than `olderThan`. */
  addPending(state: string, verifier: string, nonce: string, at: number, olderThan: number): Promise<void>
  /** Takes a pending sign-in out (it is good for one callback). */
  takePending(state: string): Promise<{ verifier: string; nonce: string; at: number } | null>
}

export type { Row }

/** An account: the user (without their disabling, kept beside it) and how they sign in. */
export function toAccount(r: Row): Account {
  const { disabledAt: _disabled, ...user } = toUser(r)
  return {
    user,
    email: (r.email as string | null) ?? null,
    passwordHash: (r.password_hash as string | null) ?? null,
    disabledAt: (r.disabled_at as string | null) ?? null,
  }
}

export function toSession(r: Row): SessionRow {
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

export function toLink(r: Row): LinkRow {
  return {
    hash: r.hash as string,
    userId: r.user_id as string,
    purpose: r.purpose as LinkPurpose,
    createdAt: r.created_at as string,
    expiresAt: r.expires_at as string,
    usedAt: (r.used_at as string | null) ?? null,
  }
}

/** Attempt rows (PostgreSQL's bigint arrives as a string). */
export function toAttempt(r: Row): Attempt {
  return {
    failures: Number(r.failures),
    notBefore: Number(r.not_before),
    lastFailure: Number(r.last_failure),
  }
}
