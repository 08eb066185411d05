import { Temporal } from '@js-temporal/polyfill'
import { describe, expect, it } from 'vitest'
import {
  ALWAYS_OPEN,
  type CalendarInput,
  calendarSchema,
  hoursOn,
  hoursSchema,
  intervalsOn,
  isTimeZone,
  localDate,
} from '../../engine/calendar.ts'

const base = { id: 'desk', title: 'Desk', timeZone: 'Europe/Prague' }
/** The messages of a calendar's problems, each as "path: message"; empty when it parses. */
const problems = (input: Partial<CalendarInput> & Record<string, unknown>): string[] => {
  const r = calendarSchema.safeParse({ ...base, ...input })
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}
const hourProblems = (from: string, to: string): string[] => {
  const r = hoursSchema.safeParse({ from, to })
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}
const date = (s: string) => Temporal.PlainDate.from(s)
const ms = (iso: string) => Temporal.Instant.from(iso).epochMilliseconds

describe('opening hours', () => {
  it('accepts times from 00:00 to 23:59 and 24:00 for midnight', () => {
    expect(hourProblems('00:00', '24:00')).toEqual([])
    expect(hourProblems('09:30', '23:59')).toEqual([])
    expect(hourProblems('19:05', '20:00')).toEqual([])
  })
  it('names the start that is not a time such as 08:00', () => {
    for (const bad of ['8:00', '24:01', '25:00', '12:60', 'x08:00', '08:00x', '0800', '24:00:00'])
      expect(hourProblems(bad, '24:00')).toContain('from: must be a time such as 08:00')
  })
  it('names the end that is not a time such as 17:00', () => {
    for (const bad of ['17', '17:0', '24:30', ' 17:00', '17:00 ', '124:00', 'x24:00'])
      expect(hourProblems('08:00', bad)).toContain('to: must be a time such as 17:00 (24:00 for midnight)')
  })
  it('refuses hours that end when or before they start', () => {
    expect(hourProblems('10:00', '10:00')).toEqual([': must end after it starts'])
    expect(hourProblems('10:00', '09:00')).toEqual([': must end after it starts'])
    expect(hourProblems('10:00', '10:01')).toEqual([])
  })
})

describe('the calendar schema', () => {
  it('fills in the defaults of a bare calendar', () => {
    expect(calendarSchema.parse(base)).toEqual({
      ...base,
      always: false,
      week: {},
      holidayRegions: [],
      holidays: [],
      closures: [],
      openings: [],
    })
  })
  it('gives holidays, closures and openings an empty name when none is given', () => {
    const c = calendarSchema.parse({
      ...base,
      holidays: [{ date: '2026-01-01' }],
      closures: [{ date: '2026-01-02' }],
      openings: [{ date: '2026-01-03', hours: [{ from: '08:00', to: '12:00' }] }],
    })
    expect([c.holidays[0].name, c.closures[0].name, c.openings[0].name]).toEqual(['', '', ''])
  })
  it('takes ids that start with a letter and hold letters, digits, "_" and "-"', () => {
    expect(problems({ id: 'a' })).toEqual([])
    expect(problems({ id: 'Desk_2-b' })).toEqual([])
    expect(problems({ id: 'x'.repeat(80) })).toEqual([])
  })
  it('names the id that is empty, too long or of other characters', () => {
    const rule = 'id: must start with a letter and hold only letters, digits, "_" and "-"'
    for (const bad of ['2desk', '_desk', 'desk!', 'de sk', 'desk.', '-a'])
      expect(problems({ id: bad })).toEqual([rule])
    expect(problems({ id: 'x'.repeat(81) })).toHaveLength(1)
    expect(problems({ id: 'x'.repeat(81) })[0]).toMatch(/^id: /)
    expect(problems({ id: '' })[0]).toMatch(/^id: /)
  })
  it('requires a title', () => {
    expect(problems({ title: '' })).toHaveLength(1)
    expect(problems({ title: '' })[0]).toMatch(/^title: /)
    expect(problems({ title: 'x' })).toEqual([])
  })
  it('names a time zone that is not IANA', () => {
    expect(problems({ timeZone: 'Mars/Olympus' })).toEqual([
      'timeZone: must be an IANA time zone such as Europe/Prague',
    ])
    expect(problems({ timeZone: 'Asia/Ho_Chi_Minh' })).toEqual([])
    expect(isTimeZone('UTC')).toBe(true)
    expect(isTimeZone('Europe/Prague')).toBe(true)
    expect(isTimeZone('')).toBe(false)
    expect(isTimeZone('Nowhere')).toBe(false)
  })
  it('takes holiday regions as date-holidays codes only', () => {
    expect(problems({ holidayRegions: ['CZ', 'US-CA', 'DE-BY-a1'] })).toEqual([])
    for (const bad of ['cz', 'CZE', 'C', 'US-', 'US CA', 'xCZ', 'CZx', 'US-CA!'])
      expect(problems({ holidayRegions: [bad] }), bad).toHaveLength(1)
  })
  it('takes only real dates written as YYYY-MM-DD', () => {
    expect(problems({ closures: [{ date: '2028-02-29' }] })).toEqual([])
    const rule = 'must be a date such as 2026-02-14'
    for (const bad of [
      '2026-02-30',
      '2026-13-01',
      '2026-2-14',
      '26-02-14',
      'x2026-02-14',
      '2026-02-14x',
      '2027-02-29',
    ])
      expect(problems({ closures: [{ date: bad }] }), bad).toEqual([`closures.0.date: ${rule}`])
    expect(problems({ holidays: [{ date: '2026-00-10' }] })).toEqual([`holidays.0.date: ${rule}`])
    expect(problems({ openings: [{ date: '2026-04-31', hours: [{ from: '08:00', to: '09:00' }] }] })).toEqual(
      [`openings.0.date: ${rule}`],
    )
  })
  it('refuses an extra opening day without hours', () => {
    expect(problems({ openings: [{ date: '2026-01-03', hours: [] }] })).toHaveLength(1)
    expect(problems({ openings: [{ date: '2026-01-03', hours: [] }] })[0]).toMatch(/^openings\.0\.hours: /)
  })
  it('the 24/7 calendar is in UTC and always open', () => {
    expect(ALWAYS_OPEN).toMatchObject({ id: 'always', title: '24/7', timeZone: 'UTC', always: true })
  })
})

describe('the hours of a date', () => {
  const nine = [{ from: '09:00', to: '17:00' }]
  const desk = calendarSchema.parse({
    ...base,
    week: { mon: nine, sat: [{ from: '10:00', to: '12:00' }] },
    holidays: [{ date: '2026-03-09', name: 'Holiday' }],
    closures: [{ date: '2026-03-16', name: 'Move' }],
    openings: [
      { date: '2026-03-16', hours: [{ from: '07:00', to: '08:00' }] },
      { date: '2026-03-09', hours: [{ from: '11:00', to: '12:00' }] },
      { date: '2026-03-08', hours: [{ from: '13:00', to: '14:00' }] },
    ],
  })
  it('uses the week for an ordinary day, Monday through Sunday', () => {
    expect(hoursOn(desk, date('2026-03-02'))).toEqual(nine)
    expect(hoursOn(desk, date('2026-03-07'))).toEqual([{ from: '10:00', to: '12:00' }])
    expect(hoursOn(desk, date('2026-03-03'))).toEqual([])
  })
  it('a closure wins over an opening, an opening over a holiday and the week', () => {
    expect(hoursOn(desk, date('2026-03-16'))).toEqual([])
    expect(hoursOn(desk, date('2026-03-09'))).toEqual([{ from: '11:00', to: '12:00' }])
    expect(hoursOn(desk, date('2026-03-08'))).toEqual([{ from: '13:00', to: '14:00' }])
  })
  it('a holiday closes the day its week would open', () => {
    const c = calendarSchema.parse({ ...base, week: { mon: nine }, holidays: [{ date: '2026-03-09' }] })
    expect(hoursOn(c, date('2026-03-09'))).toEqual([])
    expect(hoursOn(c, date('2026-03-02'))).toEqual(nine)
  })
})

describe('the open intervals of a date', () => {
  it('turns hours into instants in the calendar zone, 24:00 being the next midnight', () => {
    const c = calendarSchema.parse({ ...base, week: { mon: [{ from: '18:30', to: '24:00' }] } })
    expect(intervalsOn(c, date('2026-03-02'))).toEqual([
      [ms('2026-03-02T17:30:00Z'), ms('2026-03-02T23:00:00Z')],
    ])
  })
  it('sorts, merges touching and overlapping hours, and keeps apart those with a gap', () => {
    const c = calendarSchema.parse({
      ...base,
      timeZone: 'UTC',
      week: {
        mon: [
          { from: '14:00', to: '15:00' },
          { from: '08:00', to: '10:00' },
          { from: '10:00', to: '11:00' },
          { from: '09:00', to: '09:30' },
          { from: '11:01', to: '12:00' },
        ],
      },
    })
    expect(intervalsOn(c, date('2026-03-02'))).toEqual([
      [ms('2026-03-02T08:00:00Z'), ms('2026-03-02T11:00:00Z')],
      [ms('2026-03-02T11:01:00Z'), ms('2026-03-02T12:00:00Z')],
      [ms('2026-03-02T14:00:00Z'), ms('2026-03-02T15:00:00Z')],
    ])
  })
  it('an hour skipped by the spring change to summer time leaves no interval', () => {
    // 2026-03-29 02:00 Prague: clocks jump to 03:00, so 02:00–03:00 is zero long.
    const c = calendarSchema.parse({ ...base, week: { sun: [{ from: '02:00', to: '03:00' }] } })
    expect(intervalsOn(c, date('2026-03-29'))).toEqual([])
  })
  it('answers a date asked twice the same', () => {
    const c = calendarSchema.parse({ ...base, week: { mon: [{ from: '08:00', to: '09:00' }] } })
    const first = intervalsOn(c, date('2026-03-02'))
    expect(intervalsOn(c, date('2026-03-02'))).toEqual(first)
    expect(intervalsOn(c, date('2026-03-09'))).toEqual([
      [ms('2026-03-09T07:00:00Z'), ms('2026-03-09T08:00:00Z')],
    ])
  })
  it('the local date of an instant is in the calendar zone', () => {
    const c = calendarSchema.parse({ ...base, timeZone: 'Asia/Ho_Chi_Minh' })
    expect(localDate(c, ms('2026-03-01T18:00:00Z')).toString()).toBe('2026-03-02')
    expect(localDate(c, ms('2026-03-01T16:59:00Z')).toString()).toBe('2026-03-01')
  })
})
