import { describe, expect, it } from 'vitest'
import { diagnosticText } from '../../editor/src/designer/diagnosticText.ts'
import {
  addTarget,
  channelsNamed,
  moveUp,
  type PolicyTarget,
  percentOf,
  policyOf,
  readPercent,
  targetFor,
  updateTarget,
} from '../../editor/src/designer/time/policy.ts'
import {
  delayCalendarIssue,
  slaCalendarIssue,
  targetIssues,
} from '../../editor/src/designer/time/timeIssues.ts'
import { forbiddenByDay, groupDays } from '../../editor/src/designer/time/windowText.ts'
import type { Doc } from '../../editor/src/designer/useDesigner.ts'
import i18n from '../../editor/src/i18n.ts'
import { calendarSchema, validate } from '../../engine/index.ts'
import { sampleSop } from '../engine/fixtures.ts'

const t = i18n.getFixedT('en', 'designer')

describe('policy targets as the designer edits them', () => {
  it('adds a target after its metric’s last one, and a per-channel one before the general target it would be shadowed by', () => {
    let targets: PolicyTarget[] = addTarget([], 'first_reply')
    targets = addTarget(targets, 'resolution')
    targets = updateTarget(targets, 0, { time: 'business', calendar: 'desk' })
    targets = addTarget(targets, 'first_reply')
    expect(targets.map((x) => x.metric)).toEqual(['first_reply', 'first_reply', 'resolution'])
    // A new target of a metric counts time as the one before it.
    expect(targets[1]).toEqual({ metric: 'first_reply', due: 'PT4H', time: 'business', calendar: 'desk' })
    targets = addTarget(targets, 'resolution', ['phone'])
    expect(targets.map((x) => [x.metric, x.channels ?? null])).toEqual([
      ['first_reply', null],
      ['first_reply', null],
      ['resolution', ['phone']],
      ['resolution', null],
    ])
  })

  it('drops a key set to nothing (or an empty list), and the policy itself when no target is left', () => {
    const [one] = updateTarget(
      [{ metric: 'next_reply', due: 'PT2H', priorities: ['high'], notify: 'lead' }],
      0,
      {
        priorities: [],
        notify: undefined,
        warnAt: 0.5,
      },
    )
    expect(one).toEqual({ metric: 'next_reply', due: 'PT2H', warnAt: 0.5 })
    expect(policyOf([])).toBeUndefined()
    expect(policyOf([one])).toEqual({ targets: [one] })
  })

  it('tells which target counts per priority: the first of its metric without channels that applies', () => {
    const targets: PolicyTarget[] = [
      { metric: 'first_reply', due: 'PT30M', channels: ['chat'] },
      { metric: 'first_reply', due: 'PT1H', priorities: ['urgent', 'high'] },
      { metric: 'first_reply', due: 'PT4H' },
      { metric: 'resolution', due: 'PT16H', priorities: ['urgent'] },
    ]
    expect(
      ['urgent', 'high', 'normal', 'low'].map((p) => targetFor(targets, 'first_reply', p as 'low')),
    ).toEqual([1, 1, 2, 2])
    expect(targetFor(targets, 'resolution', 'low')).toBe(-1)
    // On chat the chat target counts for every priority; on another channel it never does.
    expect(channelsNamed(targets, 'first_reply')).toEqual(['chat'])
    expect(channelsNamed(targets, 'resolution')).toEqual([])
    expect(targetFor(targets, 'first_reply', 'low', 'chat')).toBe(0)
    expect(targetFor(targets, 'first_reply', 'low', 'email')).toBe(2)
    expect(targetFor(targets, 'next_reply', 'urgent')).toBe(-1)
    // Moving the general target up makes it win over the one for urgent and high.
    const moved = moveUp(targets, 2)
    expect(targetFor(moved, 'first_reply', 'urgent')).toBe(1)
    expect(moved[1].due).toBe('PT4H')
    // The first target of a metric has none above it to move past.
    expect(moveUp(targets, 3)).toBe(targets)
  })

  it('reads a warning share as a percentage between 1 and 99 and refuses anything else', () => {
    expect(readPercent('75')).toEqual({ ok: true, share: 0.75 })
    expect(readPercent('12,5 %')).toEqual({ ok: true, share: 0.125 })
    expect(readPercent('')).toEqual({ ok: true, share: undefined })
    for (const bad of ['0', '100', '150', '-5', 'soon'])
      expect(readPercent(bad)).toEqual({ ok: false, reason: 'range' })
    expect(percentOf(0.75)).toBe('75')
    expect(percentOf(undefined)).toBe('')
  })
})

describe('a contact window as the times it forbids', () => {
  it('shows a bank’s window (07–08 and 17–21 on working days, 08–11:30 and 13:30–21 at weekends) as its forbidden hours', () => {
    const work = [
      { from: '07:00', to: '08:00' },
      { from: '17:00', to: '21:00' },
    ]
    const weekend = [
      { from: '13:30', to: '21:00' },
      { from: '08:00', to: '11:30' },
    ]
    const window = calendarSchema.parse({
      id: 'evenings',
      title: 'Evenings',
      timeZone: 'Europe/Prague',
      week: { mon: work, tue: work, wed: work, thu: work, fri: work, sat: weekend, sun: weekend },
      holidayRegions: ['CZ'],
    })
    expect(groupDays(forbiddenByDay(window))).toEqual([
      {
        days: ['mon', 'tue', 'wed', 'thu', 'fri'],
        spans: [
          ['00:00', '07:00'],
          ['08:00', '17:00'],
          ['21:00', '24:00'],
        ],
      },
      {
        days: ['sat', 'sun'],
        spans: [
          ['00:00', '08:00'],
          ['11:30', '13:30'],
          ['21:00', '24:00'],
        ],
      },
    ])
  })

  it('forbids a whole day the window does not open, and nothing for a 24/7 window', () => {
    const window = calendarSchema.parse({
      id: 'w',
      title: 'W',
      timeZone: 'UTC',
      week: { mon: [{ from: '00:00', to: '24:00' }] },
    })
    const byDay = forbiddenByDay(window)
    expect(byDay.mon).toEqual([])
    expect(byDay.tue).toEqual([['00:00', '24:00']])
    const always = forbiddenByDay(
      calendarSchema.parse({ id: 'a', title: 'A', timeZone: 'UTC', always: true }),
    )
    expect(Object.values(always).every((x) => x.length === 0)).toBe(true)
  })
})

describe('problems of time fields, at the field', () => {
  it('names a policy target’s missing calendar by its metric, and a step’s by its title', () => {
    const doc = sampleSop() as unknown as Doc
    doc.policy = {
      targets: [{ metric: 'first_reply', due: 'PT1H', time: 'business', escalateTo: 'nowhere' }],
    }
    doc.steps[0].sla = { due: 'PT1H', time: 'business', escalateTo: 'manager' }
    const problems = validate(doc).diagnostics
    const target = (doc.policy as { targets: PolicyTarget[] }).targets[0]
    const issues = targetIssues(t, problems, doc, target, 0)
    expect(issues.calendar).toBe(
      'The First reply target counts business time and names no calendar, nor does the SOP: it counts in the calendar of the first step’s team; if that team has none, choose a calendar here or set the SOP’s default calendar',
    )
    expect(issues.escalateTo).toBe(
      'The First reply target escalates to “nowhere”, a step that does not exist',
    )
    const sla = slaCalendarIssue(t, problems, doc, 'intake')
    expect(sla).toContain('Take the complaint')
    expect(sla).not.toContain('intake')
    // With a default calendar on the SOP, neither has a problem any more.
    doc.calendar = 'desk'
    const fixed = validate(doc).diagnostics
    expect(targetIssues(t, fixed, doc, target, 0).calendar).toBeUndefined()
    expect(slaCalendarIssue(t, fixed, doc, 'intake')).toBeNull()
  })

  it('puts a value of the wrong shape at its target, and only there', () => {
    const doc = sampleSop() as unknown as Doc
    const targets: PolicyTarget[] = [
      { metric: 'first_reply', due: 'PT1H' },
      { metric: 'resolution', due: 'PT8H', warnAt: 1.5 },
    ]
    doc.policy = { targets }
    const problems = validate(doc).diagnostics
    expect(targetIssues(t, problems, doc, targets[0], 0)).toEqual({})
    expect(targetIssues(t, problems, doc, targets[1], 1)).toEqual({
      warnAt: 'The Resolution target holds a value that is not accepted: 1.5',
    })
  })

  it('words a policy problem in the problems list by its metric, in the reader’s language', () => {
    const doc = sampleSop() as unknown as Doc
    doc.policy = { targets: [{ metric: 'next_reply', due: 'PT2H', time: 'business' }] }
    const p = validate(doc).diagnostics.find((x) => x.code === 'business_time_without_calendar')!
    expect(diagnosticText(t, p, doc)).toBe(
      'The Next reply target counts business time and names no calendar, nor does the SOP: it counts in the calendar of the first step’s team; if that team has none, choose a calendar here or set the SOP’s default calendar',
    )
    expect(diagnosticText(i18n.getFixedT('vi', 'designer'), p, doc)).toContain('Mục tiêu Phản hồi tiếp theo')
    expect(diagnosticText(i18n.getFixedT('cs', 'designer'), p, doc)).toContain('Cíl Další odpověď')
  })

  it('names a delay’s missing calendar by the transition’s label, at that transition only', () => {
    const doc = sampleSop() as unknown as Doc
    const timeout = doc.transitions.find((x) => x.id === 't_timeout')!
    timeout.time = 'business'
    const problems = validate(doc).diagnostics
    expect(delayCalendarIssue(t, problems, doc, 't_timeout')).toBe(
      'Transition "No reply in 2 days" counts its delay in business time and names no calendar, nor does the SOP: it counts in the calendar of the team of the step it leaves, and publishing is refused if that team has none',
    )
    expect(delayCalendarIssue(t, problems, doc, 't_reply')).toBeNull()
    timeout.calendar = 'desk'
    expect(delayCalendarIssue(t, validate(doc).diagnostics, doc, 't_timeout')).toBeNull()
  })
})
