import type { Calendar } from '../../engine/index.ts'

export interface CalendarVersion {
  id: string
  version: number
  calendar: Calendar
  createdAt: string
  createdBy: string
}

export type CalendarVersionMeta = Omit<CalendarVersion, 'calendar'> & { title: string; timeZone: string }

/**
 * Calendars: every save is a new, immutable version; an SOP version pins the calendar versions it
 * runs on, so its tickets' deadlines never move when a calendar is edited later. Every method is
 * asynchronous (any backend), except `pinLatest`, which runs inside `Storage.publishVersion`'s
 * transaction (its `within` callback).
 */
export interface CalendarStore {
  /** The latest version of every calendar, by id. */
  list(): Promise<CalendarVersionMeta[]>
  versions(id: string): Promise<CalendarVersionMeta[]>
  /** A calendar's version, or its latest when no version is given. */
  get(id: string, version?: number): Promise<CalendarVersion | null>
  /** Saves a calendar as its next version. */
  add(calendar: Calendar, at: string, by: string): Promise<CalendarVersion>
  /** The calendar versions an SOP version runs on, by calendar id. */
  pins(sopId: string, sopVersion: number): Promise<Record<string, number>>
  /** The calendars an SOP version runs on, as data for `compile`. */
  pinned(sopId: string, sopVersion: number): Promise<Record<string, Calendar>>
  /**
   * Pins the latest version of each calendar to an SOP version, inside the publishing
   * transaction. Throws when a calendar does not exist.
   */
  pinLatest(sopId: string, sopVersion: number, ids: readonly string[]): void
}
