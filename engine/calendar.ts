import { Temporal } from '@js-temporal/polyfill'
import { z } from 'zod'

/**
 * A calendar: when a desk is open, in an IANA time zone. Weekly opening hours, public holidays
 * (resolved into dates by the host, e.g. from the date-holidays dataset), extra closed days and
 * extra opening days (a working Saturday before Tết). `always` makes it a 24/7 calendar.
 * Calendars are plain data: the engine never looks anything up.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type Weekday = (typeof WEEKDAYS)[number]

/** How durations are counted: open time of a calendar, or wall-clock time. */
export const TIME_KINDS = ['business', 'calendar'] as const
export const timeKindSchema = z.enum(TIME_KINDS)
export type TimeKind = z.infer<typeof timeKindSchema>

const clock = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/
const isoDate = z.string().refine((s) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  try {
    // Stryker disable next-line ObjectLiteral: a constrained day (02-30 into 02-28) fails the round trip all the same
    return Temporal.PlainDate.from(s, { overflow: 'reject' }).toString() === s
    // Stryker disable next-line BlockStatement: an empty catch returns undefined, which refine takes as false
  } catch {
    return false
  }
}, 'must be a date such as 2026-02-14')

export const hoursSchema = z
  .object({
    from: z.string().regex(clock, 'must be a time such as 08:00'),
    to: z.string().regex(clock, 'must be a time such as 17:00 (24:00 for midnight)'),
  })
  .refine((h) => h.from < h.to, 'must end after it starts')
export type Hours = z.infer<typeof hoursSchema>

export function isTimeZone(zone: string): boolean {
  try {
    Temporal.ZonedDateTime.from({ timeZone: zone, year: 2000, month: 1, day: 1 })
    return true
  } catch {
    return false
  }
}

export const calendarSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(80)
    .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'must start with a letter and hold only letters, digits, "_" and "-"'),
  title: z.string().min(1),
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Prague'),
  /** Open around the clock, every day (holidays and closures ignored). */
  always: z.boolean().default(false),
  /** Opening hours per weekday; a missing day is closed. */
  week: z.partialRecord(z.enum(WEEKDAYS), z.array(hoursSchema)).default({}),
  /** Countries/regions whose public holidays close the desk (date-holidays codes: CZ, VN, US-CA). */
  holidayRegions: z.array(z.string().regex(/^[A-Z]{2}(?:-[A-Za-z0-9]+)*$/)).default([]),
  /** Public holidays as dates: closed all day. `region` marks those resolved from `holidayRegions`. */
  holidays: z
    .array(z.object({ date: isoDate, name: z.string().default(''), region: z.string().optional() }))
    .default([]),
  /** Extra closed days. */
  closures: z.array(z.object({ date: isoDate, name: z.string().default('') })).default([]),
  /** Extra opening days, with their hours (they win over the week and holidays). */
  openings: z
    .array(z.object({ date: isoDate, name: z.string().default(''), hours: z.array(hoursSchema).min(1) }))
    .default([]),
})
export type Calendar = z.infer<typeof calendarSchema>
export type CalendarInput = z.input<typeof calendarSchema>

/** A 24/7 calendar in UTC: business time equals wall-clock time. */
export const ALWAYS_OPEN: Calendar = calendarSchema.parse({
  id: 'always',
  title: '24/7',
  timeZone: 'UTC',
  always: true,
})

/** Open intervals of one local date, as [start, end) epoch milliseconds, sorted and merged. */
export type Interval = readonly [number, number]

const cache = new WeakMap<Calendar, Map<string, Interval[]>>()

/** The hours that apply on a local date (closures, then openings, then holidays, then the week). */
export function hoursOn(calendar: Calendar, date: Temporal.PlainDate): Hours[] {
  const text = date.toString()
  if (calendar.closures.some((c) => c.date === text)) return []
  const opening = calendar.openings.find((o) => o.date === text)
  if (opening) return opening.hours
  if (calendar.holidays.some((h) => h.date === text)) return []
  return calendar.week[WEEKDAYS[date.dayOfWeek - 1]] ?? []
}

/** Open intervals of a local date in the calendar's zone (DST-correct through Temporal). */
export function intervalsOn(calendar: Calendar, date: Temporal.PlainDate): Interval[] {
  let byDate = cache.get(calendar)
  if (!byDate) {
    byDate = new Map()
    cache.set(calendar, byDate)
  }
  const key = date.toString()
  let found = byDate.get(key)
  if (!found) {
    found = merge(hoursOn(calendar, date).map((h) => [at(calendar, date, h.from), at(calendar, date, h.to)]))
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound on the cache changes memory, not answers
    if (byDate.size > 20_000) byDate.clear()
    byDate.set(key, found)
  }
  return found
}

function at(calendar: Calendar, date: Temporal.PlainDate, time: string): number {
  if (time === '24:00')
    return date.add({ days: 1 }).toZonedDateTime({ timeZone: calendar.timeZone }).epochMilliseconds
  const [hour, minute] = time.split(':').map(Number)
  return date.toZonedDateTime({ timeZone: calendar.timeZone, plainTime: { hour, minute } }).epochMilliseconds
}

function merge(intervals: [number, number][]): Interval[] {
  const sorted = intervals.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0])
  const out: [number, number][] = []
  for (const [s, e] of sorted) {
    const last = out.at(-1)
    if (last && s <= last[1]) last[1] = Math.max(last[1], e)
    else out.push([s, e])
  }
  return out
}

/** The local date of an instant in the calendar's zone. */
export function localDate(calendar: Calendar, ms: number): Temporal.PlainDate {
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(calendar.timeZone).toPlainDate()
}
