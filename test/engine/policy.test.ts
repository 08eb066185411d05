import { describe, expect, it } from 'vitest'
import {
  type Calendar,
  type CompiledSop,
  calendarSchema,
  compile,
  type Decision,
  decide,
  SYSTEM_ACTOR,
  start,
  type TicketState,
} from '../../engine/index.ts'
import { helpDeskSop, pragueDeskCalendar } from '../fixtures/businessTimeSops.ts'

const desk: Calendar = calendarSchema.parse({ id: 'desk', ...pragueDeskCalendar() })

const helpDesk = () => helpDeskSop('desk')

const agent = { id: 'u1', role: 'agent' }
const ok = (d: Decision) => {
  if (!d.ok) throw new Error(d.rejection.message)
  return d
}
const act = (sop: CompiledSop, s: TicketState, action: string, now: string) =>
  ok(decide(sop, s, { kind: 'action', action }, agent, now))

describe('ticket-level SLA policy', () => {
  const sop = compile(helpDesk(), { calendars: { desk } })

  it('starts first-reply and resolution clocks per priority; a reply stops first reply', () => {
    // Friday 16:00 Prague, normal priority: first reply due Monday 11:00, resolution Tuesday 14:00.
    const s0 = ok(start(sop, { actor: agent, now: '2026-03-06T15:00:00.000Z' }))
    expect(s0.timers.schedule).toEqual([
      expect.objectContaining({
        id: 'policy:first_reply:0',
        kind: 'policy',
        dueAt: '2026-03-09T10:00:00.000Z',
      }),
      expect.objectContaining({ id: 'policy:resolution:0', dueAt: '2026-03-10T13:00:00.000Z' }),
    ])
    const urgent = ok(start(sop, { actor: agent, now: '2026-03-06T15:00:00.000Z', priority: 'urgent' }))
    expect(urgent.timers.schedule[0]).toMatchObject({
      id: 'policy:first_reply:0',
      dueAt: '2026-03-06T16:00:00.000Z',
    })
    // The answer stops first reply and pauses resolution while the ticket waits on the customer.
    const s1 = act(sop, s0.state, 'answer', '2026-03-06T15:30:00.000Z')
    expect(s1.timers.cancel.sort()).toEqual(['policy:first_reply:0', 'policy:resolution:0'])
    expect(Object.keys(s1.state.policy ?? {})).toEqual(['resolution'])
    const stale = decide(
      sop,
      s1.state,
      { kind: 'timer', timerId: 'policy:first_reply:0' },
      SYSTEM_ACTOR,
      '2026-03-09T10:00:00.000Z',
    )
    expect(stale).toMatchObject({ ok: false, rejection: { code: 'timer_stale' } })
  })

  it('a customer message starts next reply; resolution resumes later by the paused business time', () => {
    const s0 = ok(start(sop, { actor: agent, now: '2026-03-06T15:00:00.000Z' }))
    const s1 = act(sop, s0.state, 'answer', '2026-03-06T15:30:00.000Z') // paused Fri 16:30
    // The customer writes Monday 09:00 Prague: paused 0.5 h Friday + 1 h Monday.
    const s2 = act(sop, s1.state, 'customer_wrote', '2026-03-09T08:00:00.000Z')
    expect(s2.timers.schedule).toEqual([
      expect.objectContaining({ id: 'policy:resolution:0@2', dueAt: '2026-03-10T14:30:00.000Z' }),
      expect.objectContaining({ id: 'policy:next_reply:2', dueAt: '2026-03-09T10:00:00.000Z' }),
    ])
    const breach = ok(
      decide(
        sop,
        s2.state,
        { kind: 'timer', timerId: 'policy:next_reply:2' },
        SYSTEM_ACTOR,
        '2026-03-09T10:00:00.000Z',
      ),
    )
    expect(breach.record.breach).toEqual({
      escalateTo: null,
      notify: 'supervisor',
      policy: 'next_reply',
      stepId: 'work',
    })
    expect(breach.state.policy?.next_reply).toBeUndefined()
    const again = decide(
      sop,
      breach.state,
      { kind: 'timer', timerId: 'policy:next_reply:2' },
      SYSTEM_ACTOR,
      '2026-03-09T10:00:00.000Z',
    )
    expect(again).toMatchObject({ ok: false, rejection: { code: 'timer_stale' } })
    // Resolving stops resolution.
    const done = act(sop, breach.state, 'resolve', '2026-03-09T11:00:00.000Z')
    expect(done.timers.cancel).toContain('policy:resolution:0@2')
    expect(done.state.policy).toBeUndefined()
  })

  it('a resolution breach escalates to the step its target names', () => {
    const s0 = ok(start(sop, { actor: agent, now: '2026-03-06T15:00:00.000Z' }))
    const fired = ok(
      decide(
        sop,
        s0.state,
        { kind: 'timer', timerId: 'policy:resolution:0' },
        SYSTEM_ACTOR,
        '2026-03-10T15:00:00.000Z',
      ),
    )
    expect(fired.record.breach).toMatchObject({ policy: 'resolution', escalateTo: 'lead' })
    expect(fired.record.to).toEqual(['lead'])
  })
})
