import { Temporal } from '@js-temporal/polyfill'
import { describe, expect, it } from 'vitest'
import {
  ALWAYS_OPEN,
  addBusinessMs,
  businessMsBetween,
  type Calendar,
  calendarSchema,
  dayAt,
  dayOn,
  nextOpenMs,
} from '../../engine/index.ts'
import { pragueDeskCalendar } from '../fixtures/businessTimeSops.ts'

const H = 3_600_000
const desk = (): Calendar => calendarSchema.parse({ id: 'prague_desk', ...pragueDeskCalendar() })
const ms = (iso: string) => Date.parse(iso)
// March 2026 in Prague is UTC+1: the desk is open 07:00 to 16:00 UTC on weekdays.
const FRIDAY_15 = ms('2026-03-06T15:00:00.000Z')
const FRIDAY_CLOSE = ms('2026-03-06T16:00:00.000Z')
const SATURDAY = ms('2026-03-07T10:00:00.000Z')
const MONDAY_OPEN = ms('2026-03-09T07:00:00.000Z')

describe('adding business time', () => {
  it('refuses a negative duration', () => {
    expect(() => addBusinessMs(desk(), FRIDAY_15, -1)).toThrow(
      new RangeError('A business duration cannot be negative'),
    )
  })

  it('gives the start itself for no time, even while closed', () => {
    expect(addBusinessMs(desk(), SATURDAY, 0)).toBe(SATURDAY)
    expect(addBusinessMs(desk(), FRIDAY_15, 0)).toBe(FRIDAY_15)
  })

  it('ends at closing time when the duration uses up the day exactly', () => {
    expect(addBusinessMs(desk(), FRIDAY_15, H)).toBe(FRIDAY_CLOSE)
    expect(addBusinessMs(desk(), FRIDAY_15, H + 1)).toBe(MONDAY_OPEN + 1)
  })

  it('counts wall-clock time on an always-open calendar', () => {
    expect(addBusinessMs(ALWAYS_OPEN, SATURDAY, 5 * H)).toBe(SATURDAY + 5 * H)
  })
})

describe('open time between two instants', () => {
  it('is none when the end is not after the start', () => {
    expect(businessMsBetween(desk(), FRIDAY_CLOSE, FRIDAY_15)).toBe(0)
    expect(businessMsBetween(desk(), FRIDAY_15, FRIDAY_15)).toBe(0)
  })

  it('counts only open hours across a weekend', () => {
    expect(businessMsBetween(desk(), FRIDAY_15, MONDAY_OPEN + H)).toBe(2 * H)
  })
})

describe('the next open time', () => {
  it('is the instant itself while open, or on an always-open calendar', () => {
    expect(nextOpenMs(desk(), FRIDAY_15)).toBe(FRIDAY_15)
    expect(nextOpenMs(ALWAYS_OPEN, SATURDAY)).toBe(SATURDAY)
  })

  it('is the next opening at closing time, after it and at a weekend', () => {
    expect(nextOpenMs(desk(), FRIDAY_CLOSE)).toBe(MONDAY_OPEN)
    expect(nextOpenMs(desk(), FRIDAY_CLOSE + H)).toBe(MONDAY_OPEN)
    expect(nextOpenMs(desk(), SATURDAY)).toBe(MONDAY_OPEN)
  })

  it('refuses a calendar that never opens instead of looping', () => {
    const closed = calendarSchema.parse({ id: 'closed', title: 'Closed', timeZone: 'UTC' })
    expect(() => nextOpenMs(closed, SATURDAY)).toThrow(/no opening hours/)
  })
})

describe('the local date of an instant', () => {
  it('places an instant late in the UTC day on the next local date east of UTC', () => {
    const calendar = desk()
    // Work out both local dates first, so that both are known for that UTC day.
    const thursday = dayOn(calendar, Temporal.PlainDate.from('2026-03-05'))
    const friday = dayOn(calendar, Temporal.PlainDate.from('2026-03-06'))
    expect(dayAt(calendar, ms('2026-03-05T22:59:59.999Z'))).toBe(thursday)
    expect(dayAt(calendar, ms('2026-03-05T23:00:00.000Z'))).toBe(friday)
    expect(dayAt(calendar, ms('2026-03-05T23:30:00.000Z'))).toBe(friday)
  })

  it('places an instant on a calendar nothing was asked of yet', () => {
    expect(dayAt(desk(), ms('2026-03-05T23:30:00.000Z')).key).toBe('2026-03-06')
  })
})
