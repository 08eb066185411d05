import { describe, expect, it } from 'vitest'
import {
  type Accepted,
  type Actor,
  compile,
  type Decision,
  decide,
  SYSTEM_ACTOR,
  start,
  type TicketInput,
  type TicketState,
} from '../../engine/index.ts'
import { sampleSop } from './fixtures.ts'

const sop = compile(sampleSop())
const agent: Actor = { id: 'u-agent', role: 'agent' }
const supervisor: Actor = { id: 'u-sup', role: 'supervisor' }
const T0 = '2026-03-02T09:00:00.000Z'

function at(minutes: number): string {
  return new Date(Date.parse(T0) + minutes * 60_000).toISOString()
}

function ok(d: Decision): Accepted {
  if (!d.ok) throw new Error(`rejected: ${d.rejection.code}: ${d.rejection.message}`)
  return d
}

function begin(): Accepted {
  return ok(start(sop, { actor: agent, now: T0 }))
}

function act(state: TicketState, input: TicketInput, actor = agent, minutes = 1): Decision {
  return decide(sop, state, input, actor, at(minutes))
}

const intakeDone: TicketInput = {
  kind: 'action',
  action: 'start_investigation',
  fields: { customer_name: 'Nguyễn Văn An' },
  ticks: { intake: ['greet'] },
}

describe('start', () => {
  it('enters the initial step and schedules its SLA timer', () => {
    const d = begin()
    expect(d.state.status).toBe('open')
    expect(d.record).toMatchObject({ seq: 0, kind: 'start', from: [], to: ['intake'], prev: null })
    expect(d.timers.schedule).toEqual([
      {
        id: 'sla:intake:0',
        kind: 'sla',
        stepId: 'intake',
        transitionId: null,
        dueAt: '2026-03-02T10:00:00.000Z',
      },
    ])
    expect(d.state.head).toMatch(/^[0-9a-f]{64}$/)
  })

  it('rejects initial fields of the wrong type', () => {
    const d = start(sop, { actor: agent, now: T0, fields: { amount: 'many' } })
    expect(d.ok).toBe(false)
    if (!d.ok) {
      expect(d.rejection.code).toBe('invalid_field_value')
      expect(d.rejection.fields?.[0].field).toBe('amount')
    }
  })

  it('rejects unknown fields', () => {
    const d = start(sop, { actor: agent, now: T0, fields: { colour: 'red' } })
    expect(!d.ok && d.rejection.code).toBe('unknown_field')
  })
})

describe('decide', () => {
  it('accepts an allowed action and records the transition', () => {
    const first = begin()
    const d = ok(act(first.state, intakeDone))
    expect(d.record).toMatchObject({
      seq: 1,
      kind: 'action',
      action: 'start_investigation',
      actor: agent,
      from: ['intake'],
      to: ['check'],
      transitions: ['t_start'],
      prev: first.state.head,
    })
    expect(d.record.fieldChanges).toEqual([{ field: 'customer_name', from: null, to: 'Nguyễn Văn An' }])
    expect(d.record.entered).toEqual(['investigate', 'check'])
    expect(d.timers.cancel).toEqual(['sla:intake:0'])
    expect(d.state.context.fields.customer_name).toBe('Nguyễn Văn An')
  })

  it('rejects an action the step does not offer, listing the allowed ones', () => {
    const d = act(begin().state, { kind: 'action', action: 'ship' })
    expect(d.ok).toBe(false)
    if (!d.ok) {
      expect(d.rejection.code).toBe('action_not_allowed')
      expect(d.rejection.allowed).toEqual(['start_investigation', 'escalate'])
      expect(d.rejection.message).toContain('ship')
    }
  })

  it('names the missing required fields, then the missing checklist items', () => {
    const s = begin().state
    const noFields = act(s, { kind: 'action', action: 'start_investigation', ticks: { intake: ['greet'] } })
    expect(!noFields.ok && noFields.rejection).toMatchObject({
      code: 'missing_fields',
      missing: ['customer_name'],
    })
    const noTicks = act(s, { kind: 'action', action: 'start_investigation', fields: { customer_name: 'A' } })
    expect(!noTicks.ok && noTicks.rejection).toMatchObject({
      code: 'checklist_incomplete',
      missing: ['greet'],
    })
  })

  it('lets an escalation skip the step requirements', () => {
    const d = ok(act(begin().state, { kind: 'action', action: 'escalate' }))
    expect(d.record.to).toEqual(['manager'])
  })

  it('enforces step roles', () => {
    const s = ok(act(begin().state, { kind: 'action', action: 'escalate' })).state
    const d = act(s, { kind: 'action', action: 'approve', fields: { amount: 100 } }, agent)
    expect(!d.ok && d.rejection).toMatchObject({ code: 'role_not_permitted', roles: ['supervisor'] })
    expect(
      ok(act(s, { kind: 'action', action: 'approve', fields: { amount: 100 } }, supervisor)).state.outcome,
    ).toBe('resolved')
  })

  it('reports a false guard', () => {
    const s = ok(act(begin().state, { kind: 'action', action: 'escalate' })).state
    const d = act(s, { kind: 'action', action: 'approve', fields: { amount: 900 } }, supervisor)
    expect(!d.ok && d.rejection.code).toBe('guard_failed')
    expect(!d.ok && d.rejection.guards).toEqual([
      { transitionId: 't_refund', guard: 'ticket.amount < 500.0' },
    ])
  })

  it('branches decisions on ticket data and runs parallel regions', () => {
    let s = ok(act(begin().state, intakeDone)).state
    const d = ok(act(s, { kind: 'action', action: 'done', fields: { fault: 'company' } }))
    expect(d.record.transitions).toEqual(['t_checked', 't_inv_done', 't_company'])
    expect(d.record.to.sort()).toEqual(['call', 'ship'])
    expect(d.state.context.priority).toBe('high')
    // The group's end step and the decision were left in the same step: only what is current stays active.
    expect(Object.keys(d.state.active).sort()).toEqual(['call', 'fix', 'notify', 'replace', 'ship'])
    s = ok(act(d.state, { kind: 'action', action: 'ship' })).state
    expect(Object.keys(s.active)).toContain('call')
    const end = ok(act(s, { kind: 'action', action: 'call' }))
    expect(end.state.status).toBe('closed')
    expect(end.state.outcome).toBe('resolved')
    expect(end.record.to).toEqual(['resolved'])
  })

  it('takes the default branch when no guard holds', () => {
    const s = ok(act(begin().state, intakeDone)).state
    const d = ok(act(s, { kind: 'action', action: 'done', fields: { fault: 'customer' } }))
    expect(d.record.to).toEqual(['explain'])
  })

  it('refuses everything once the ticket is closed', () => {
    let s = ok(act(begin().state, { kind: 'action', action: 'escalate' })).state
    s = ok(act(s, { kind: 'action', action: 'escalate_further' }, supervisor)).state
    const d = act(s, { kind: 'action', action: 'approve' }, supervisor)
    expect(!d.ok && d.rejection.code).toBe('ticket_closed')
  })

  it('saves fields and ticks without moving on update', () => {
    const s = begin().state
    const d = ok(
      act(s, { kind: 'update', fields: { customer_name: 'Jana Nováková' }, ticks: { intake: ['greet'] } }),
    )
    expect(d.record.to).toEqual(['intake'])
    expect(d.state.checklist.intake).toEqual(['greet'])
    expect(d.timers).toEqual({ schedule: [], cancel: [] })
    expect(ok(act(d.state, { kind: 'action', action: 'start_investigation' })).record.to).toEqual(['check'])
  })

  it('rejects ticks for steps that are not active and bad checklist ids', () => {
    const s = begin().state
    expect(act(s, { kind: 'update', ticks: { ship: ['x'] } }).ok).toBe(false)
    expect(act(s, { kind: 'update', ticks: { intake: ['nope'] } }).ok).toBe(false)
  })
})

describe('timers', () => {
  it('fires an SLA breach that escalates, once', () => {
    const s = begin().state
    const early = decide(sop, s, { kind: 'timer', timerId: 'sla:intake:0' }, SYSTEM_ACTOR, at(30))
    expect(!early.ok && early.rejection.code).toBe('timer_not_due')
    const d = ok(decide(sop, s, { kind: 'timer', timerId: 'sla:intake:0' }, SYSTEM_ACTOR, at(61)))
    expect(d.record.breach).toEqual({ stepId: 'intake', notify: null, escalateTo: 'manager' })
    expect(d.record.to).toEqual(['manager'])
    const again = decide(sop, d.state, { kind: 'timer', timerId: 'sla:intake:0' }, SYSTEM_ACTOR, at(62))
    expect(!again.ok && again.rejection.code).toBe('timer_stale')
  })

  it('takes a delayed transition when its timer is due', () => {
    let s = ok(act(begin().state, intakeDone)).state
    s = ok(act(s, { kind: 'action', action: 'done', fields: { fault: 'customer' } }, agent, 2)).state
    const d0 = ok(act(s, { kind: 'action', action: 'explained' }, agent, 3))
    const timer = d0.timers.schedule.find((t) => t.kind === 'delay')!
    expect(timer).toMatchObject({ transitionId: 't_timeout', dueAt: at(3 + 2 * 24 * 60) })
    const d = ok(decide(sop, d0.state, { kind: 'timer', timerId: timer.id }, SYSTEM_ACTOR, timer.dueAt))
    expect(d.state.outcome).toBe('no_response')
  })

  it('rejects malformed timer ids', () => {
    const d = decide(sop, begin().state, { kind: 'timer', timerId: 'soon' }, SYSTEM_ACTOR, at(1))
    expect(!d.ok && d.rejection.code).toBe('invalid_input')
  })
})

describe('override', () => {
  it('moves the ticket to any step and records the reason', () => {
    const d = ok(
      act(
        begin().state,
        { kind: 'override', target: 'explain', reason: 'Customer already known' },
        supervisor,
      ),
    )
    expect(d.record).toMatchObject({
      kind: 'override',
      target: 'explain',
      reason: 'Customer already known',
      to: ['explain'],
    })
  })

  it('needs a known step and a reason', () => {
    const s = begin().state
    expect(act(s, { kind: 'override', target: 'mars', reason: 'x' }, supervisor)).toMatchObject({
      ok: false,
      rejection: { code: 'unknown_step' },
    })
    expect(act(s, { kind: 'override', target: 'explain', reason: ' ' }, supervisor)).toMatchObject({
      ok: false,
      rejection: { code: 'invalid_input' },
    })
  })
})

describe('purity', () => {
  it('gives the same result for the same input and does not touch the state given', () => {
    const s = begin().state
    const before = JSON.stringify(s)
    const a = act(s, intakeDone)
    const b = act(JSON.parse(before), intakeDone)
    expect(JSON.stringify(s)).toBe(before)
    expect(JSON.stringify(a)).toBe(JSON.stringify(b))
  })

  it('works from a state restored from JSON', () => {
    const s = JSON.parse(JSON.stringify(ok(act(begin().state, intakeDone)).state))
    expect(
      ok(act(s, { kind: 'action', action: 'done', fields: { fault: 'company' } })).record.to.length,
    ).toBe(2)
  })
})
