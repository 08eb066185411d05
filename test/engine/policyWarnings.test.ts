import { describe, expect, it } from 'vitest'
import {
  type Calendar,
  type CompiledSop,
  calendarSchema,
  compile,
  type Decision,
  decide,
  replay,
  type SopDocumentInput,
  SYSTEM_ACTOR,
  start,
  type TicketState,
  type TransitionRecord,
  validate,
} from '../../engine/index.ts'

const desk: Calendar = calendarSchema.parse({
  id: 'desk',
  title: 'Desk',
  timeZone: 'Europe/Prague',
  week: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ from: '08:00', to: '17:00' }]]),
  ),
})

/** Phone tickets must be answered in 1 business hour, others in 4; resolution warns at 75 % and raises priority. */
const desk24 = (): SopDocumentInput => ({
  schema: 'sopflow/v1',
  id: 'warned',
  title: 'Warned desk',
  department: 'Care',
  purpose: 'Warn before a breach, raise priority on it.',
  calendar: 'desk',
  policy: {
    targets: [
      { metric: 'first_reply', channels: ['phone'], due: 'PT1H', time: 'business' },
      { metric: 'first_reply', due: 'PT4H', time: 'business', warnAt: 0.75, warnNotify: 'supervisor' },
      { metric: 'resolution', due: 'PT8H', time: 'business', warnAt: 0.5, raisePriority: 'urgent' },
    ],
  },
  fields: [{ name: 'channel', label: 'Channel', type: 'text', bind: 'ticket.channel' }],
  initial: 'work',
  steps: [
    { id: 'work', kind: 'task', title: 'Work the ticket', roles: ['agent'] },
    { id: 'wait', kind: 'wait', title: 'Wait for the customer', waitKind: 'customer', pausesClocks: true },
    { id: 'done', kind: 'end', title: 'Resolved', outcome: 'resolved' },
    { id: 'gone', kind: 'end', title: 'No answer', outcome: 'no_response' },
  ],
  transitions: [
    { id: 'answer', from: 'work', to: 'wait', action: 'answer', reply: true },
    { id: 'back', from: 'wait', to: 'work', action: 'customer_wrote', customerMessage: true },
    { id: 'resolve', from: 'work', to: 'done', action: 'resolve', reply: true },
    { id: 'silent', from: 'wait', to: 'gone', after: 'P7D' },
  ],
})

const agent = { id: 'u1', role: 'agent' }
const ok = (d: Decision) => {
  if (!d.ok) throw new Error(d.rejection.message)
  return d
}
const fire = (sop: CompiledSop, s: TicketState, timerId: string, now: string) =>
  decide(sop, s, { kind: 'timer', timerId }, SYSTEM_ACTOR, now)
const FRIDAY_16 = '2026-03-06T15:00:00.000Z' // Friday 16:00 in Prague

describe('policy warnings, raised priority and per-channel targets', () => {
  const sop = compile(desk24(), { calendars: { desk } })

  it('a target with warnAt schedules its warning at that share of the business time, before the breach', () => {
    const s0 = ok(start(sop, { actor: agent, now: FRIDAY_16, fields: { channel: 'email' } }))
    // 75 % of 4 business hours is 3: Friday 16–17, Monday 08–10; the breach is Monday 11:00.
    expect(s0.timers.schedule).toEqual([
      expect.objectContaining({ id: 'warn:first_reply:0', dueAt: '2026-03-09T09:00:00.000Z' }),
      expect.objectContaining({ id: 'policy:first_reply:0', dueAt: '2026-03-09T10:00:00.000Z' }),
      expect.objectContaining({ id: 'warn:resolution:0', dueAt: '2026-03-09T10:00:00.000Z' }),
      expect.objectContaining({ id: 'policy:resolution:0', dueAt: '2026-03-09T14:00:00.000Z' }),
    ])
    const early = fire(sop, s0.state, 'warn:first_reply:0', '2026-03-09T08:59:00.000Z')
    expect(early).toMatchObject({ ok: false, rejection: { code: 'timer_not_due' } })
    const warned = ok(fire(sop, s0.state, 'warn:first_reply:0', '2026-03-09T09:00:00.000Z'))
    expect(warned.record.warning).toEqual({
      at: 0.75,
      dueAt: '2026-03-09T10:00:00.000Z',
      notify: 'supervisor',
      policy: 'first_reply',
      stepId: 'work',
    })
    expect(warned.record.breach).toBeNull()
    expect(warned.record.to).toEqual(['work'])
    expect(warned.state.policy?.first_reply?.warned).toBe(true)
    // Recorded once: the same warning again is stale; the breach still fires.
    const again = fire(sop, warned.state, 'warn:first_reply:0', '2026-03-09T09:30:00.000Z')
    expect(again).toMatchObject({ ok: false, rejection: { code: 'timer_stale' } })
    const breach = ok(fire(sop, warned.state, 'policy:first_reply:0', '2026-03-09T10:00:00.000Z'))
    expect(breach.record.breach).toMatchObject({ policy: 'first_reply' })
  })

  it('a reply before the warning cancels it with the breach timer', () => {
    const s0 = ok(start(sop, { actor: agent, now: FRIDAY_16, fields: { channel: 'email' } }))
    const s1 = ok(
      decide(sop, s0.state, { kind: 'action', action: 'answer' }, agent, '2026-03-06T15:10:00.000Z'),
    )
    expect(s1.timers.cancel.sort()).toEqual([
      'policy:first_reply:0',
      'policy:resolution:0',
      'warn:first_reply:0',
      'warn:resolution:0',
    ])
    // Paused Friday 16:10 to Monday 09:00 Prague: 110 min of open time; resolution resumes with its warning.
    const s2 = ok(
      decide(sop, s1.state, { kind: 'action', action: 'customer_wrote' }, agent, '2026-03-09T08:00:00.000Z'),
    )
    expect(s2.timers.schedule).toEqual([
      expect.objectContaining({ id: 'warn:resolution:0@2', dueAt: '2026-03-09T11:50:00.000Z' }),
      expect.objectContaining({ id: 'policy:resolution:0@2', dueAt: '2026-03-09T15:50:00.000Z' }),
    ])
    const stale = fire(sop, s2.state, 'warn:resolution:0', '2026-03-09T11:50:00.000Z')
    expect(stale).toMatchObject({ ok: false, rejection: { code: 'timer_stale' } })
  })

  it('a breach raises the priority to the one its target names, never lowering it', () => {
    const normal = ok(start(sop, { actor: agent, now: FRIDAY_16, fields: { channel: 'email' } }))
    const raised = ok(fire(sop, normal.state, 'policy:resolution:0', '2026-03-09T14:00:00.000Z'))
    expect(raised.state.context.priority).toBe('urgent')
    const low = ok(
      start(sop, { actor: agent, now: FRIDAY_16, priority: 'low', fields: { channel: 'email' } }),
    )
    expect(
      ok(fire(sop, low.state, 'policy:resolution:0', '2026-03-09T14:00:00.000Z')).state.context.priority,
    ).toBe('urgent')
    const strict = compile(
      {
        ...desk24(),
        policy: { targets: [{ metric: 'resolution', due: 'PT8H', time: 'business', raisePriority: 'high' }] },
      },
      { calendars: { desk } },
    )
    const urgent = ok(start(strict, { actor: agent, now: FRIDAY_16, priority: 'urgent' }))
    expect(
      ok(fire(strict, urgent.state, 'policy:resolution:0', '2026-03-09T14:00:00.000Z')).state.context
        .priority,
    ).toBe('urgent')
  })

  it('a target naming channels applies only to tickets from them', () => {
    const phone = ok(start(sop, { actor: agent, now: FRIDAY_16, fields: { channel: 'phone' } }))
    expect(phone.timers.schedule[0]).toMatchObject({
      id: 'policy:first_reply:0',
      dueAt: '2026-03-06T16:00:00.000Z',
    })
    expect(phone.state.policy?.first_reply?.target).toBe(0)
    const unknown = ok(start(sop, { actor: agent, now: FRIDAY_16 }))
    expect(unknown.state.policy?.first_reply?.target).toBe(1)
  })

  it('replay of a ticket that warned, breached and started urgent gives the same records', () => {
    const records: TransitionRecord[] = []
    const s0 = ok(
      start(sop, { actor: agent, now: FRIDAY_16, priority: 'high', fields: { channel: 'email' } }),
    )
    records.push(s0.record)
    expect(s0.record.priority).toBe('high')
    const s1 = ok(fire(sop, s0.state, 'warn:first_reply:0', '2026-03-09T09:00:00.000Z'))
    records.push(s1.record)
    const s2 = ok(fire(sop, s1.state, 'policy:resolution:0', '2026-03-09T14:00:00.000Z'))
    records.push(s2.record)
    const result = replay(sop, records)
    expect(result.ok).toBe(true)
    const tampered = records.map((r, i) =>
      i === 1 && r.warning ? { ...r, warning: { ...r.warning, at: 0.5 } } : r,
    )
    expect(replay(sop, tampered)).toMatchObject({ ok: false, index: 1 })
  })
})

describe('validating per-channel targets', () => {
  it('a target naming channels needs a ticket field bound to the channel', () => {
    const doc = { ...desk24(), fields: [] }
    expect(() => compile(doc, { calendars: { desk } })).toThrow(/no ticket field is bound to the channel/)
    expect(validate(doc).diagnostics).toContainEqual(
      expect.objectContaining({ code: 'policy_channel_without_field', params: { step: 'first_reply' } }),
    )
  })
  it("a step's SLA timer never counts as the policy timer of a metric of the same name", () => {
    // The step is called first_reply: its SLA timer is sla:first_reply:0, the policy's is policy:first_reply:0.
    const named = compile(
      {
        ...desk24(),
        policy: { targets: [{ metric: 'first_reply', due: 'PT4H', time: 'business', warnAt: 0.5 }] },
        initial: 'first_reply',
        steps: [
          {
            id: 'first_reply',
            kind: 'task',
            title: 'Answer',
            roles: ['agent'],
            sla: { due: 'PT1H', time: 'business' },
          },
          { id: 'done', kind: 'end', title: 'Resolved', outcome: 'resolved' },
        ],
        transitions: [{ id: 'resolve', from: 'first_reply', to: 'done', action: 'resolve', reply: true }],
      },
      { calendars: { desk } },
    )
    const s0 = ok(
      start(named, { actor: agent, now: '2026-03-09T08:00:00.000Z', fields: { channel: 'email' } }),
    )
    expect(s0.timers.schedule.map((t) => t.id).sort()).toEqual([
      'policy:first_reply:0',
      'sla:first_reply:0',
      'warn:first_reply:0',
    ])
    const sla = ok(fire(named, s0.state, 'sla:first_reply:0', '2026-03-09T09:00:00.000Z'))
    expect(sla.record.breach).toMatchObject({ stepId: 'first_reply' })
    expect(sla.state.policy).toEqual(s0.state.policy)
    const warned = ok(fire(named, sla.state, 'warn:first_reply:0', '2026-03-09T10:00:00.000Z'))
    expect(warned.state.policy?.first_reply).toEqual({ ...s0.state.policy?.first_reply, warned: true })
    const breach = ok(fire(named, warned.state, 'policy:first_reply:0', '2026-03-09T12:00:00.000Z'))
    expect(breach.record.breach).toMatchObject({ policy: 'first_reply' })
    expect(breach.state.policy?.first_reply).toBeUndefined()
  })
})
