import type Database from 'better-sqlite3'
import type { NewAdminLogEntry } from './accessTypes.ts'

/**
 * Appends an admin-actions log entry inside the caller's transaction on the same database, so a
 * change and its log entry commit together or not at all.
 */
export function insertAdminLog(db: Database.Database, entry: NewAdminLogEntry): void {
  const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v))
  db.prepare(
    `INSERT INTO admin_log (at, actor_id, actor_role, action, target_type, target_id, before, after)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    entry.at,
    entry.actorId,
    entry.actorRole,
    entry.action,
    entry.targetType,
    entry.targetId,
    json(entry.before),
    json(entry.after),
  )
}
