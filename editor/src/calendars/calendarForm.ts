import type { Calendar, Hours, Weekday } from '../api/calendars.ts'
import { WEEKDAYS } from '../api/calendars.ts'

/** What the calendar form edits: a calendar, with its holiday region split into country and region. */
export interface CalendarForm {
  id: string
  title: string
  timeZone: string
  always: boolean
  week: Record<Weekday, Hours[]>
  country: string
  region: string
  /** Further holiday regions of a calendar saved elsewhere (API, import): kept as they are. */
  otherRegions: string[]
  /** Holidays typed in rather than resolved from a region: kept as they are. */
  manualHolidays: { date: string; name: string }[]
  closures: { date: string; name: string }[]
  openings: { date: string; name: string; hours: Hours[] }[]
}

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'

/** A new calendar's form: open Monday to Friday 08:00–17:00 in the browser's zone. */
export function emptyForm(): CalendarForm {
  const day = (open: boolean) => (open ? [{ from: '08:00', to: '17:00' }] : [])
  return {
    id: '',
    title: '',
    timeZone: browserZone(),
    always: false,
    week: Object.fromEntries(
      WEEKDAYS.map((d) => [d, day(d !== 'sat' && d !== 'sun')]),
    ) as CalendarForm['week'],
    country: '',
    region: '',
    otherRegions: [],
    manualHolidays: [],
    closures: [],
    openings: [],
  }
}

/** The form of a stored calendar version. */
export function toForm(c: Calendar): CalendarForm {
  const [first, ...others] = c.holidayRegions
  const [country = '', ...region] = (first ?? '').split('-')
  return {
    id: c.id,
    title: c.title,
    timeZone: c.timeZone,
    always: c.always,
    week: Object.fromEntries(WEEKDAYS.map((d) => [d, c.week[d] ?? []])) as CalendarForm['week'],
    country,
    region: region.join('-'),
    otherRegions: others,
    manualHolidays: c.holidays
      .filter((h) => h.region === undefined)
      .map(({ date, name }) => ({ date, name })),
    closures: c.closures,
    openings: c.openings,
  }
}

/** The calendar a form saves (closed days are left out of the week; indexes of hours are kept). */
export function toCalendar(f: CalendarForm): Calendar {
  const region = f.country ? [f.region ? `${f.country}-${f.region}` : f.country] : []
  return {
    id: f.id.trim(),
    title: f.title,
    timeZone: f.timeZone.trim(),
    always: f.always,
    week: Object.fromEntries(WEEKDAYS.filter((d) => f.week[d].length).map((d) => [d, f.week[d]])),
    holidayRegions: [...region, ...f.otherRegions],
    holidays: f.manualHolidays,
    closures: f.closures,
    openings: f.openings,
  }
}
