import type Database from 'better-sqlite3'

/** A SQLite connection with its prepared statements kept for reuse. */
export class SqliteStatements {
  private readonly stmts = new Map<string, Database.Statement>()

  constructor(readonly db: Database.Database) {}

  protected stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.stmts.set(sql, s)
    }
    return s
  }
}
