import type { NewAdminLogEntry } from '../storage/accessTypes.ts'
import type { User } from '../storage/types.ts'

/** An admin-actions log entry: who did what to which user, token or setting, before and after. */
export function logEntry(
  actor: User,
  at: string,
  action: string,
  target: { type: string; id: string },
  before: unknown,
  after: unknown,
): NewAdminLogEntry {
  return {
    at,
    actorId: actor.id,
    actorRole: actor.role,
    action,
    targetType: target.type,
    targetId: target.id,
    before: before ?? null,
    after: after ?? null,
  }
}
