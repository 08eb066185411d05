import { describe, expect, it } from 'vitest'
import {
  type Calendar,
  calendarSchema,
  compile,
  decide,
  outsideWindow,
  paths,
  replay,
  type SopDocumentInput,
  SopError,
  SYSTEM_ACTOR,
  start,
  uncoveredBusinessTime,
  validate,
} from '../../engine/index.ts'
import { pragueDeskCalendar, repairSop } from '../fixtures/businessTimeSops.ts'

const desk: Calendar = calendarSchema.parse({ id: 'prague_desk', ...pragueDeskCalendar() })

const doc = (): SopDocumentInput => ({
  schema: 'sopflow/v1',
  id: 'callback',
  title: 'Call back',
  department: 'Care',
  purpose: 'Call the customer back within four business hours.',
  calendar: 'prague_desk',
  initial: 'call',
  steps: [
    {
      id: 'call',
      kind: 'task',
      title: 'Call back',
      roles: ['agent'],
      sla: { due: 'PT4H', time: 'business', escalateTo: 'lead', notify: 'supervisor' },
    },
    { id: 'wait', kind: 'wait', title: 'Wait for the papers' },
    { id: 'lead', kind: 'task', title: 'Lead calls', roles: ['supervisor'] },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    { id: 'called', from: 'call', to: 'wait', action: 'called' },
    { id: 'papers_late', from: 'wait', to: 'done', after: 'PT2H', time: 'business' },
    { id: 'lead_done', from: 'lead', to: 'done', action: 'done' },
  ],
})
const agent = { id: 'u1', role: 'agent' }

describe('SOP durations in business time', () => {
  it('a business-time SLA opened Friday 16:00 falls due Monday 11:00 and is not due before', () => {
    const sop = compile(doc(), { calendars: { prague_desk: desk } })
    const started = start(sop, { actor: agent, now: '2026-03-06T15:00:00.000Z' })
    if (!started.ok) throw new Error(started.rejection.message)
    expect(started.timers.schedule).toEqual([
      expect.objectContaining({ id: 'sla:call:0', dueAt: '2026-03-09T10:00:00.000Z' }),
    ])
    const early = decide(
      sop,
      started.state,
      { kind: 'timer', timerId: 'sla:call:0' },
      SYSTEM_ACTOR,
      '2026-03-06T19:00:00.000Z',
    )
    expect(early).toMatchObject({ ok: false, rejection: { code: 'timer_not_due' } })
    const due = decide(
      sop,
      started.state,
      { kind: 'timer', timerId: 'sla:call:0' },
      SYSTEM_ACTOR,
      '2026-03-09T10:00:00.000Z',
    )
    expect(due).toMatchObject({ ok: true, record: { breach: { stepId: 'call', escalateTo: 'lead' } } })
  })

  it('a business-time delay counts open hours: entered 16:30 Friday, taken 09:30 Monday', () => {
    const sop = compile(doc(), { calendars: { prague_desk: desk } })
    const started = start(sop, { actor: agent, now: '2026-03-06T15:00:00.000Z' })
    if (!started.ok) throw new Error('start')
    const called = decide(
      sop,
      started.state,
      { kind: 'action', action: 'called' },
      agent,
      '2026-03-06T15:30:00.000Z',
    )
    if (!called.ok) throw new Error(called.rejection.message)
    expect(called.timers.schedule).toEqual([
      expect.objectContaining({ id: 'delay:papers_late:1', dueAt: '2026-03-09T08:30:00.000Z' }),
    ])
  })

  it('compiling without a calendar the SOP names fails with missing_calendar', () => {
    expect(() => compile(doc())).toThrow(SopError)
    try {
      compile(doc())
    } catch (err) {
      expect(err).toMatchObject({ code: 'missing_calendar', id: 'prague_desk' })
    }
  })

  it('business time without its own or the SOP’s calendar is a warning (the team may have one); compiled without team calendars it is uncovered, with one covered', () => {
    const d = doc()
    delete d.calendar
    const result = validate(d)
    expect(result.valid).toBe(true)
    const found = result.diagnostics.filter((x) => x.code === 'business_time_without_calendar')
    expect(found.map((x) => [x.severity, x.stepId ?? x.transitionId])).toEqual([
      ['warning', 'call'],
      ['warning', 'papers_late'],
    ])
    const bare = compile(d, { calendars: { prague_desk: desk } })
    expect(uncoveredBusinessTime(bare).map((x) => [x.severity, x.stepId ?? x.transitionId])).toEqual([
      ['error', 'call'],
      ['error', 'papers_late'],
    ])
    const teams = Object.fromEntries(d.steps!.map((s) => [s.id, s])) as Record<string, { team?: string }>
    teams.call.team = 'care'
    teams.wait.team = 'care'
    const covered = compile(d, {
      calendars: { prague_desk: desk },
      teamCalendars: { care: 'prague_desk' },
    })
    expect(uncoveredBusinessTime(covered)).toEqual([])
  })

  it('wall-clock SLAs (no "time") add no calendar to the document and count 24-hour days', () => {
    const d = doc()
    delete d.calendar
    d.steps![0].sla = { due: 'PT4H', escalateTo: 'lead' }
    d.transitions![1] = { id: 'papers_late', from: 'wait', to: 'done', after: 'PT2H' }
    const sop = compile(d)
    expect(sop.document).not.toHaveProperty('calendar')
    const started = start(sop, { actor: agent, now: '2026-03-06T15:00:00.000Z' })
    expect(started.ok && started.timers.schedule[0].dueAt).toBe('2026-03-06T19:00:00.000Z')
  })
})

describe('SLA clocks that pause while the ticket waits on the customer', () => {
  const pausing = () => repairSop('pausing')

  it('pausing 3 business hours across a weekend moves the SLA by exactly 3 business hours, under a new timer id', () => {
    const sop = compile(pausing(), { calendars: { prague_desk: desk } })
    const s0 = start(sop, { actor: agent, now: '2026-03-06T14:00:00.000Z' }) // Friday 15:00 Prague
    if (!s0.ok) throw new Error(s0.rejection.message)
    expect(s0.timers.schedule).toEqual([
      expect.objectContaining({ id: 'sla:handle:0', dueAt: '2026-03-09T09:00:00.000Z' }),
    ])
    const s1 = decide(
      sop,
      s0.state,
      { kind: 'action', action: 'ask_customer' },
      agent,
      '2026-03-06T15:00:00.000Z',
    )
    if (!s1.ok) throw new Error(s1.rejection.message)
    expect(s1.timers.cancel).toEqual(['sla:handle:0'])
    expect(s1.timers.schedule.map((t) => t.id)).toEqual(['delay:silent:1'])
    expect(s1.state.pausedSince).toBe('2026-03-06T15:00:00.000Z')
    // The old timer no longer fires while paused.
    const stale = decide(
      sop,
      s1.state,
      { kind: 'timer', timerId: 'sla:handle:0' },
      SYSTEM_ACTOR,
      '2026-03-09T09:00:00.000Z',
    )
    expect(stale).toMatchObject({ ok: false, rejection: { code: 'timer_stale' } })
    // The customer answers Monday 10:00 Prague: 3 business hours paused (Fri 16–17, Mon 08–10).
    const s2 = decide(
      sop,
      s1.state,
      { kind: 'action', action: 'customer_replied' },
      agent,
      '2026-03-09T09:00:00.000Z',
    )
    if (!s2.ok) throw new Error(s2.rejection.message)
    expect(s2.state.pausedSince).toBeUndefined()
    expect(s2.state.active.handle).toMatchObject({ pausedMs: 3 * 3_600_000, resumed: 2 })
    expect(s2.timers.schedule).toEqual([
      expect.objectContaining({ id: 'sla:handle:0@2', dueAt: '2026-03-09T12:00:00.000Z' }),
    ])
    const early = decide(
      sop,
      s2.state,
      { kind: 'timer', timerId: 'sla:handle:0@2' },
      SYSTEM_ACTOR,
      '2026-03-09T11:59:00.000Z',
    )
    expect(early).toMatchObject({ ok: false, rejection: { code: 'timer_not_due' } })
    const fired = decide(
      sop,
      s2.state,
      { kind: 'timer', timerId: 'sla:handle:0@2' },
      SYSTEM_ACTOR,
      '2026-03-09T12:00:00.000Z',
    )
    expect(fired).toMatchObject({ ok: true, record: { breach: { stepId: 'handle' } } })
  })

  it('a wait step without pausesClocks leaves the SLA running', () => {
    const d = pausing()
    d.steps![2] = { ...d.steps![2], pausesClocks: undefined }
    const sop = compile(d, { calendars: { prague_desk: desk } })
    const s0 = start(sop, { actor: agent, now: '2026-03-06T14:00:00.000Z' })
    if (!s0.ok) throw new Error('start')
    const s1 = decide(
      sop,
      s0.state,
      { kind: 'action', action: 'ask_customer' },
      agent,
      '2026-03-06T15:00:00.000Z',
    )
    expect(s1.ok && s1.timers.cancel).toEqual([])
    expect(s1.ok && s1.state.pausedSince).toBeUndefined()
    const fired =
      s1.ok &&
      decide(
        sop,
        s1.state,
        { kind: 'timer', timerId: 'sla:handle:0' },
        SYSTEM_ACTOR,
        '2026-03-09T09:00:00.000Z',
      )
    expect(fired).toMatchObject({ ok: true })
  })
})

describe('contact windows', () => {
  // Not during the customer's working hours (08:00–17:00 on working days), not 11:30–13:30, not on holidays.
  const callWindow: Calendar = calendarSchema.parse({
    id: 'call_window',
    title: 'Call window',
    timeZone: 'Asia/Ho_Chi_Minh',
    week: {
      ...Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [
          d,
          [
            { from: '07:00', to: '08:00' },
            { from: '17:00', to: '21:00' },
          ],
        ]),
      ),
      sat: [
        { from: '08:00', to: '11:30' },
        { from: '13:30', to: '21:00' },
      ],
      sun: [
        { from: '08:00', to: '11:30' },
        { from: '13:30', to: '21:00' },
      ],
    },
    holidays: [{ date: '2026-04-30', name: 'Ngày Giải phóng miền Nam' }],
  })
  const sales = (): SopDocumentInput => ({
    schema: 'sopflow/v1',
    id: 'after_sale',
    title: 'After-sale call',
    department: 'Sales',
    purpose: 'Call the customer after the sale, at a time that suits them.',
    customerTimeZoneField: 'customer_tz',
    fields: [{ name: 'customer_tz', label: 'Customer time zone', type: 'text' }],
    initial: 'call',
    steps: [
      { id: 'call', kind: 'task', title: 'Call the customer', roles: ['agent'] },
      { id: 'later', kind: 'wait', title: 'Follow up in 30 days' },
      { id: 'done', kind: 'end', title: 'Done', outcome: 'sold' },
    ],
    transitions: [
      { id: 'called', from: 'call', to: 'later', action: 'call_customer', window: 'call_window' },
      { id: 'follow_up', from: 'later', to: 'done', after: 'P30D', window: 'call_window' },
    ],
  })
  const sop = compile(sales(), { calendars: { call_window: callWindow } })

  it('refuses a contact during the customer’s working hours, naming the next allowed time', () => {
    const s0 = start(sop, { actor: agent, now: '2026-03-09T03:00:00.000Z' }) // Monday 10:00 in Hanoi
    if (!s0.ok) throw new Error('start')
    const refused = decide(
      sop,
      s0.state,
      { kind: 'action', action: 'call_customer' },
      agent,
      '2026-03-09T03:00:00.000Z',
    )
    expect(refused).toMatchObject({
      ok: false,
      rejection: {
        code: 'outside_contact_window',
        transitionId: 'called',
        nextAllowedAt: '2026-03-09T10:00:00.000Z',
      },
    })
    const weekendLunch = decide(
      sop,
      s0.state,
      { kind: 'action', action: 'call_customer' },
      agent,
      '2026-03-14T05:00:00.000Z',
    )
    expect(weekendLunch).toMatchObject({
      ok: false,
      rejection: { nextAllowedAt: '2026-03-14T06:30:00.000Z' },
    })
    const holiday = decide(
      sop,
      s0.state,
      { kind: 'action', action: 'call_customer' },
      agent,
      '2026-04-30T11:00:00.000Z',
    )
    expect(holiday).toMatchObject({ ok: false, rejection: { nextAllowedAt: '2026-05-01T00:00:00.000Z' } })
    const allowed = decide(
      sop,
      s0.state,
      { kind: 'action', action: 'call_customer' },
      agent,
      '2026-03-09T10:30:00.000Z',
    )
    expect(allowed.ok).toBe(true)
  })

  it('counts the window in the customer’s own time zone when the ticket holds it', () => {
    const s0 = start(sop, {
      actor: agent,
      now: '2026-03-09T03:00:00.000Z',
      fields: { customer_tz: 'Europe/Prague' },
    })
    if (!s0.ok) throw new Error('start')
    // 03:00 UTC is 04:00 in Prague: the window opens at 07:00 Prague (06:00 UTC).
    const refused = decide(
      sop,
      s0.state,
      { kind: 'action', action: 'call_customer' },
      agent,
      '2026-03-09T03:00:00.000Z',
    )
    expect(refused).toMatchObject({ ok: false, rejection: { nextAllowedAt: '2026-03-09T06:00:00.000Z' } })
  })

  it('a delay of P30D is moved to the next contact window', () => {
    const s0 = start(sop, { actor: agent, now: '2026-03-09T10:30:00.000Z' })
    if (!s0.ok) throw new Error('start')
    // Called at 13:00 UTC (20:00 Hanoi); 30 days later is Wednesday 20:00 in Hanoi, inside the window.
    const called = decide(
      sop,
      s0.state,
      { kind: 'action', action: 'call_customer' },
      agent,
      '2026-03-09T13:00:00.000Z',
    )
    if (!called.ok) throw new Error(called.rejection.message)
    expect(called.timers.schedule).toEqual([expect.objectContaining({ dueAt: '2026-04-08T13:00:00.000Z' })])
    // Called Saturday 10:00 in Hanoi: 30 days later is Monday 10:00, working hours → 17:00 that day.
    const saturday = decide(
      sop,
      s0.state,
      { kind: 'action', action: 'call_customer' },
      agent,
      '2026-03-14T03:00:00.000Z',
    )
    if (!saturday.ok) throw new Error(saturday.rejection.message)
    expect(saturday.timers.schedule).toEqual([expect.objectContaining({ dueAt: '2026-04-13T10:00:00.000Z' })])
    const early = decide(
      sop,
      called.state,
      { kind: 'timer', timerId: 'delay:follow_up:1' },
      SYSTEM_ACTOR,
      '2026-04-08T12:59:00.000Z',
    )
    expect(early).toMatchObject({ ok: false, rejection: { code: 'timer_not_due' } })
  })

  it('paths wait for the contact window: each walked contact falls inside it, and every path replays', () => {
    const found = paths(sop)
    expect(found.length).toBeGreaterThan(0)
    for (const p of found) {
      const first = start(sop, { actor: agent, now: p.startAt })
      if (!first.ok) throw new Error(first.rejection.message)
      let state = first.state
      const records = [first.record]
      for (const step of p.inputs) {
        const d = decide(sop, state, step.input, step.actor, step.at)
        if (!d.ok) throw new Error(d.rejection.message)
        if (step.input.kind === 'action' || step.input.kind === 'timer')
          expect(outsideWindow(sop, 'call_window', state.context.fields, step.at)).toBeNull()
        state = d.state
        records.push(d.record)
      }
      expect(state.status).toBe('closed')
      expect(replay(sop, records).ok).toBe(true)
    }
  })
})
