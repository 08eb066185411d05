import { describe, expect, it } from 'vitest'
import {
  ALWAYS_OPEN,
  addBusinessMs,
  businessMsBetween,
  type Calendar,
  ClosedCalendarError,
  calendarOf,
  calendarSchema,
  compile,
  dueAfter,
  isOpenAt,
  nextOpenMs,
  type SopDocumentInput,
  windowFor,
} from '../../engine/index.ts'
import { pragueDeskCalendar, repairSop } from '../fixtures/businessTimeSops.ts'

/** The small rules of business time, due times and contact windows, each on its own. */
const H = 3_600_000
const desk: Calendar = calendarSchema.parse({ id: 'prague_desk', ...pragueDeskCalendar() })
const at = (iso: string) => Date.parse(iso)
// 2026-03-06 is a Friday; Prague is on CET (+01:00): the desk is open 07:00–16:00 UTC.
const FRIDAY_OPEN = at('2026-03-06T07:00:00.000Z')
const FRIDAY_CLOSE = at('2026-03-06T16:00:00.000Z')
const MONDAY_OPEN = at('2026-03-09T07:00:00.000Z')
const SATURDAY_NOON = at('2026-03-07T11:00:00.000Z')

describe('business time at its edges', () => {
  it('refuses a negative duration, naming it', () => {
    expect(() => addBusinessMs(desk, FRIDAY_OPEN, -1)).toThrow(
      new RangeError('A business duration cannot be negative'),
    )
  })

  it('adds nothing for a zero duration, even in closed time', () => {
    expect(addBusinessMs(desk, SATURDAY_NOON, 0)).toBe(SATURDAY_NOON)
    expect(addBusinessMs(desk, FRIDAY_CLOSE, 0)).toBe(FRIDAY_CLOSE)
  })

  it('counts wall-clock time on the always-open calendar, which has no opening hours of its own', () => {
    expect(addBusinessMs(ALWAYS_OPEN, SATURDAY_NOON, 5 * H)).toBe(SATURDAY_NOON + 5 * H)
    expect(businessMsBetween(ALWAYS_OPEN, SATURDAY_NOON, SATURDAY_NOON + 5 * H)).toBe(5 * H)
    expect(isOpenAt(ALWAYS_OPEN, SATURDAY_NOON)).toBe(true)
    expect(nextOpenMs(ALWAYS_OPEN, SATURDAY_NOON)).toBe(SATURDAY_NOON)
  })

  it('counts no open time between instants in the wrong order, on any calendar', () => {
    expect(businessMsBetween(ALWAYS_OPEN, SATURDAY_NOON + H, SATURDAY_NOON)).toBe(0)
    expect(businessMsBetween(desk, MONDAY_OPEN + H, FRIDAY_OPEN)).toBe(0)
  })

  it('is open from the first instant of an interval and closed at its end', () => {
    expect(isOpenAt(desk, FRIDAY_OPEN)).toBe(true)
    expect(isOpenAt(desk, FRIDAY_OPEN - 1)).toBe(false)
    expect(isOpenAt(desk, FRIDAY_CLOSE - 1)).toBe(true)
    expect(isOpenAt(desk, FRIDAY_CLOSE)).toBe(false)
  })

  it('opens next on Monday when asked at the very instant the desk closes on Friday', () => {
    expect(nextOpenMs(desk, FRIDAY_CLOSE)).toBe(MONDAY_OPEN)
    expect(nextOpenMs(desk, FRIDAY_CLOSE - 1)).toBe(FRIDAY_CLOSE - 1)
    expect(nextOpenMs(desk, FRIDAY_OPEN)).toBe(FRIDAY_OPEN)
  })
})

describe('a calendar that never opens', () => {
  const closed: Calendar = calendarSchema.parse({ id: 'closed', title: 'Closed', timeZone: 'UTC' })
  it('has no next open time and no due time: both searches stop, naming the calendar', () => {
    expect(() => nextOpenMs(closed, SATURDAY_NOON)).toThrow(new ClosedCalendarError(closed))
    expect(() => addBusinessMs(closed, SATURDAY_NOON, H)).toThrow(new ClosedCalendarError(closed))
    expect(new ClosedCalendarError(closed).message).toBe(
      'Calendar "closed" has no opening hours within 1098 days',
    )
  })
})

describe('due times', () => {
  const sop = compile(repairSop(), { calendars: { prague_desk: desk } })

  it('count wall-clock time unless the duration says business time, whatever calendar the SOP names', () => {
    const friday4pm = '2026-03-06T15:00:00.000Z'
    expect(dueAfter(sop, friday4pm, 'PT4H')).toBe('2026-03-06T19:00:00.000Z')
    expect(dueAfter(sop, friday4pm, 'PT4H', { time: 'calendar' })).toBe('2026-03-06T19:00:00.000Z')
    expect(dueAfter(sop, friday4pm, 'PT4H', { time: 'business' })).toBe('2026-03-09T10:00:00.000Z')
    expect(calendarOf(sop, undefined)).toBe(ALWAYS_OPEN)
    expect(calendarOf(sop, { time: 'calendar', calendar: 'prague_desk' })).toBe(ALWAYS_OPEN)
    expect(calendarOf(sop, { time: 'business' })).toBe(sop.calendars.get('prague_desk'))
  })
})

describe('contact windows in the customer’s time zone', () => {
  const window: Calendar = calendarSchema.parse({ id: 'call_window', ...pragueDeskCalendar() })
  const repair = repairSop()
  const doc: SopDocumentInput = {
    ...repair,
    // Asking the customer contacts them: only within the window.
    transitions: repair.transitions?.map((t) => (t.id === 'ask' ? { ...t, window: 'call_window' } : t)),
    customerTimeZoneField: 'customer_tz',
    fields: [{ name: 'customer_tz', label: 'Customer time zone', type: 'text' }],
  }
  const sop = compile(doc, { calendars: { prague_desk: desk, call_window: window } })
  const pinned = sop.calendars.get('call_window') as Calendar

  it('keep the window itself when the ticket holds no zone, the window’s own zone, or no real zone', () => {
    expect(windowFor(sop, 'call_window', {})).toBe(pinned)
    expect(windowFor(sop, 'call_window', { customer_tz: 7 })).toBe(pinned)
    expect(windowFor(sop, 'call_window', { customer_tz: 'Europe/Prague' })).toBe(pinned)
    expect(windowFor(sop, 'call_window', { customer_tz: 'Mars/Olympus_Mons' })).toBe(pinned)
  })

  it('move the window to the customer’s zone, one window per zone however often asked', () => {
    const hanoi = windowFor(sop, 'call_window', { customer_tz: 'Asia/Ho_Chi_Minh' })
    expect(hanoi).toEqual({ ...pinned, timeZone: 'Asia/Ho_Chi_Minh' })
    expect(windowFor(sop, 'call_window', { customer_tz: 'Asia/Ho_Chi_Minh' })).toBe(hanoi)
    const tokyo = windowFor(sop, 'call_window', { customer_tz: 'Asia/Tokyo' })
    expect(tokyo.timeZone).toBe('Asia/Tokyo')
    expect(windowFor(sop, 'call_window', { customer_tz: 'Asia/Tokyo' })).toBe(tokyo)
    expect(windowFor(sop, 'call_window', { customer_tz: 'Asia/Ho_Chi_Minh' })).toBe(hanoi)
  })
})
