import { request } from './client.ts'

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type Weekday = (typeof WEEKDAYS)[number]

export interface Hours {
  from: string
  to: string
}

/** A calendar as the server stores it (one version). */
export interface Calendar {
  id: string
  title: string
  timeZone: string
  always: boolean
  week: Partial<Record<Weekday, Hours[]>>
  holidayRegions: string[]
  holidays: { date: string; name: string; region?: string }[]
  closures: { date: string; name: string }[]
  openings: { date: string; name: string; hours: Hours[] }[]
}

/** An SOP whose latest published version runs on a calendar. */
export interface CalendarUser {
  sopId: string
  title: string
  sopVersion: number
}

export interface CalendarMeta {
  id: string
  version: number
  title: string
  timeZone: string
  createdAt: string
  createdBy: string
  /** In the list: the SOPs using the calendar. */
  usedBy?: CalendarUser[]
}

export interface CalendarVersion {
  id: string
  version: number
  calendar: Calendar
  createdAt: string
  createdBy: string
}

export type CalendarDetail = CalendarVersion & { versions: CalendarMeta[]; usedBy: CalendarUser[] }

export interface Named {
  code: string
  name: string
}

/** The latest version of every calendar. */
export const listCalendars = () => request<CalendarMeta[]>('GET', '/calendars')

/** A calendar's latest version and the list of its versions. */
export const getCalendar = (id: string) =>
  request<CalendarDetail>('GET', `/calendars/${encodeURIComponent(id)}`)

/** One (immutable) version of a calendar. */
export const getCalendarVersion = (id: string, version: number) =>
  request<CalendarVersion>('GET', `/calendars/${encodeURIComponent(id)}/versions/${version}`)

/**
 * Saves a calendar as its next version; `baseVersion` is the version the edit started from (0 for
 * a new calendar), so a save over someone else's newer version is refused (409 calendar_conflict).
 */
export const saveCalendar = (calendar: Omit<Calendar, 'id'> & { id: string }, baseVersion: number) =>
  request<CalendarVersion>('PUT', `/calendars/${encodeURIComponent(calendar.id)}`, {
    ...calendar,
    baseVersion,
  })

/** Countries with public holidays. */
export const holidayCountries = (lang: string) =>
  request<Named[]>('GET', `/holidays/regions?lang=${encodeURIComponent(lang)}`)

/** The states/regions of a country. */
export const holidayStates = (country: string, lang: string) =>
  request<Named[]>('GET', `/holidays/regions/${encodeURIComponent(country)}?lang=${encodeURIComponent(lang)}`)

/** The public holidays of a country (and region) in a year. */
export const holidaysOfYear = (country: string, region: string, year: number, lang: string) =>
  request<{ region: string; year: number; holidays: { date: string; name: string }[] }>(
    'GET',
    `/holidays?${new URLSearchParams({ country, ...(region ? { region } : {}), year: String(year), lang })}`,
  )
