import { describe, expect, it } from 'vitest'
import {
  type Calendar,
  calendarSchema,
  compile,
  type PolicyChange,
  pausesClocks,
  policyTargetIndex,
  type Step,
  slaDueMs,
  slaHeld,
  type TicketState,
  type Transition,
  updateClocks,
  updatePolicy,
} from '../../engine/index.ts'
import { helpDeskSop, pragueDeskCalendar, repairSop } from '../fixtures/businessTimeSops.ts'

/** The rules of paused SLA clocks and of the ticket-level policy clocks, each on its own. */
const desk: Calendar = calendarSchema.parse({ id: 'prague_desk', ...pragueDeskCalendar() })
const calendars = { prague_desk: desk }
// Friday 2026-03-06, 15:00 in Prague (CET) is 14:00 UTC; the desk is open 08:00–17:00 on weekdays.
const FRIDAY_3PM = '2026-03-06T14:00:00.000Z'
const FRIDAY_4PM = '2026-03-06T15:00:00.000Z'
const MONDAY_10AM = '2026-03-09T09:00:00.000Z'

describe('SLA clocks that pause', () => {
  const sop = compile(repairSop(), { calendars })
  const step = (id: string) => sop.steps.get(id) as Step

  it('are paused only by a wait step marked pausesClocks, not by another kind of step marked so, nor by no step', () => {
    expect(pausesClocks(step('await_customer'))).toBe(true)
    expect(pausesClocks({ ...step('diagnose'), pausesClocks: true } as unknown as Step)).toBe(false)
    expect(pausesClocks({ ...step('await_customer'), pausesClocks: undefined } as Step)).toBe(false)
    expect(pausesClocks(undefined)).toBe(false)
  })

  it('hold only the SLA of a step that has one and does not itself pause, and only while paused', () => {
    expect(slaHeld(sop, 'handle', true)).toBe(true)
    expect(slaHeld(sop, 'handle', false)).toBe(false)
    expect(slaHeld(sop, 'diagnose', true)).toBe(false)
    expect(slaHeld(sop, 'no_such_step', true)).toBe(false)
  })

  it('fall due later by the open time paused so far, except for the SLA of the pausing step itself', () => {
    const entry = { enteredAt: FRIDAY_3PM, seq: 0 }
    expect(new Date(slaDueMs(sop, step('handle'), entry)).toISOString()).toBe('2026-03-09T09:00:00.000Z')
    // Paused Friday 16:00–17:00 and Monday 08:00–10:00 in Prague: 3 open hours.
    expect(new Date(slaDueMs(sop, step('handle'), entry, FRIDAY_4PM, MONDAY_10AM)).toISOString()).toBe(
      '2026-03-09T12:00:00.000Z',
    )
    const own = { ...step('await_customer'), sla: { due: 'PT4H', time: 'business' } } as Step
    expect(new Date(slaDueMs(sop, own, entry, FRIDAY_4PM, MONDAY_10AM)).toISOString()).toBe(
      '2026-03-09T09:00:00.000Z',
    )
  })

  it('leave alone, on pausing and on resuming, the SLA of a step entered by the same record and steps without an SLA', () => {
    // A record that enters the SLA's group and the pausing wait at once: the new SLA's timer is not running yet.
    const entering: TicketState['active'] = {
      handle: { enteredAt: FRIDAY_4PM, seq: 1 },
      await_customer: { enteredAt: FRIDAY_4PM, seq: 1 },
    }
    expect(
      updateClocks(sop, { pausedSince: undefined } as unknown as TicketState, entering, 1, FRIDAY_4PM, false),
    ).toEqual({
      pausedSince: FRIDAY_4PM,
      schedule: [],
      cancel: [],
    })
    // A step without an SLA, entered earlier, has no timer to cancel or to schedule again.
    const withoutSla: TicketState['active'] = {
      handle: { enteredAt: FRIDAY_3PM, seq: 0 },
      diagnose: { enteredAt: FRIDAY_3PM, seq: 0 },
      await_customer: { enteredAt: FRIDAY_4PM, seq: 1 },
    }
    expect(
      updateClocks(
        sop,
        { pausedSince: undefined } as unknown as TicketState,
        withoutSla,
        1,
        FRIDAY_4PM,
        false,
      ).cancel,
    ).toEqual(['sla:handle:0'])
    const resuming: TicketState['active'] = {
      handle: { enteredAt: FRIDAY_3PM, seq: 0 },
      diagnose: { enteredAt: FRIDAY_3PM, seq: 0 },
    }
    const paused = { pausedSince: FRIDAY_4PM } as unknown as TicketState
    expect(updateClocks(sop, paused, resuming, 2, MONDAY_10AM, false).schedule.map((t) => t.id)).toEqual([
      'sla:handle:0@2',
    ])
    // The SLA of a step the resuming record enters counts from now, without a resumption.
    const reentered: TicketState['active'] = { handle: { enteredAt: MONDAY_10AM, seq: 2 } }
    expect(updateClocks(sop, paused, reentered, 2, MONDAY_10AM, false).schedule).toEqual([])
    expect(reentered.handle).toEqual({ enteredAt: MONDAY_10AM, seq: 2 })
  })

  it('on pausing cancel exactly the held SLA timers of steps entered earlier, and on resuming schedule exactly those again', () => {
    const before = { pausedSince: undefined } as unknown as TicketState
    const active: TicketState['active'] = {
      handle: { enteredAt: FRIDAY_3PM, seq: 0 },
      await_customer: { enteredAt: FRIDAY_4PM, seq: 1 },
    }
    expect(updateClocks(sop, before, active, 1, FRIDAY_4PM, false)).toEqual({
      pausedSince: FRIDAY_4PM,
      schedule: [],
      cancel: ['sla:handle:0'],
    })
    const resumed: TicketState['active'] = {
      handle: { enteredAt: FRIDAY_3PM, seq: 0 },
      diagnose: { enteredAt: MONDAY_10AM, seq: 2 },
    }
    const pausedBefore = { pausedSince: FRIDAY_4PM } as unknown as TicketState
    expect(updateClocks(sop, pausedBefore, resumed, 2, MONDAY_10AM, false)).toEqual({
      pausedSince: undefined,
      schedule: [
        {
          id: 'sla:handle:0@2',
          kind: 'sla',
          stepId: 'handle',
          transitionId: null,
          dueAt: '2026-03-09T12:00:00.000Z',
        },
      ],
      cancel: [],
    })
    expect(resumed.handle).toEqual({ enteredAt: FRIDAY_3PM, seq: 0, pausedMs: 3 * 3_600_000, resumed: 2 })
    // A ticket that closes while paused schedules nothing again.
    const closing: TicketState['active'] = { handle: { enteredAt: FRIDAY_3PM, seq: 0 } }
    expect(updateClocks(sop, pausedBefore, closing, 2, MONDAY_10AM, true).schedule).toEqual([])
  })
})

describe('policy clocks', () => {
  const sop = compile(helpDeskSop(), { calendars })
  const noPolicy = compile(repairSop(), { calendars })
  const reply = { id: 'answer', reply: true } as Transition
  const plain = { id: 'note' } as Transition
  const customer = { id: 'customer_wrote', customerMessage: true } as Transition
  const change = (c: Partial<PolicyChange>): PolicyChange => ({
    kind: 'action',
    now: FRIDAY_4PM,
    seq: 3,
    taken: [],
    firedTimer: null,
    closed: false,
    priority: 'normal',
    fields: {},
    pausedBefore: undefined,
    pausedAfter: false,
    ...c,
  })
  const clock = (seq: number, target: number) => ({ enteredAt: FRIDAY_3PM, seq, target })

  it('count against the first target for the priority, and none where the SOP has no policy', () => {
    expect(policyTargetIndex(sop, 'first_reply', 'urgent')).toBe(0)
    expect(policyTargetIndex(sop, 'first_reply', 'normal')).toBe(1)
    expect(policyTargetIndex(sop, 'resolution', 'low')).toBe(3)
    expect(policyTargetIndex(noPolicy, 'first_reply', 'normal')).toBe(-1)
  })

  it('start first reply and resolution with the ticket, not when it starts closed, and with no timer while paused', () => {
    const started = updatePolicy(sop, undefined, change({ kind: 'start', seq: 0, now: FRIDAY_3PM }))
    expect(started.policy).toEqual({ first_reply: clock(0, 1), resolution: clock(0, 3) })
    expect(started.schedule.map((t) => `${t.id} ${t.dueAt}`)).toEqual([
      'policy:first_reply:0 2026-03-09T09:00:00.000Z',
      'policy:resolution:0 2026-03-10T12:00:00.000Z',
    ])
    expect(
      updatePolicy(sop, undefined, change({ kind: 'start', seq: 0, closed: true })).policy,
    ).toBeUndefined()
    const paused = updatePolicy(
      sop,
      undefined,
      change({ kind: 'start', seq: 0, now: FRIDAY_3PM, pausedAfter: true }),
    )
    expect(paused.policy).toEqual({ first_reply: clock(0, 1), resolution: clock(0, 3) })
    expect(paused.schedule).toEqual([])
  })

  it('stop the reply clocks at any reply among the transitions taken, and at nothing else', () => {
    const running = { first_reply: clock(0, 1), next_reply: clock(2, 2), resolution: clock(0, 3) }
    expect(updatePolicy(sop, running, change({ taken: [plain] }))).toEqual({
      policy: running,
      schedule: [],
      cancel: [],
    })
    const replied = updatePolicy(sop, running, change({ taken: [plain, reply] }))
    expect(replied.policy).toEqual({ resolution: clock(0, 3) })
    expect(replied.cancel).toEqual(['policy:first_reply:0', 'policy:next_reply:2'])
  })

  it('start next reply at a customer message, once, and only after the first reply', () => {
    const afterFirst = { resolution: clock(0, 3) }
    const wrote = updatePolicy(sop, afterFirst, change({ taken: [customer] }))
    expect(wrote.policy).toEqual({
      resolution: clock(0, 3),
      next_reply: { enteredAt: FRIDAY_4PM, seq: 3, target: 2 },
    })
    expect(wrote.schedule.map((t) => t.id)).toEqual(['policy:next_reply:3'])
    const again = updatePolicy(sop, wrote.policy, change({ seq: 4, taken: [customer] }))
    expect(again).toEqual({ policy: wrote.policy, schedule: [], cancel: [] })
    const beforeFirst = { first_reply: clock(0, 1), resolution: clock(0, 3) }
    expect(updatePolicy(sop, beforeFirst, change({ taken: [customer] })).policy).toEqual(beforeFirst)
  })

  it('a metric the policy has no target for never starts', () => {
    const onlyResolution = compile(
      {
        ...helpDeskSop(),
        policy: { targets: [{ metric: 'resolution', due: 'PT16H', time: 'business', escalateTo: 'lead' }] },
      },
      { calendars },
    )
    const started = updatePolicy(
      onlyResolution,
      undefined,
      change({ kind: 'start', seq: 0, now: FRIDAY_3PM }),
    )
    expect(Object.keys(started.policy ?? {})).toEqual(['resolution'])
  })
})
