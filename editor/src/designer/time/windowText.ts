import { type Calendar, WEEKDAYS, type Weekday } from '../../../../engine/index.ts'

/** A time of day as from–to ("08:00", "17:00"). */
export type Span = readonly [string, string]

/**
 * The times a contact window forbids on each weekday: the day's hours outside the window's open
 * hours (the whole day when it has none). A 24/7 window forbids nothing.
 */
export function forbiddenByDay(window: Pick<Calendar, 'week' | 'always'>): Record<Weekday, Span[]> {
  const out = {} as Record<Weekday, Span[]>
  for (const day of WEEKDAYS) {
    if (window.always) {
      out[day] = []
      continue
    }
    const open = [...(window.week[day] ?? [])].sort((a, b) => a.from.localeCompare(b.from))
    const spans: Span[] = []
    let at = '00:00'
    for (const h of open) {
      if (h.from > at) spans.push([at, h.from])
      if (h.to > at) at = h.to
    }
    if (at < '24:00') spans.push([at, '24:00'])
    out[day] = spans
  }
  return out
}

/** Runs of consecutive weekdays that forbid the same times, Monday first. */
export function groupDays(byDay: Record<Weekday, Span[]>): { days: Weekday[]; spans: Span[] }[] {
  const out: { days: Weekday[]; spans: Span[] }[] = []
  for (const day of WEEKDAYS) {
    const spans = byDay[day]
    const last = out[out.length - 1]
    if (last && JSON.stringify(last.spans) === JSON.stringify(spans)) last.days.push(day)
    else out.push({ days: [day], spans })
  }
  return out
}
