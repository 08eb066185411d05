import { describe, expect, it } from 'vitest'
import {
  type Accepted,
  type Actor,
  compile,
  type Decision,
  decide,
  type SopDocumentInput,
  SopError,
  SYSTEM_ACTOR,
  start,
  type TicketInput,
  type TicketState,
  uncoveredBusinessTime,
} from '../../engine/index.ts'
import { sampleSop } from './fixtures.ts'

const sop = compile(sampleSop())
const supervisor: Actor = { id: 'u-sup', role: 'supervisor', roles: ['agent'] }
const T0 = '2026-03-02T09:00:00.000Z'
const T1 = '2026-03-02T09:01:00.000Z'
const ok = (d: Decision): Accepted => {
  if (!d.ok) throw new Error(`rejected: ${d.rejection.code}: ${d.rejection.message}`)
  return d
}
const rejection = (d: Decision) => {
  if (d.ok) throw new Error('accepted')
  return d.rejection
}
const open = (): TicketState => ok(start(sop, { actor: supervisor, now: T0 })).state
const act = (s: TicketState, input: TicketInput) => decide(sop, s, input, supervisor, T1)
const closed = (): TicketState =>
  ok(
    act(ok(act(open(), { kind: 'action', action: 'escalate' })).state, {
      kind: 'action',
      action: 'escalate_further',
    }),
  ).state

describe('overrides', () => {
  it('refuses a step the SOP does not have, and an override without a reason', () => {
    expect(rejection(act(open(), { kind: 'override', target: 'ghost', reason: 'because' }))).toEqual({
      code: 'unknown_step',
      message: 'There is no step "ghost" in this SOP',
      stepId: 'ghost',
    })
    for (const reason of ['', '   ']) {
      expect(rejection(act(open(), { kind: 'override', target: 'explain', reason }))).toEqual({
        code: 'invalid_input',
        message: 'An override needs a reason',
        stepId: 'explain',
      })
    }
  })

  it('moves the ticket to the step, recording who, why and where', () => {
    const d = ok(act(open(), { kind: 'override', target: 'explain', reason: 'Customer called' }))
    expect(Object.keys(d.state.active)).toEqual(['explain'])
    expect(d.record).toMatchObject({
      kind: 'override',
      actor: supervisor,
      at: T1,
      target: 'explain',
      reason: 'Customer called',
      action: null,
      timerId: null,
    })
  })
})

describe('reopening', () => {
  it('refuses an open ticket, a missing step, an end step and a missing reason', () => {
    expect(rejection(act(open(), { kind: 'reopen', target: 'explain', reason: 'wrote again' }))).toEqual({
      code: 'invalid_input',
      message: 'Only a closed ticket can be reopened',
    })
    expect(rejection(act(closed(), { kind: 'reopen', target: 'ghost', reason: 'wrote again' }))).toEqual({
      code: 'unknown_step',
      message: 'There is no step "ghost" in this SOP',
      stepId: 'ghost',
    })
    expect(rejection(act(closed(), { kind: 'reopen', target: 'resolved', reason: 'wrote again' }))).toEqual({
      code: 'unknown_step',
      message: 'Step "resolved" is an end step: a ticket cannot be reopened there',
      stepId: 'resolved',
    })
    for (const reason of ['', ' ']) {
      expect(rejection(act(closed(), { kind: 'reopen', target: 'explain', reason }))).toEqual({
        code: 'invalid_input',
        message: 'A reopen needs a reason',
        stepId: 'explain',
      })
    }
  })

  it('opens the ticket again at the step, recording why', () => {
    const d = ok(act(closed(), { kind: 'reopen', target: 'explain', reason: 'wrote again' }))
    expect(d.state.status).toBe('open')
    expect(d.state.outcome).toBeNull()
    expect(Object.keys(d.state.active)).toEqual(['explain'])
    expect(d.record).toMatchObject({ kind: 'reopen', target: 'explain', reason: 'wrote again', at: T1 })
  })
})

describe('business time with no calendar', () => {
  const doc = (team?: string): SopDocumentInput => ({
    schema: 'sopflow/v1',
    id: 'bt',
    title: 'Business time',
    department: 'Care',
    purpose: 'Count open hours.',
    initial: 'call',
    policy: { targets: [{ metric: 'first_reply', due: 'PT1H', time: 'business' }] },
    steps: [
      {
        id: 'call',
        kind: 'task',
        title: 'Call',
        roles: ['agent'],
        ...(team ? { team } : {}),
        sla: { due: 'PT4H', time: 'business', notify: 'supervisor' },
      },
      { id: 'wait', kind: 'wait', title: 'Wait', ...(team ? { team } : {}) },
      { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
    ],
    transitions: [
      { id: 'called', from: 'call', to: 'wait', action: 'called', label: 'Called' },
      { id: 'late', from: 'wait', to: 'done', after: 'PT2H', time: 'business' },
      { id: 'wall', from: 'wait', to: 'done', action: 'close', label: 'Close' },
    ],
  })

  it('names each SLA, delay and policy target, with no team', () => {
    expect(uncoveredBusinessTime(compile(doc()))).toStrictEqual([
      {
        code: 'business_time_without_calendar',
        severity: 'error',
        message:
          'Step "call" counts its SLA in business time, but it names no calendar, has no team and the SOP has none',
        stepId: 'call',
        property: 'sla.calendar',
        params: { step: 'call' },
      },
      {
        code: 'business_time_without_calendar',
        severity: 'error',
        message:
          'Transition "late" counts its delay in business time, but it names no calendar, step "wait" has no team and the SOP has none',
        transitionId: 'late',
        property: 'calendar',
        variant: 'delay',
        params: { transition: 'late' },
      },
      {
        code: 'business_time_without_calendar',
        severity: 'error',
        message:
          'The first_reply policy counts business time, but it names no calendar, the first step has no team and the SOP has none',
        property: 'policy',
        params: { step: 'first_reply' },
      },
    ])
  })

  it('names the team whose calendar is missing', () => {
    expect(uncoveredBusinessTime(compile(doc('care'))).map((d) => [d.message, d.params])).toStrictEqual([
      [
        'Step "call" counts its SLA in business time, but neither it, its team "care" nor the SOP has a calendar',
        { step: 'call', team: 'care' },
      ],
      [
        'Transition "late" counts its delay in business time, but neither it, the team "care" of step "wait" nor the SOP has a calendar',
        { transition: 'late', team: 'care' },
      ],
      [
        'The first_reply policy counts business time, but neither it, the team "care" of the first step nor the SOP has a calendar',
        { step: 'first_reply', team: 'care' },
      ],
    ])
  })
})

describe('engine errors and the system actor', () => {
  it('an invalid document throws a SopError with its diagnostics; a missing calendar one with its id and none', () => {
    const broken = { ...sampleSop(), id: 42, initial: 'ghost' }
    const invalid = (() => {
      try {
        compile(broken as unknown as SopDocumentInput)
      } catch (err) {
        return err as SopError
      }
    })()
    expect(invalid).toBeInstanceOf(SopError)
    expect(invalid).toMatchObject({ name: 'SopError', code: 'invalid_document', id: null })
    expect(invalid?.diagnostics.length).toBeGreaterThan(0)
    const d = sampleSop()
    d.calendar = 'nowhere'
    d.steps[0].sla = { due: 'PT1H', escalateTo: 'manager', time: 'business' }
    const missing = (() => {
      try {
        compile(d)
      } catch (err) {
        return err as SopError
      }
    })()
    expect(missing).toMatchObject({
      name: 'SopError',
      code: 'missing_calendar',
      id: 'nowhere',
      diagnostics: [],
    })
  })

  it('an override with no reason at all is refused, and timers are taken by the system actor', () => {
    const input = { kind: 'override', target: 'explain' } as TicketInput
    expect(rejection(act(open(), input))).toMatchObject({ code: 'invalid_input', stepId: 'explain' })
    expect(SYSTEM_ACTOR).toEqual({ id: 'system', role: 'system' })
  })

  it('a wall-clock policy target and an SOP without policy need no calendar', () => {
    const d = sampleSop()
    expect(uncoveredBusinessTime(compile(d))).toEqual([])
    d.policy = { targets: [{ metric: 'resolution', due: 'P1D' }] } as SopDocumentInput['policy']
    expect(uncoveredBusinessTime(compile(d))).toEqual([])
  })
})
