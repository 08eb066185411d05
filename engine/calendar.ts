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
  // Stryker disable next-line ConditionalExpression,Regex: only a YYYY-MM-DD date survives the round trip through Temporal below anyway
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  // Stryker disable BlockStatement: an empty catch returns undefined, which refine takes as false
  try {
    // Stryker disable next-line ObjectLiteral: a constrained day (02-30 into 02-28) fails the round trip all the same
    return Temporal.PlainDate.from(s, { overflow: 'reject' }).toString() === s
  } catch {
    return false
  }
}, 'must be a date such as 2026-02-14')

// Stryker restore BlockStatement
export const hoursSchema = z
  .object({
    from: z.string().regex(clock, 'must be a time such as 08:00'),
    to: z.string().regex(clock, 'must be a time such as 17:00 (24:00 for midnight)'),
  })
  .refine((h) => h.from < h.to, 'must end after it starts')
export type Hours = z.infer<typeof hoursSchema>

/** Answers already given: whether a name is a time zone does not change while the process runs. */
const zones = new Map<string, boolean>()

export function isTimeZone(zone: string): boolean {
  let known = zones.get(zone)
  // Stryker disable next-line ConditionalExpression: asking Temporal again gives the same answer; the cache only saves time
  if (known === undefined) {
    try {
      Temporal.ZonedDateTime.from({ timeZone: zone, year: 2000, month: 1, day: 1 })
      known = true
    } catch {
      known = false
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound on the cache changes memory, not answers
    if (zones.size > 1_000) zones.clear()
    zones.set(zone, known)
  }
  return known
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

/**
 * One local date of a calendar: its open intervals, and the instants from its first to the next
 * date's first. `steady` says the zone's offset holds over all of them, so every instant in
 * [start, end) falls on this date and an instant can be placed without asking Temporal.
 */
export interface Day {
  date: Temporal.PlainDate
  key: string
  intervals: Interval[]
  start: number
  end: number
  steady: boolean
  next: Day | null
}

interface Days {
  byKey: Map<string, Day>
  /** Steady days by the UTC days (epoch ms / 86,400,000) they overlap. */
  byUtcDay: Map<number, Day[]>
}

const DAY_MS = 86_400_000

/** Days worked out per calendar object: a changed calendar is a new object with days of its own. */
const cache = new WeakMap<Calendar, Days>()

function daysOf(calendar: Calendar): Days {
  let days = cache.get(calendar)
  if (!days) {
    days = { byKey: new Map(), byUtcDay: new Map() }
    cache.set(calendar, days)
  }
  return days
}

/** The hours that apply on a local date (closures, then openings, then holidays, then the week). */
export function hoursOn(calendar: Calendar, date: Temporal.PlainDate): Hours[] {
  const text = date.toString()
  if (calendar.closures.some((c) => c.date === text)) return []
  const opening = calendar.openings.find((o) => o.date === text)
  if (opening) return opening.hours
  if (calendar.holidays.some((h) => h.date === text)) return []
  return calendar.week[WEEKDAYS[date.dayOfWeek - 1]] ?? []
}

/** A local date of the calendar, worked out once. */
export function dayOn(calendar: Calendar, date: Temporal.PlainDate): Day {
  const days = daysOf(calendar)
  const key = date.toString()
  let day = days.byKey.get(key)
  if (!day) {
    const first = date.toZonedDateTime({ timeZone: calendar.timeZone }).startOfDay()
    const start = first.epochMilliseconds
    const end = date
      .add({ days: 1 })
      .toZonedDateTime({ timeZone: calendar.timeZone })
      .startOfDay().epochMilliseconds
    const change = first.getTimeZoneTransition('next')
    day = {
      date,
      key,
      intervals: merge(
        hoursOn(calendar, date).map((h) => [at(calendar, date, h.from), at(calendar, date, h.to)]),
      ),
      start,
      end,
      // Stryker disable next-line ConditionalExpression,EqualityOperator: steady only decides whether the day goes into the index by UTC day, a shortcut the lookup checks
      steady: !change || change.epochMilliseconds >= end,
      next: null,
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound on the cache changes memory, not answers
    if (days.byKey.size > 20_000) {
      days.byKey.clear()
      days.byUtcDay.clear()
    }
    days.byKey.set(key, day)
    // Stryker disable ConditionalExpression,BlockStatement,ArithmeticOperator,EqualityOperator,ArrayDeclaration: the index by UTC day is a shortcut; a day it misses is worked out again, and the lookup checks each day's instants
    if (day.steady) {
      for (let u = Math.floor(start / DAY_MS); u <= Math.floor((end - 1) / DAY_MS); u++) {
        const list = days.byUtcDay.get(u)
        if (list) list.push(day)
        else days.byUtcDay.set(u, [day])
      }
    }
    // Stryker restore ConditionalExpression,BlockStatement,ArithmeticOperator,EqualityOperator,ArrayDeclaration
  }
  return day
}

/** The local date after `day`. */
export function dayAfter(calendar: Calendar, day: Day): Day {
  day.next ??= dayOn(calendar, day.date.add({ days: 1 }))
  return day.next
}

/** The local date an instant falls on in the calendar's zone. */
export function dayAt(calendar: Calendar, ms: number): Day {
  // Stryker disable next-line ArithmeticOperator: a UTC day the index does not hold sends the lookup to Temporal, which gives the same date
  const near = daysOf(calendar).byUtcDay.get(Math.floor(ms / DAY_MS))
  if (near) for (const day of near) if (day.start <= ms && ms < day.end) return day
  return dayOn(
    calendar,
    Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(calendar.timeZone).toPlainDate(),
  )
}

/** Open intervals of a local date in the calendar's zone (DST-correct through Temporal). */
export function intervalsOn(calendar: Calendar, date: Temporal.PlainDate): Interval[] {
  return dayOn(calendar, date).intervals
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
  return dayAt(calendar, ms).date
}
