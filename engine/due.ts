import { addBusinessMs } from './businessTime.ts'
import { ALWAYS_OPEN, type Calendar } from './calendar.ts'
import type { CompiledSop } from './compile.ts'
import { parseDuration } from './duration.ts'

/** How a duration is counted: in business time (`time: "business"`) or wall-clock time. */
export interface DurationClock {
  time?: 'business' | 'calendar'
  calendar?: string
}

/**
 * The calendar a duration counts in, for business time: the one it names, else its team's, else
 * the SOP's; wall-clock time (24/7) otherwise.
 */
export function calendarOf(sop: CompiledSop, clock: DurationClock | undefined): Calendar {
  if (clock?.time !== 'business') return ALWAYS_OPEN
  const name = clock.calendar ?? sop.clockCalendars.get(clock) ?? sop.document.calendar
  return (name && sop.calendars.get(name)) || ALWAYS_OPEN
}

/** Milliseconds `iso` (an ISO-8601 duration, plus `extraMs`) after `startMs`, counted as the clock says. */
export function dueAfterMs(
  sop: CompiledSop,
  startMs: number,
  iso: string,
  clock?: DurationClock,
  extraMs = 0,
): number {
  return addBusinessMs(calendarOf(sop, clock), startMs, parseDuration(iso) + extraMs)
}

/** The ISO time `iso` after `start`, counted as the clock says. */
export function dueAfter(sop: CompiledSop, start: string, iso: string, clock?: DurationClock): string {
  return new Date(dueAfterMs(sop, Date.parse(start), iso, clock)).toISOString()
}
