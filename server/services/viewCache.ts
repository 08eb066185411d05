import { storedTimer } from '../storage/rows.ts'
import type { AuditRow, TicketCommit, TimerRow } from '../storage/types.ts'

/** What a ticket's view holds besides its row: its timers and its notes, as of one stored version. */
export interface ViewParts {
  version: number
  auditSeq: number
  timers: TimerRow[]
  notes: AuditRow[]
}

/** Timers in the order the storage lists them: by due time, then by id. */
export function byDue(a: TimerRow, b: TimerRow): number {
  return a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/**
 * The timers and notes of the tickets this process showed or wrote last (most recent `limit`), so
 * the reply to an action does not read them back. An entry belongs to one version and audit length
 * of its ticket and is used only while the stored row is still at them; each commit of this process
 * moves the entry it started from to the version it wrote, applying exactly what it changed
 * (timers removed and scheduled, note records added). A ticket changed by another server is at
 * another version, so its view is read from the database again. Notes are records, fixed by the
 * audit length; the one timer change that leaves both unchanged, another server dropping a timer
 * that no longer applies, shows here until the ticket next changes, as the timer did before it was
 * due.
 */
export class ViewCache {
  private readonly entries = new Map<string, ViewParts>()

  constructor(private readonly limit = 10_000) {}

  /** The parts kept for the ticket at this version and audit length, if any. */
  get(id: string, at: { version: number; auditSeq: number }): ViewParts | undefined {
    const e = this.entries.get(id)
    return e && e.version === at.version && e.auditSeq === at.auditSeq ? e : undefined
  }

  set(id: string, parts: ViewParts): void {
    this.entries.delete(id)
    this.entries.set(id, parts)
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as string)
  }

  /** A commit of this process went through: the entry it started from moves with it (else it goes). */
  committed(unit: TicketCommit): void {
    const id = unit.ticket.id
    const base = unit.expected
      ? this.get(id, unit.expected)
      : { version: 0, auditSeq: 0, timers: [], notes: [] }
    if (!base) {
      this.entries.delete(id)
      return
    }
    const replaced = new Set(unit.removeTimers)
    for (const tm of unit.scheduleTimers) replaced.add(tm.id)
    const timers =
      replaced.size === 0
        ? base.timers
        : [...base.timers.filter((tm) => !replaced.has(tm.id)), ...unit.scheduleTimers.map(storedTimer)].sort(
            byDue,
          )
    const added = unit.audit.filter((a) => a.type === 'note')
    this.set(id, {
      version: unit.ticket.version,
      auditSeq: unit.ticket.auditSeq,
      timers,
      notes: added.length ? [...base.notes, ...added] : base.notes,
    })
  }

  forget(id: string): void {
    this.entries.delete(id)
  }
}
