import { isTimeZone, WEEKDAYS } from '../../engine/index.ts'
import { Problem, type ProblemCode } from '../http/problem.ts'
import { isHolidayRegion } from './holidays.ts'

const CLOCK = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/

/**
 * Checks of a calendar the form can show at a field: each a 400 whose code names the kind of
 * mistake and whose `params.field` is the path of the offending member (`week.mon.1`,
 * `openings.0.hours.0`, `timeZone`, `holidayRegions`). Run before the schema, which catches the
 * remaining shape errors.
 */
export function checkCalendarFields(body: Record<string, unknown>): void {
  const zone = body.timeZone
  if (typeof zone === 'string' && !isTimeZone(zone))
    throw fieldProblem('calendar_time_zone', 'timeZone', `"${zone}" is not an IANA time zone`, {
      value: zone,
    })
  const week = body.week
  if (week && typeof week === 'object')
    for (const day of WEEKDAYS) checkHours((week as Record<string, unknown>)[day], `week.${day}`)
  if (Array.isArray(body.openings))
    body.openings.forEach((o, i) => {
      if (o && typeof o === 'object') checkHours((o as { hours?: unknown }).hours, `openings.${i}.hours`)
    })
  if (Array.isArray(body.holidayRegions))
    for (const region of body.holidayRegions)
      if (typeof region === 'string' && !isHolidayRegion(region))
        throw fieldProblem('calendar_holiday_region', 'holidayRegions', `unknown region "${region}"`, {
          region,
        })
}

/** Intervals of one day: each ends after it starts, and none overlaps another. */
function checkHours(hours: unknown, path: string): void {
  if (!Array.isArray(hours)) return
  const valid: { from: string; to: string; field: string }[] = []
  hours.forEach((h, i) => {
    const { from, to } = (h ?? {}) as { from?: unknown; to?: unknown }
    if (typeof from !== 'string' || typeof to !== 'string' || !CLOCK.test(from) || !CLOCK.test(to)) return
    const field = `${path}.${i}`
    if (from >= to)
      throw fieldProblem('calendar_hours_order', field, `${from}–${to} must end after it starts`, {
        from,
        to,
      })
    valid.push({ from, to, field })
  })
  valid.sort((a, b) => a.from.localeCompare(b.from))
  for (let i = 1; i < valid.length; i++) {
    const [a, b] = [valid[i - 1], valid[i]]
    if (b.from < a.to) {
      const field = [a.field, b.field].sort()[1]
      throw fieldProblem('calendar_hours_overlap', field, `${b.from}–${b.to} overlaps ${a.from}–${a.to}`, {
        from: b.from,
        to: b.to,
        otherFrom: a.from,
        otherTo: a.to,
      })
    }
  }
}

/** A 400 about one member: `params.field` names it, `errors` lists it as schema errors do. */
function fieldProblem(
  code: ProblemCode,
  field: string,
  message: string,
  params: Record<string, string>,
): Problem {
  return new Problem(400, code, `${field}: ${message}`, {
    errors: [{ path: field, message }],
    params: { field, ...params },
  })
}
