import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  addBusiness,
  addBusinessMs,
  businessBetween,
  businessMsBetween,
  isOpenAt,
  nextOpen,
  resumedDueMs,
} from '../../engine/businessTime.ts'
import { type Calendar, type CalendarInput, calendarSchema } from '../../engine/calendar.ts'
import { resolveHolidays } from '../../server/calendars/holidays.ts'

const H = 3_600_000
const weekdays = (hours: { from: string; to: string }[]) => ({
  mon: hours,
  tue: hours,
  wed: hours,
  thu: hours,
  fri: hours,
})
const cal = (input: Omit<CalendarInput, 'id' | 'title'>): Calendar =>
  calendarSchema.parse({ id: 'desk', title: 'Desk', ...input })

const prague = cal({ timeZone: 'Europe/Prague', week: weekdays([{ from: '08:00', to: '17:00' }]) })
const pragueHolidays = cal({
  timeZone: 'Europe/Prague',
  week: weekdays([{ from: '08:00', to: '17:00' }]),
  holidays: resolveHolidays(['CZ'], 2026, 2027),
})
const hanoi = cal({
  timeZone: 'Asia/Ho_Chi_Minh',
  week: weekdays([{ from: '08:00', to: '17:00' }]),
  holidays: resolveHolidays(['VN'], 2026, 2027),
})

describe('adding business time', () => {
  it('a 4-hour SLA opened Friday 16:00 in Prague (Mon–Fri 08–17) falls due Monday 11:00', () => {
    // 2026-03-06 is a Friday; Prague is on CET (+01:00).
    expect(addBusiness(prague, '2026-03-06T15:00:00.000Z', 4 * H)).toBe('2026-03-09T10:00:00.000Z')
  })

  it('counts local opening hours across the spring DST change (Monday 11:00 CEST)', () => {
    // Clocks go forward on Sunday 2026-03-29: Friday is +01:00, Monday +02:00.
    expect(addBusiness(prague, '2026-03-27T15:00:00.000Z', 4 * H)).toBe('2026-03-30T09:00:00.000Z')
  })

  it('counts local opening hours across the autumn DST change (Monday 11:00 CET)', () => {
    // Clocks go back on Sunday 2026-10-25: Friday is +02:00, Monday +01:00.
    expect(addBusiness(prague, '2026-10-23T14:00:00.000Z', 4 * H)).toBe('2026-10-26T10:00:00.000Z')
  })

  it('skips Czech public holidays from date-holidays (Good Friday and Easter Monday 2026)', () => {
    // Thursday 2026-04-02 16:00 CEST + 4 h: Friday 3rd and Monday 6th are closed → Tuesday 11:00.
    expect(pragueHolidays.holidays.map((h) => h.date)).toContain('2026-04-03')
    expect(addBusiness(pragueHolidays, '2026-04-02T14:00:00.000Z', 4 * H)).toBe('2026-04-07T09:00:00.000Z')
    expect(addBusiness(prague, '2026-04-02T14:00:00.000Z', 4 * H)).toBe('2026-04-03T09:00:00.000Z')
  })

  it('skips Tết in Asia/Ho_Chi_Minh, and opens on an extra working Saturday', () => {
    // Friday 2026-02-13 16:00 +07:00 + 4 h: Monday 16th and Tuesday 17th are Tết → Wednesday 11:00.
    expect(addBusiness(hanoi, '2026-02-13T09:00:00.000Z', 4 * H)).toBe('2026-02-18T04:00:00.000Z')
    const withSaturday = cal({
      ...hanoi,
      openings: [
        { date: '2026-02-14', name: 'Saturday before Tết', hours: [{ from: '08:00', to: '12:00' }] },
      ],
    })
    expect(addBusiness(withSaturday, '2026-02-13T09:00:00.000Z', 4 * H)).toBe('2026-02-14T04:00:00.000Z')
    const closedWednesday = cal({ ...hanoi, closures: [{ date: '2026-02-18', name: 'Tết' }] })
    expect(addBusiness(closedWednesday, '2026-02-13T09:00:00.000Z', 4 * H)).toBe('2026-02-19T04:00:00.000Z')
  })

  it('a 24/7 calendar counts wall-clock time', () => {
    const always = cal({ timeZone: 'Europe/Prague', always: true })
    expect(addBusiness(always, '2026-03-06T15:00:00.000Z', 4 * H)).toBe('2026-03-06T19:00:00.000Z')
    expect(businessBetween(always, '2026-03-06T15:00:00.000Z', '2026-03-09T15:00:00.000Z')).toBe(72 * H)
  })

  it('pausing for 3 business hours across a weekend moves the due time by exactly 3 business hours', () => {
    // Opened Friday 15:00 (due Monday 10:00), paused Friday 16:00, resumed Monday 10:00.
    const opened = Date.parse('2026-03-06T14:00:00.000Z')
    const due = addBusinessMs(prague, opened, 4 * H)
    expect(new Date(due).toISOString()).toBe('2026-03-09T09:00:00.000Z')
    const paused = Date.parse('2026-03-06T15:00:00.000Z')
    const resumed = Date.parse('2026-03-09T09:00:00.000Z')
    expect(businessMsBetween(prague, paused, resumed)).toBe(3 * H)
    const moved = resumedDueMs(prague, due, paused, resumed)
    expect(new Date(moved).toISOString()).toBe('2026-03-09T12:00:00.000Z')
    expect(businessMsBetween(prague, due, moved)).toBe(3 * H)
  })

  it('finds the next open time: Saturday noon → Monday 08:00, inside hours → itself', () => {
    expect(nextOpen(prague, '2026-03-07T11:00:00.000Z')).toBe('2026-03-09T07:00:00.000Z')
    expect(nextOpen(prague, '2026-03-09T10:00:00.000Z')).toBe('2026-03-09T10:00:00.000Z')
    expect(isOpenAt(prague, Date.parse('2026-03-09T16:00:00.000Z'))).toBe(false)
  })

  it('refuses a calendar that never opens instead of looping', () => {
    const closed = cal({ timeZone: 'UTC' })
    expect(() => addBusinessMs(closed, 0, H)).toThrow(/no opening hours/)
  })
})

describe('business-time properties', () => {
  const calendars = [
    prague,
    pragueHolidays,
    hanoi,
    cal({
      timeZone: 'America/New_York',
      week: {
        ...weekdays([
          { from: '08:00', to: '11:30' },
          { from: '13:30', to: '17:00' },
        ]),
        sat: [{ from: '00:00', to: '24:00' }],
      },
      closures: [{ date: '2026-11-03' }],
    }),
    cal({ timeZone: 'Europe/Prague', always: true }),
  ]
  // Instants over 2026–2027 (both DST changes each year), on whole minutes.
  const instant = fc
    .integer({
      min: Date.parse('2026-01-01T00:00:00Z') / 60_000,
      max: Date.parse('2027-12-01T00:00:00Z') / 60_000,
    })
    .map((m) => m * 60_000)
  const duration = fc.integer({ min: 0, max: 60 * 24 * 20 }).map((m) => m * 60_000)
  const calendar = fc.constantFrom(...calendars)

  it('is monotonic in the start and in the duration', () => {
    fc.assert(
      fc.property(calendar, instant, instant, duration, duration, (c, t1, t2, a, b) => {
        const [early, late] = t1 <= t2 ? [t1, t2] : [t2, t1]
        const [short, long] = a <= b ? [a, b] : [b, a]
        expect(addBusinessMs(c, early, short)).toBeLessThanOrEqual(addBusinessMs(c, late, short))
        expect(addBusinessMs(c, early, short)).toBeLessThanOrEqual(addBusinessMs(c, early, long))
      }),
      { numRuns: 300 },
    )
  })

  it('add(add(t, a), b) equals add(t, a + b) for t within opening hours', () => {
    fc.assert(
      fc.property(calendar, instant, duration, duration, (c, t, a, b) => {
        fc.pre(isOpenAt(c, t))
        expect(addBusinessMs(c, addBusinessMs(c, t, a), b)).toBe(addBusinessMs(c, t, a + b))
      }),
      { numRuns: 300 },
    )
  })

  it('a positive duration never lands outside opening hours, and counts back to itself', () => {
    fc.assert(
      fc.property(calendar, instant, duration, (c, t, d) => {
        fc.pre(d > 0)
        const end = addBusinessMs(c, t, d)
        // Inside an open interval, or at its very end (open the minute before).
        expect(isOpenAt(c, end - 1)).toBe(true)
        expect(businessMsBetween(c, t, end)).toBe(d)
      }),
      { numRuns: 300 },
    )
  })

  it('a pause moves the due time by exactly the business time it lasted', () => {
    fc.assert(
      fc.property(calendar, instant, duration, duration, duration, (c, opened, sla, before, pause) => {
        const due = addBusinessMs(c, opened, sla)
        const paused = addBusinessMs(c, opened, Math.min(before, sla))
        const resumed = addBusinessMs(c, paused, pause)
        const moved = resumedDueMs(c, due, paused, resumed)
        expect(businessMsBetween(c, due, moved)).toBe(businessMsBetween(c, paused, resumed))
      }),
      { numRuns: 300 },
    )
  })
})
