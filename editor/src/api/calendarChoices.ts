import type { Calendar } from '../../../engine/index.ts'
import { request } from './client.ts'

/** A calendar as the designer offers it: its id, title, time zone and latest version. */
export interface CalendarChoice {
  id: string
  title: string
  timeZone: string
  version: number
}

/** The calendars an SOP may count business time in or use as contact windows (their latest versions). */
export const listCalendarChoices = () =>
  request<CalendarChoice[]>('GET', '/calendars').then((list) =>
    list.map(({ id, title, timeZone, version }) => ({ id, title, timeZone, version })),
  )

/** The latest version of one calendar, as data the engine counts in. */
export const getCalendarData = (id: string) =>
  request<{ calendar: Calendar }>('GET', `/calendars/${encodeURIComponent(id)}`).then((r) => r.calendar)
