import type Database from 'better-sqlite3'
import { AccessCache, type AccessVersion } from './accessCache.ts'
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

/** AccessStorage on the SQLite database: the `tokens`, `users` and `admin_log` tables. */
export class SqliteAccess implements AccessStorage {
  private readonly stmts = new Map<string, Database.Statement>()
  private readonly credentials: AccessCache<string, { token: TokenRecord; user: User } | null>

  constructor(
    private readonly db: Database.Database,
    version: AccessVersion,
  ) {
    this.credentials = new AccessCache(version)
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.stmts.set(sql, s)
    }
    return s
  }

  private log(entry: NewAdminLogEntry): number {
    const r = this.stmt(
      `INSERT INTO admin_log (at, actor_id, actor_role, action, target_type, target_id, before, after)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      entry.at,
      entry.actorId,
      entry.actorRole,
      entry.action,
      entry.targetType,
      entry.targetId,
      entry.before === undefined || entry.before === null ? null : JSON.stringify(entry.before),
      entry.after === undefined || entry.after === null ? null : JSON.stringify(entry.after),
    )
    return Number(r.lastInsertRowid)
  }

  private insertToken(t: TokenRecord, hash: string): void {
    this.stmt(
      `INSERT INTO tokens (hash, id, user_id, label, kind, scopes, created_by, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      hash,
      t.id,
      t.userId,
      t.name,
      t.kind,
      JSON.stringify(t.scopes),
      t.createdBy,
      t.createdAt,
      t.expiresAt,
    )
  }

  async findCredential(hash: string): Promise<{ token: TokenRecord; user: User } | null> {
    const found = this.credentials.get(hash, () => {
      const row = this.stmt(
        `SELECT t.id AS t_id, t.user_id, t.label, t.kind, t.scopes, t.created_by, t.created_at AS t_created_at,
                t.expires_at, t.last_used_at, t.revoked_at, t.revoked_by, u.*
         FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?`,
      ).get(hash) as Row | undefined
      if (!row) return null
      return {
        token: toToken({ ...row, id: row.t_id, created_at: row.t_created_at }),
        user: toUser(row),
      }
    })
    // Each request gets its own objects (what is kept per request is keyed on them).
    return found && { token: { ...found.token }, user: { ...found.user } }
  }

  async touchToken(id: string, at: string): Promise<void> {
    this.stmt('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(at, id)
    this.credentials.each((found) => {
      if (found?.token.id === id) found.token.lastUsedAt = at
    })
  }

  async getToken(id: string): Promise<TokenRecord | null> {
    const row = this.stmt('SELECT * FROM tokens WHERE id = ?').get(id) as Row | undefined
    return row ? toToken(row) : null
  }

  async listTokens(userId?: string): Promise<TokenListing[]> {
    const sql = `SELECT t.*, u.name AS user_name, u.role AS user_role FROM tokens t JOIN users u ON u.id = t.user_id
      ${userId ? 'WHERE t.user_id = ?' : ''} ORDER BY t.created_at DESC, t.id`
    const rows = (userId ? this.stmt(sql).all(userId) : this.stmt(sql).all()) as Row[]
    return rows.map((r) => ({
      ...toToken(r),
      userName: r.user_name as string,
      userRole: r.user_role as Role,
    }))
  }

  async createToken(token: TokenRecord, hash: string, log: NewAdminLogEntry): Promise<TokenRecord> {
    this.db.transaction(() => {
      this.insertToken(token, hash)
      this.log(log)
    })()
    return token
  }

  async revokeToken(id: string, at: string, by: string, log: NewAdminLogEntry): Promise<boolean> {
    return this.db.transaction(() => {
      const r = this.stmt(
        'UPDATE tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL',
      ).run(at, by, id)
      if (r.changes === 0) return false
      this.log(log)
      return true
    })()
  }

  async createUser(user: User, token: TokenRecord, hash: string, log: NewAdminLogEntry): Promise<User> {
    this.db.transaction(() => {
      this.stmt('INSERT INTO users (id, name, role, team, created_at) VALUES (?, ?, ?, ?, ?)').run(
        user.id,
        user.name,
        user.role,
        user.team,
        user.createdAt,
      )
      this.insertToken(token, hash)
      this.log(log)
    })()
    return { ...user, disabledAt: null }
  }

  async updateUser(
    id: string,
    change: { role?: Role; team?: string | null; disabledAt?: string | null },
    log: NewAdminLogEntry,
  ): Promise<User> {
    return this.db.transaction(() => {
      if (change.role !== undefined) this.stmt('UPDATE users SET role = ? WHERE id = ?').run(change.role, id)
      if (change.team !== undefined) this.stmt('UPDATE users SET team = ? WHERE id = ?').run(change.team, id)
      if (change.disabledAt !== undefined)
        this.stmt('UPDATE users SET disabled_at = ? WHERE id = ?').run(change.disabledAt, id)
      this.log(log)
      return toUser(this.stmt('SELECT * FROM users WHERE id = ?').get(id) as Row)
    })()
  }

  async appendAdminLog(entry: NewAdminLogEntry): Promise<AdminLogEntry> {
    const seq = this.log(entry)
    return { seq, ...entry }
  }

  async listAdminLog(q: AdminLogQuery): Promise<{ total: number; items: AdminLogEntry[] }> {
    const where: string[] = []
    const args: unknown[] = []
    if (q.action) {
      where.push('action = ?')
      args.push(q.action)
    }
    if (q.targetId) {
      where.push('target_id = ?')
      args.push(q.targetId)
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : ''
    const total = (
      this.db.prepare(`SELECT count(*) AS n FROM admin_log ${clause}`).get(...args) as { n: number }
    ).n
    const rows = this.db
      .prepare(`SELECT * FROM admin_log ${clause} ORDER BY seq DESC LIMIT ? OFFSET ?`)
      .all(...args, q.limit, q.offset) as Row[]
    return { total, items: rows.map(toLogEntry) }
  }
}
