import { describe, expect, it } from 'vitest'
import {
  ALWAYS_OPEN,
  type Calendar,
  calendarOf,
  calendarSchema,
  compile,
  dueAfter,
  dueAfterMs,
  type SopDocumentInput,
} from '../../engine/index.ts'
import { pragueDeskCalendar } from '../fixtures/businessTimeSops.ts'

const desk: Calendar = calendarSchema.parse({ id: 'prague_desk', ...pragueDeskCalendar() })
/** Open only at weekends, 10:00 to 14:00 UTC. */
const weekend: Calendar = calendarSchema.parse({
  id: 'weekend',
  title: 'Weekend',
  timeZone: 'UTC',
  week: { sat: [{ from: '10:00', to: '14:00' }], sun: [{ from: '10:00', to: '14:00' }] },
})

const doc = (): SopDocumentInput => ({
  schema: 'sopflow/v1',
  id: 'due',
  title: 'Due',
  department: 'Care',
  purpose: 'Count durations in the right calendar.',
  calendar: 'prague_desk',
  initial: 'call',
  steps: [
    { id: 'call', kind: 'task', title: 'Call', team: 'field', sla: { due: 'PT2H', time: 'business' } },
    {
      id: 'weekend_work',
      kind: 'task',
      title: 'Weekend',
      sla: { due: 'PT2H', time: 'business', calendar: 'weekend' },
    },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    { id: 'called', from: 'call', to: 'weekend_work', action: 'called' },
    { id: 'worked', from: 'weekend_work', to: 'done', action: 'worked' },
  ],
})

// Friday 6 March 2026, 15:00 UTC (16:00 in Prague, an hour before the desk closes).
const FRIDAY = '2026-03-06T15:00:00.000Z'

describe('the calendar a duration counts in', () => {
  const sop = compile(doc(), { calendars: { prague_desk: desk, weekend } })

  it('counts wall-clock time without a clock, or with a calendar-time clock naming a calendar', () => {
    expect(calendarOf(sop, undefined)).toBe(ALWAYS_OPEN)
    expect(calendarOf(sop, { time: 'calendar', calendar: 'weekend' })).toBe(ALWAYS_OPEN)
    expect(dueAfter(sop, FRIDAY, 'PT2H')).toBe('2026-03-06T17:00:00.000Z')
    expect(dueAfter(sop, FRIDAY, 'PT2H', { time: 'calendar', calendar: 'weekend' })).toBe(
      '2026-03-06T17:00:00.000Z',
    )
  })

  it('counts business time in the calendar the clock names before the SOP’s', () => {
    expect(calendarOf(sop, { time: 'business', calendar: 'weekend' })).toBe(weekend)
    // Saturday 10:00 UTC opens the weekend calendar; two open hours later is 12:00.
    expect(dueAfter(sop, FRIDAY, 'PT2H', { time: 'business', calendar: 'weekend' })).toBe(
      '2026-03-07T12:00:00.000Z',
    )
  })

  it('counts business time in the SOP’s calendar when the clock names none', () => {
    expect(calendarOf(sop, { time: 'business' })).toBe(desk)
    // One open hour on Friday, the second from Monday 08:00 Prague (07:00 UTC).
    expect(dueAfter(sop, FRIDAY, 'PT2H', { time: 'business' })).toBe('2026-03-09T08:00:00.000Z')
  })

  it('counts a step’s business-time clock in its team’s calendar before the SOP’s', () => {
    const teamed = compile(doc(), {
      calendars: { prague_desk: desk, weekend },
      teamCalendars: { field: 'weekend' },
    })
    const sla = teamed.document.steps.find((s) => s.id === 'call')!.sla!
    expect(calendarOf(teamed, sla)).toBe(weekend)
    expect(dueAfter(teamed, FRIDAY, sla.due, sla)).toBe('2026-03-07T12:00:00.000Z')
  })

  it('adds the extra milliseconds to the duration before counting', () => {
    const start = Date.parse(FRIDAY)
    expect(dueAfterMs(sop, start, 'PT1H', undefined, 30 * 60_000)).toBe(start + 90 * 60_000)
    expect(dueAfterMs(sop, start, 'PT1H', { time: 'business' }, 60 * 60_000)).toBe(
      Date.parse('2026-03-09T08:00:00.000Z'),
    )
  })

  it('counts wall-clock time when the SOP names no calendar and the clock none either', () => {
    const plain = compile({
      ...doc(),
      calendar: undefined,
      steps: doc().steps!.slice(0, 1).concat(doc().steps!.slice(2)),
      transitions: [{ id: 'called', from: 'call', to: 'done', action: 'called' }],
    })
    expect(calendarOf(plain, { time: 'business' })).toBe(ALWAYS_OPEN)
  })
})
