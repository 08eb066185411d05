import { describe, expect, it } from 'vitest'
import { ALWAYS_OPEN, calendarSchema, compile } from '../../engine/index.ts'
import { calendarOfMetric, calendarOfStep } from '../../server/services/metricsPolicy.ts'
import { log, row } from './auditRows.ts'

/** Which calendar a step's time and a ticket's first-reply and resolution times count in. */
const desk = (id: string, title: string) =>
  calendarSchema.parse({
    id,
    title,
    timeZone: 'Europe/Prague',
    week: { mon: [{ from: '08:00', to: '17:00' }] },
  })
const calendars = {
  sop_cal: desk('sop_cal', 'SOP'),
  team_cal: desk('team_cal', 'Team'),
  sla_cal: desk('sla_cal', 'SLA'),
  goal_cal: desk('goal_cal', 'Goal'),
}
const document = (calendar: string | undefined, targets: unknown[]) => ({
  schema: 'sopflow/v1',
  id: 'cal',
  title: 'Calendars',
  department: 'Care',
  purpose: 'Rules of the calendars of the figures.',
  ...(calendar ? { calendar } : {}),
  policy: { targets },
  initial: 'teamed',
  steps: [
    { id: 'teamed', kind: 'task', title: 'Teamed', roles: ['agent'], team: 'north' },
    // In business time of the SOP's calendar when it has one (which pins that calendar).
    {
      id: 'untimed',
      kind: 'task',
      title: 'Untimed',
      roles: ['agent'],
      team: 'south',
      ...(calendar ? { sla: { due: 'PT1H', time: 'business' } } : {}),
    },
    {
      id: 'timed',
      kind: 'task',
      title: 'Timed',
      roles: ['agent'],
      team: 'north',
      sla: { due: 'PT1H', time: 'business', calendar: 'sla_cal' },
    },
    { id: 'walled', kind: 'task', title: 'Walled', roles: ['agent'], team: 'north', sla: { due: 'PT1H' } },
    { id: 'done', kind: 'end', title: 'Resolved', outcome: 'resolved' },
  ],
  transitions: [
    { id: 'a', from: 'teamed', to: 'untimed', action: 'a' },
    { id: 'b', from: 'untimed', to: 'timed', action: 'b' },
    { id: 'c', from: 'timed', to: 'walled', action: 'c' },
    { id: 'd', from: 'walled', to: 'done', action: 'd' },
  ],
})
const targets = [
  { metric: 'first_reply', due: 'PT4H', time: 'business', calendar: 'goal_cal', priorities: ['normal'] },
  { metric: 'first_reply', due: 'PT1H', priorities: ['high'] },
  { metric: 'resolution', due: 'P1D' },
]
const sop = compile(document('sop_cal', targets), { calendars, teamCalendars: { north: 'team_cal' } })
const bare = compile(document(undefined, targets), { calendars, teamCalendars: {} })
const title = (c: unknown) => (c === ALWAYS_OPEN ? 'always open' : (c as { title: string }).title)

const started = (priority?: 'high') =>
  log(
    row('note', 0, 'u1', undefined),
    row('created', 0, 'u1', { kind: 'start', entered: ['teamed'], ...(priority ? { priority } : {}) }),
  )

describe('the calendars of the figures', () => {
  it('counts a step’s time in its business SLA’s calendar, else its team’s, else the SOP’s, else wall-clock time', () => {
    expect(
      ['teamed', 'untimed', 'timed', 'walled', 'nowhere'].map((s) => title(calendarOfStep(sop, s))),
    ).toEqual(['Team', 'SOP', 'SLA', 'Team', 'SOP'])
    expect(['teamed', 'untimed'].map((s) => title(calendarOfStep(bare, s)))).toEqual([
      'always open',
      'always open',
    ])
  })

  it('counts first reply in the calendar of the business target the ticket started under, else the first step’s', () => {
    // The first row holding a record decides: a normal ticket meets the business target, a high one the wall-clock one.
    expect(title(calendarOfMetric(sop, 'first_reply', started()))).toBe('Goal')
    expect(title(calendarOfMetric(sop, 'first_reply', started('high')))).toBe('Team')
    expect(title(calendarOfMetric(sop, 'resolution', started()))).toBe('Team')
    // A log that does not start with the ticket's start: the first step's calendar.
    expect(title(calendarOfMetric(sop, 'first_reply', log(row('transition', 0, 'u1', {}))))).toBe('Team')
    expect(title(calendarOfMetric(sop, 'first_reply', []))).toBe('Team')
    // An SOP without policy targets: the first step's calendar.
    const unpolicied = compile(
      { ...document('sop_cal', targets), policy: undefined },
      {
        calendars,
        teamCalendars: { north: 'team_cal' },
      },
    )
    expect(title(calendarOfMetric(unpolicied, 'first_reply', started()))).toBe('Team')
  })
})
