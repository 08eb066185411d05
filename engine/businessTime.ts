import { Temporal } from '@js-temporal/polyfill'
import { type Calendar, dayAfter, dayAt } from './calendar.ts'

/**
 * Business-time arithmetic over a calendar's open intervals. Pure: the calendar is data, times are
 * epoch milliseconds or ISO strings, and nothing reads a clock. A calendar that is `always` open
 * counts wall-clock time.
 */

/** How far ahead (in local days) a search goes before deciding the calendar never opens. */
const HORIZON_DAYS = 3 * 366

export class ClosedCalendarError extends RangeError {
  constructor(calendar: Calendar) {
    super(`Calendar "${calendar.id}" has no opening hours within ${HORIZON_DAYS} days`)
  }
}

/**
 * The instant `ms` milliseconds of open time after `startMs`. Zero gives `startMs` itself;
 * otherwise the result lies inside an open interval or at its end (17:00 when the desk closes at
 * 17:00), never in closed time.
 */
export function addBusinessMs(calendar: Calendar, startMs: number, ms: number): number {
  if (ms < 0) throw new RangeError('A business duration cannot be negative')
  if (calendar.always || ms === 0) return startMs + ms
  let remaining = ms
  let day = dayAt(calendar, startMs)
  // Stryker disable next-line EqualityOperator: one day more of a three-year search finds nothing the search before it missed
  for (let i = 0; i < HORIZON_DAYS; i++, day = dayAfter(calendar, day)) {
    for (const [s, e] of day.intervals) {
      // Stryker disable next-line EqualityOperator: an interval ending at the start has no open time to give
      if (e <= startMs) continue
      const from = Math.max(s, startMs)
      const available = e - from
      if (remaining <= available) return from + remaining
      remaining -= available
    }
  }
  throw new ClosedCalendarError(calendar)
}

/** Open time between two instants (0 when `endMs` is not after `startMs`). */
export function businessMsBetween(calendar: Calendar, startMs: number, endMs: number): number {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a span that does not run forward holds no open time when counted either
  if (endMs <= startMs) return 0
  if (calendar.always) return endMs - startMs
  let total = 0
  let day = dayAt(calendar, startMs)
  const last = dayAt(calendar, endMs).date
  // Stryker disable next-line ConditionalExpression,EqualityOperator,UpdateOperator: a cap against looping at 137 years, longer than any ticket is open
  for (
    let i = 0;
    i < 50_000 && Temporal.PlainDate.compare(day.date, last) <= 0;
    i++, day = dayAfter(calendar, day)
  ) {
    for (const [s, e] of day.intervals) {
      const from = Math.max(s, startMs)
      const to = Math.min(e, endMs)
      // Stryker disable next-line EqualityOperator: adding an empty stretch adds 0
      if (to > from) total += to - from
    }
  }
  return total
}

/** Whether the calendar is open at an instant (an interval holds its start, not its end). */
export function isOpenAt(calendar: Calendar, ms: number): boolean {
  if (calendar.always) return true
  return dayAt(calendar, ms).intervals.some(([s, e]) => s <= ms && ms < e)
}

/** The first instant at or after `ms` when the calendar is open. */
export function nextOpenMs(calendar: Calendar, ms: number): number {
  if (calendar.always) return ms
  let day = dayAt(calendar, ms)
  // Stryker disable next-line EqualityOperator: one day more of a three-year search finds nothing the search before it missed
  for (let i = 0; i < HORIZON_DAYS; i++, day = dayAfter(calendar, day)) {
    for (const [s, e] of day.intervals) {
      if (e <= ms) continue
      return Math.max(s, ms)
    }
  }
  throw new ClosedCalendarError(calendar)
}

/** `addBusinessMs` on ISO times. */
export function addBusiness(calendar: Calendar, start: string, ms: number): string {
  return new Date(addBusinessMs(calendar, Date.parse(start), ms)).toISOString()
}

/** `businessMsBetween` on ISO times. */
export function businessBetween(calendar: Calendar, start: string, end: string): number {
  return businessMsBetween(calendar, Date.parse(start), Date.parse(end))
}

/** `nextOpenMs` on ISO times. */
export function nextOpen(calendar: Calendar, at: string): string {
  return new Date(nextOpenMs(calendar, Date.parse(at))).toISOString()
}

/**
 * The due time of a clock paused at `pausedMs` and resumed at `resumedMs`: the open time that was
 * left before `dueMs` when it paused, counted again from the resumption.
 */
export function resumedDueMs(calendar: Calendar, dueMs: number, pausedMs: number, resumedMs: number): number {
  return addBusinessMs(calendar, resumedMs, businessMsBetween(calendar, pausedMs, dueMs))
}
