import type Database from 'better-sqlite3'
import { type Calendar, calendarSchema, canonicalJson } from '../../engine/index.ts'
import { ConflictError } from './types.ts'

export interface CalendarVersion {
  id: string
  version: number
  calendar: Calendar
  createdAt: string
  createdBy: string
}

export type CalendarVersionMeta = Omit<CalendarVersion, 'calendar'> & { title: string; timeZone: string }

/**
 * Calendars: every save is a new, immutable version; an SOP version pins the calendar versions
 * it runs on (`Storage.publishVersion` pins them in its transaction).
 */
export interface CalendarStore {
  /** The latest version of every calendar, by id. */
  list(): Promise<CalendarVersionMeta[]>
  versions(id: string): Promise<CalendarVersionMeta[]>
  get(id: string, version?: number): Promise<CalendarVersion | null>
  /**
   * Saves a calendar as its next version. With `baseVersion` (0: a new calendar) the save is
   * refused with a ConflictError `calendar_conflict` when the latest version is another one.
   */
  add(calendar: Calendar, at: string, by: string, baseVersion?: number): Promise<CalendarVersion>
  /** Ids among `ids` that have no calendar. */
  missing(ids: readonly string[]): Promise<string[]>
  /** For an evidence bundle: the calendars an SOP version pins, and its team calendars, when there are any. */
  bundled(sopId: string, sopVersion: number): Promise<Bundled>
  /** The calendar of each team an SOP version pins (team id → calendar id). */
  teamPins(sopId: string, sopVersion: number): Promise<Record<string, string>>
  /** The calendars an SOP version runs on, as data for `compile`. */
  pinned(sopId: string, sopVersion: number): Promise<Record<string, Calendar>>
}

/** What an evidence bundle carries of an SOP version's calendars. */
export interface Bundled {
  calendars?: Record<string, Calendar>
  teamCalendars?: Record<string, string>
}

interface Row {
  calendar_id: string
  version: number
  document: string
  created_at: string
  created_by: string
}

const toVersion = (r: Row): CalendarVersion => ({
  id: r.calendar_id,
  version: r.version,
  calendar: calendarSchema.parse(JSON.parse(r.document)),
  createdAt: r.created_at,
  createdBy: r.created_by,
})
const toMeta = (v: CalendarVersion): CalendarVersionMeta => ({
  id: v.id,
  version: v.version,
  title: v.calendar.title,
  timeZone: v.calendar.timeZone,
  createdAt: v.createdAt,
  createdBy: v.createdBy,
})

/**
 * Pins the latest version of each calendar to an SOP version (called inside the publishing
 * transaction). Throws when a calendar does not exist.
 */
export function pinLatestCalendars(
  db: Database.Database,
  sopId: string,
  sopVersion: number,
  ids: readonly string[],
): void {
  const insert = db.prepare(
    `INSERT INTO sop_calendar_pins (sop_id, sop_version, calendar_id, calendar_version)
     SELECT ?, ?, calendar_id, max(version) FROM calendar_versions WHERE calendar_id = ? GROUP BY calendar_id`,
  )
  for (const id of ids) {
    if (!insert.run(sopId, sopVersion, id).changes) throw new Error(`No calendar "${id}" to pin`)
  }
  // The calendars of the teams responsible for the version's steps, in their latest versions.
  db.prepare(
    `INSERT INTO sop_team_calendars (sop_id, sop_version, team_id, calendar_id)
     SELECT DISTINCT s.sop_id, s.version, s.team, t.calendar_id FROM sop_steps s JOIN teams t ON t.id = s.team
     WHERE s.sop_id = ? AND s.version = ? AND t.calendar_id IS NOT NULL`,
  ).run(sopId, sopVersion)
  db.prepare(
    `INSERT OR IGNORE INTO sop_calendar_pins (sop_id, sop_version, calendar_id, calendar_version)
     SELECT ?, ?, calendar_id, max(version) FROM calendar_versions
     WHERE calendar_id IN (SELECT calendar_id FROM sop_team_calendars WHERE sop_id = ? AND sop_version = ?)
     GROUP BY calendar_id`,
  ).run(sopId, sopVersion, sopId, sopVersion)
}

/**
 * Calendars in SQLite: every save is a new, immutable version; an SOP version pins the calendar
 * versions it runs on, so its tickets' deadlines never move when a calendar is edited later.
 */
export class SqliteCalendars implements CalendarStore {
  constructor(private readonly db: Database.Database) {}

  /** The latest version of every calendar, by id. */
  async list(): Promise<CalendarVersionMeta[]> {
    const rows = this.db
      .prepare(
        `SELECT c.* FROM calendar_versions c
         JOIN (SELECT calendar_id, max(version) AS v FROM calendar_versions GROUP BY calendar_id) m
           ON m.calendar_id = c.calendar_id AND m.v = c.version
         ORDER BY c.calendar_id`,
      )
      .all() as Row[]
    return rows.map((r) => toMeta(toVersion(r)))
  }

  async versions(id: string): Promise<CalendarVersionMeta[]> {
    const rows = this.db
      .prepare('SELECT * FROM calendar_versions WHERE calendar_id = ? ORDER BY version')
      .all(id) as Row[]
    return rows.map((r) => toMeta(toVersion(r)))
  }

  async get(id: string, version?: number): Promise<CalendarVersion | null> {
    return this.getNow(id, version)
  }

  private getNow(id: string, version?: number): CalendarVersion | null {
    const row = (
      version === undefined
        ? this.db
            .prepare('SELECT * FROM calendar_versions WHERE calendar_id = ? ORDER BY version DESC LIMIT 1')
            .get(id)
        : this.db
            .prepare('SELECT * FROM calendar_versions WHERE calendar_id = ? AND version = ?')
            .get(id, version)
    ) as Row | undefined
    return row ? toVersion(row) : null
  }

  /** Saves a calendar as its next version (refused when `baseVersion` is not the latest). */
  async add(calendar: Calendar, at: string, by: string, baseVersion?: number): Promise<CalendarVersion> {
    return this.db
      .transaction(() => {
        const { n } = this.db
          .prepare('SELECT coalesce(max(version), 0) AS n FROM calendar_versions WHERE calendar_id = ?')
          .get(calendar.id) as { n: number }
        if (baseVersion !== undefined && baseVersion !== n)
          throw calendarConflict(calendar.id, baseVersion, n)
        this.db
          .prepare(
            'INSERT INTO calendar_versions (calendar_id, version, document, created_at, created_by) VALUES (?, ?, ?, ?, ?)',
          )
          .run(calendar.id, n + 1, canonicalJson(calendar), at, by)
        return { id: calendar.id, version: n + 1, calendar, createdAt: at, createdBy: by }
      })
      .immediate()
  }

  /** Ids among `ids` that have no calendar. */
  async missing(ids: readonly string[]): Promise<string[]> {
    return ids.filter((id) => !this.getNow(id))
  }

  /** The calendar versions an SOP version runs on, by calendar id. */
  private pins(sopId: string, sopVersion: number): Record<string, number> {
    const rows = this.db
      .prepare(
        'SELECT calendar_id, calendar_version FROM sop_calendar_pins WHERE sop_id = ? AND sop_version = ?',
      )
      .all(sopId, sopVersion) as { calendar_id: string; calendar_version: number }[]
    return Object.fromEntries(rows.map((r) => [r.calendar_id, r.calendar_version]))
  }

  /** For an evidence bundle: the calendars an SOP version pins, when it pins any. */
  async bundled(sopId: string, sopVersion: number): Promise<Bundled> {
    const calendars = await this.pinned(sopId, sopVersion)
    const teamCalendars = await this.teamPins(sopId, sopVersion)
    return {
      ...(Object.keys(calendars).length ? { calendars } : {}),
      ...(Object.keys(teamCalendars).length ? { teamCalendars } : {}),
    }
  }

  /** The calendar of each team an SOP version pins (team id → calendar id). */
  async teamPins(sopId: string, sopVersion: number): Promise<Record<string, string>> {
    const rows = this.db
      .prepare(
        'SELECT team_id, calendar_id FROM sop_team_calendars WHERE sop_id = ? AND sop_version = ? ORDER BY team_id',
      )
      .all(sopId, sopVersion) as { team_id: string; calendar_id: string }[]
    return Object.fromEntries(rows.map((r) => [r.team_id, r.calendar_id]))
  }

  /** The calendars an SOP version runs on, as data for `compile`. */
  async pinned(sopId: string, sopVersion: number): Promise<Record<string, Calendar>> {
    const out: Record<string, Calendar> = {}
    for (const [id, version] of Object.entries(this.pins(sopId, sopVersion))) {
      const v = this.getNow(id, version)
      if (v) out[id] = v.calendar
    }
    return out
  }
}

/** The refusal of a save based on a version that is no longer the latest. */
export function calendarConflict(id: string, baseVersion: number, version: number): ConflictError {
  return new ConflictError(
    'calendar_conflict',
    `Calendar "${id}" is at version ${version}, not ${baseVersion}: it was saved meanwhile`,
    { id, baseVersion, version },
  )
}
