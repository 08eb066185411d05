import { type Kysely, sql, type Transaction } from 'kysely'
import type { NewAdminLogEntry } from './accessTypes.ts'
import {
  type Account,
  type Attempt,
  type AuthStore,
  type LinkRow,
  type SessionRow,
  toAccount,
  toAttempt,
  toLink,
  toSession,
} from './authTypes.ts'
import { pgAdminLog } from './pgAccess.ts'
import type { User } from './types.ts'

type Db = Kysely<any> | Transaction<any>

/**
 * The sign-in store on PostgreSQL. Outside `atomically` each call is its own statement on a
 * pooled connection; inside, the handle runs on the transaction's connection.
 */
export class PgAuthStore implements AuthStore {
  constructor(
    private readonly db: Db,
    private readonly inTransaction = false,
  ) {}

  async atomically<T>(fn: (tx: AuthStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this)
    return (this.db as Kysely<any>).transaction().execute((trx) => fn(new PgAuthStore(trx, true)))
  }

  async accountById(id: string): Promise<Account | null> {
    const r = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
    return r ? toAccount(r) : null
  }

  async accountByEmail(email: string): Promise<Account | null> {
    const r = await this.db
      .selectFrom('users')
      .selectAll()
      .where(sql`lower(email)`, '=', email.trim().toLowerCase())
      .executeTakeFirst()
    return r ? toAccount(r) : null
  }

  async createPerson(user: User, email: string | null): Promise<void> {
    await this.db
      .insertInto('users')
      .values({
        id: user.id,
        name: user.name,
        role: user.role,
        team: user.team,
        created_at: user.createdAt,
        email: email?.trim() || null,
      })
      .execute()
  }

  async setEmail(userId: string, email: string): Promise<void> {
    await this.db.updateTable('users').set({ email: email.trim() }).where('id', '=', userId).execute()
  }

  async setPasswordHash(userId: string, hash: string | null): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).execute()
  }

  async setDisabled(userId: string, at: string | null): Promise<void> {
    await this.db.updateTable('users').set({ disabled_at: at }).where('id', '=', userId).execute()
  }

  async adminLog(e: NewAdminLogEntry): Promise<void> {
    await pgAdminLog(this.db, e)
  }

  // Sessions

  async insertSession(s: SessionRow): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        hash: s.hash,
        user_id: s.userId,
        csrf: s.csrf,
        via: s.via,
        created_at: s.createdAt,
        last_seen_at: s.lastSeenAt,
        idle_expires_at: s.idleExpiresAt,
        expires_at: s.expiresAt,
      })
      .execute()
  }

  async session(hash: string): Promise<SessionRow | null> {
    const r = await this.db.selectFrom('sessions').selectAll().where('hash', '=', hash).executeTakeFirst()
    return r ? toSession(r) : null
  }

  async touchSession(hash: string, lastSeenAt: string, idleExpiresAt: string): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ last_seen_at: lastSeenAt, idle_expires_at: idleExpiresAt })
      .where('hash', '=', hash)
      .execute()
  }

  async deleteSession(hash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('hash', '=', hash).execute()
  }

  async deleteSessionsOf(userId: string): Promise<number> {
    const r = await this.db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst()
    return Number(r.numDeletedRows)
  }

  async countSessionsOf(userId: string): Promise<number> {
    const r = await this.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow()
    return Number(r.n)
  }

  async deleteExpiredSessions(now: string): Promise<void> {
    await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('idle_expires_at', '<=', now)]))
      .execute()
  }

  // One-time links

  async insertLink(l: LinkRow): Promise<void> {
    await this.db
      .insertInto('auth_links')
      .values({
        hash: l.hash,
        user_id: l.userId,
        purpose: l.purpose,
        created_at: l.createdAt,
        expires_at: l.expiresAt,
        used_at: null,
      })
      .execute()
  }

  async link(hash: string): Promise<LinkRow | null> {
    const r = await this.db.selectFrom('auth_links').selectAll().where('hash', '=', hash).executeTakeFirst()
    return r ? toLink(r) : null
  }

  async useLink(hash: string, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable('auth_links')
      .set({ used_at: at })
      .where('hash', '=', hash)
      .where('used_at', 'is', null)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  async voidLinksOf(userId: string, at: string): Promise<void> {
    await this.db
      .updateTable('auth_links')
      .set({ used_at: at })
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .execute()
  }

  // Sign-in attempts

  async attempt(key: string): Promise<Attempt | null> {
    // In a transaction, the key stays locked until it ends, so concurrent failures all count.
    if (this.inTransaction)
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`sopflow-attempt:${key}`}))`.execute(this.db)
    const r = await this.db
      .selectFrom('sign_in_attempts')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst()
    return r ? toAttempt(r) : null
  }

  async setAttempt(key: string, e: Attempt): Promise<void> {
    const values = { failures: e.failures, not_before: e.notBefore, last_failure: e.lastFailure }
    await this.db
      .insertInto('sign_in_attempts')
      .values({ key, ...values })
      .onConflict((oc) => oc.column('key').doUpdateSet(values))
      .execute()
  }

  async deleteAttempt(key: string): Promise<void> {
    await this.db.deleteFrom('sign_in_attempts').where('key', '=', key).execute()
  }

  async forgetAttemptsBefore(lastFailure: number): Promise<void> {
    await this.db.deleteFrom('sign_in_attempts').where('last_failure', '<', lastFailure).execute()
  }

  // Single sign-on in progress

  async addPending(
    state: string,
    verifier: string,
    nonce: string,
    at: number,
    olderThan: number,
  ): Promise<void> {
    await this.db.deleteFrom('oidc_pending').where('at', '<', olderThan).execute()
    await this.db.insertInto('oidc_pending').values({ state, verifier, nonce, at }).execute()
  }

  async takePending(state: string): Promise<{ verifier: string; nonce: string; at: number } | null> {
    const r = await this.db
      .deleteFrom('oidc_pending')
      .where('state', '=', state)
      .returning(['verifier', 'nonce', 'at'])
      .executeTakeFirst()
    return r ? { verifier: r.verifier as string, nonce: r.nonce as string, at: Number(r.at) } : null
  }
}
