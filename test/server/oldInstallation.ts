import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { migrate } from '../../server/storage/migrations.ts'

/**
 * A copy of the database at `path` as an installation at schema `version` would hold it: a new
 * file beside it with only the first `version` migrations applied, and every row of the tables
 * that schema has, in the columns it has. Upgrade tests open it and watch the later migrations run.
 */
export function oldInstallation(path: string, version: number): string {
  const target = join(dirname(path), `at-version-${version}.db`)
  const db = new Database(target)
  migrate(db, version)
  db.exec(`ATTACH DATABASE '${path.replaceAll("'", "''")}' AS current`)
  const tables = db
    .prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[]
  for (const table of tables) {
    const columns = (db.prepare(`PRAGMA main.table_info("${table}")`).all() as { name: string }[]).map(
      (c) => c.name,
    )
    const present = new Set(
      (db.prepare(`PRAGMA current.table_info("${table}")`).all() as { name: string }[]).map((c) => c.name),
    )
    const shared = columns.filter((c) => present.has(c)).map((c) => `"${c}"`)
    if (shared.length) {
      db.exec(
        // OR IGNORE: rows that a trigger already made from a table copied before (sop_steps).
        `INSERT OR IGNORE INTO main."${table}" (${shared.join(', ')}) SELECT ${shared.join(', ')} FROM current."${table}"`,
      )
    }
  }
  db.exec('DETACH DATABASE current')
  db.close()
  return target
}
