import type { Kysely, Transaction } from 'kysely'
import type {
  AccessStorage,
  AdminLogEntry,
  AdminLogQuery,
  NewAdminLogEntry,
  TokenListing,
  TokenRecord,
} from './accessTypes.ts'
import { type Row, toLogEntry, toToken, toUser } from './rows.ts'
import type { Role, User } from './types.ts'

const text = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v))

/** Appends an admin-actions log entry (in the caller's transaction); its sequence number. */
export async function pgAdminLog(trx: Kysely<any> | Transaction<any>, e: NewAdminLogEntry): Promise<number> {
  const r = await trx
    .insertInto('admin_log')
    .values({
      at: e.at,
      actor_id: e.actorId,
      actor_role: e.actorRole,
      action: e.action,
      target_type: e.targetType,
      target_id: e.targetId,
      before: text(e.before),
      after: text(e.after),
    })
    .returning('seq')
    .executeTakeFirstOrThrow()
  return Number(r.seq)
}

/** AccessStorage on PostgreSQL: tokens, user administration and the append-only admin-actions log. */
export class PgAccess implements AccessStorage {
  constructor(private readonly db: Kysely<any>) {}

  private log(trx: Kysely<any> | Transaction<any>, e: NewAdminLogEntry): Promise<number> {
    return pgAdminLog(trx, e)
  }

  private async insertToken(trx: Transaction<any>, t: TokenRecord, hash: string): Promise<void> {
    await trx
      .insertInto('tokens')
      .values({
        hash,
        id: t.id,
        user_id: t.userId,
        label: t.name,
        kind: t.kind,
        scopes: JSON.stringify(t.scopes),
        created_by: t.createdBy,
        created_at: t.createdAt,
        expires_at: t.expiresAt,
      })
      .execute()
  }

  async findCredential(hash: string): Promise<{ token: TokenRecord; user: User } | null> {
    const row = await this.db
      .selectFrom('tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .selectAll('u')
      .select([
        't.id as t_id',
        't.user_id',
        't.label',
        't.kind',
        't.scopes',
        't.created_by',
        't.created_at as t_created_at',
        't.expires_at',
        't.last_used_at',
        't.revoked_at',
        't.revoked_by',
      ])
      .where('t.hash', '=', hash)
      .executeTakeFirst()
    if (!row) return null
    return { token: toToken({ ...row, id: row.t_id, created_at: row.t_created_at }), user: toUser(row) }
  }

  async touchToken(id: string, at: string): Promise<void> {
    await this.db.updateTable('tokens').set({ last_used_at: at }).where('id', '=', id).execute()
  }

  async getToken(id: string): Promise<TokenRecord | null> {
    const row = await this.db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? toToken(row) : null
  }

  async listTokens(userId?: string): Promise<TokenListing[]> {
    let q = this.db
      .selectFrom('tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .selectAll('t')
      .select(['u.name as user_name', 'u.role as user_role'])
    if (userId) q = q.where('t.user_id', '=', userId)
    const rows = await q.orderBy('t.created_at', 'desc').orderBy('t.id').execute()
    return rows.map((r) => ({ ...toToken(r), userName: r.user_name, userRole: r.user_role as Role }))
  }

  async createToken(token: TokenRecord, hash: string, log: NewAdminLogEntry): Promise<TokenRecord> {
    await this.db.transaction().execute(async (trx) => {
      await this.insertToken(trx, token, hash)
      await this.log(trx, log)
    })
    return token
  }

  async revokeToken(id: string, at: string, by: string, log: NewAdminLogEntry): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('tokens')
        .set({ revoked_at: at, revoked_by: by })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) === 0) return false
      await this.log(trx, log)
      return true
    })
  }

  async createUser(user: User, token: TokenRecord, hash: string, log: NewAdminLogEntry): Promise<User> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('users')
        .values({
          id: user.id,
          name: user.name,
          role: user.role,
          team: user.team,
          created_at: user.createdAt,
        })
        .execute()
      await this.insertToken(trx, token, hash)
      await this.log(trx, log)
    })
    return { ...user, disabledAt: null }
  }

  async updateUser(
    id: string,
    change: { role?: Role; team?: string | null; disabledAt?: string | null },
    log: NewAdminLogEntry,
  ): Promise<User> {
    return this.db.transaction().execute(async (trx) => {
      const set: Row = {}
      if (change.role !== undefined) set.role = change.role
      if (change.team !== undefined) set.team = change.team
      if (change.disabledAt !== undefined) set.disabled_at = change.disabledAt
      if (Object.keys(set).length) await trx.updateTable('users').set(set).where('id', '=', id).execute()
      await this.log(trx, log)
      return toUser(await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow())
    })
  }

  async appendAdminLog(entry: NewAdminLogEntry): Promise<AdminLogEntry> {
    return { seq: await this.log(this.db, entry), ...entry }
  }

  async listAdminLog(q: AdminLogQuery): Promise<{ total: number; items: AdminLogEntry[] }> {
    let base = this.db.selectFrom('admin_log')
    if (q.action) base = base.where('action', '=', q.action)
    if (q.targetId) base = base.where('target_id', '=', q.targetId)
    const counted = await base.select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const rows = await base.selectAll().orderBy('seq', 'desc').limit(q.limit).offset(q.offset).execute()
    return { total: Number(counted.n), items: rows.map(toLogEntry) }
  }
}
