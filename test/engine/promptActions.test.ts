import { describe, expect, it } from 'vitest'
import {
  type Accepted,
  type Actor,
  compile,
  type Decision,
  decide,
  guardFields,
  prompt,
  start,
  type TicketState,
} from '../../engine/index.ts'
import { sampleSop } from './fixtures.ts'

const agent = { id: 'u1', role: 'agent' }
const boss = { id: 'u2', role: 'supervisor' }
const T0 = '2026-03-02T09:00:00.000Z'

function ok(d: Decision): Accepted {
  if (!d.ok) throw new Error(d.rejection.message)
  return d
}

/** The sample with a manager step offering every tone of action and two guarded alternatives of one. */
function richSop() {
  const doc = sampleSop()
  doc.fields[0] = { ...doc.fields[0], bind: 'customer.name' }
  const manager = doc.steps.find((s) => s.id === 'manager')!
  Object.assign(manager, {
    sla: { due: 'PT30M', notify: 'supervisor' },
    checklist: [{ id: 'terms', text: 'Read the warranty terms', required: false }],
  })
  doc.glossary!.push({ term: 'Warranty', definition: 'What the maker promises to repair or replace' })
  const checked = doc.transitions.find((t) => t.id === 't_checked')!
  checked.guard = 'ticket.fault == "company" || ticket.fault == "customer"'
  doc.steps.push(
    { id: 'dropped', kind: 'end', title: 'Dropped', outcome: 'cancelled' },
    { id: 'gone', kind: 'end', title: 'Gone', outcome: 'lost' },
  )
  doc.transitions.push(
    {
      id: 't_refund_big',
      from: 'manager',
      to: 'escalated',
      action: 'approve',
      label: 'Approve',
      guard: 'ticket["amount"] >= 500.0',
    },
    { id: 't_cancel', from: 'manager', to: 'dropped', action: 'cancel' },
    { id: 't_lose', from: 'manager', to: 'gone', action: 'lose', label: 'Lost' },
    { id: 't_give_up', from: 'manager', to: 'silent', action: 'give_up', label: 'Give up' },
    { id: 't_done_mgr', from: 'manager', to: 'resolved', action: 'close', label: 'Close' },
    { id: 't_hold', from: 'manager', to: 'reply', action: 'hold', label: 'Hold', primary: true },
  )
  return compile(doc)
}

const sop = richSop()

function atManager(): TicketState {
  const s = ok(start(sop, { actor: agent, now: T0 })).state
  return ok(decide(sop, s, { kind: 'action', action: 'escalate' }, agent, T0)).state
}

function act(s: TicketState, action: string, actor: Actor, extra: object = {}): TicketState {
  return ok(decide(sop, s, { kind: 'action', action, ...extra }, actor, T0)).state
}

describe('prompt: actions, tones and fields', () => {
  it('offers an action once with all its alternatives, labelled by the action when it has no label', () => {
    const p = prompt(sop, atManager(), boss, T0)
    const approve = p.actions.filter((a) => a.action === 'approve')
    expect(approve).toHaveLength(1)
    expect(approve[0].transitionIds).toEqual(['t_refund', 't_refund_big'])
    expect(approve[0].guardFields).toEqual(['amount'])
    expect(approve[0].stepId).toBe('manager')
    expect(p.actions.find((a) => a.action === 'cancel')?.label).toBe('cancel')
    expect(p.actions.find((a) => a.action === 'hold')?.guardFields).toEqual([])
  })

  it('marks the owner’s primary action, actions to unresolved ends as danger, and the rest secondary', () => {
    const tones = Object.fromEntries(
      prompt(sop, atManager(), boss, T0).actions.map((a) => [a.action, a.tone]),
    )
    expect(tones).toEqual({
      approve: 'secondary',
      escalate_further: 'danger',
      cancel: 'danger',
      lose: 'danger',
      give_up: 'danger',
      close: 'secondary',
      hold: 'primary',
    })
    const first = prompt(sop, ok(start(sop, { actor: agent, now: T0 })).state, agent, T0)
    expect(Object.fromEntries(first.actions.map((a) => [a.action, a.tone]))).toEqual({
      start_investigation: 'primary',
      escalate: 'danger',
    })
  })

  it('offers nothing available without an actor, and says no reason', () => {
    const p = prompt(sop, atManager(), null, T0)
    expect(p.actions.length).toBeGreaterThan(0)
    expect(p.actions.every((a) => a.available === false && a.blocked === null)).toBe(true)
    const withActor = prompt(sop, atManager(), boss, T0).actions
    expect(withActor.find((a) => a.action === 'close')?.available).toBe(true)
    expect(withActor.find((a) => a.action === 'approve')).toMatchObject({
      available: false,
      blocked: { code: 'guard_failed' },
    })
  })

  it('lists required fields first, then the fields guards read, with the actions that read them', () => {
    const p = prompt(sop, atManager(), boss, T0)
    expect(p.fields).toEqual([
      {
        name: 'amount',
        label: 'Refund amount',
        type: 'number',
        filled: false,
        required: false,
        readBy: ['approve'],
      },
    ])
    const first = prompt(sop, ok(start(sop, { actor: agent, now: T0 })).state, agent, T0)
    expect(first.fields).toEqual([
      {
        name: 'customer_name',
        label: 'Customer name',
        type: 'text',
        bind: 'customer.name',
        filled: false,
        required: true,
        readBy: [],
      },
    ])
    expect(first.steps[0].requiredFields).toEqual([
      { name: 'customer_name', label: 'Customer name', type: 'text', bind: 'customer.name', filled: false },
    ])
    const filled = ok(
      decide(
        sop,
        ok(start(sop, { actor: agent, now: T0 })).state,
        { kind: 'update', fields: { customer_name: 'Lan' }, ticks: { intake: ['greet'] } },
        agent,
        T0,
      ),
    ).state
    const after = prompt(sop, filled, agent, T0)
    expect(after.fields[0].filled).toBe(true)
    expect(after.steps[0].requiredFields[0].filled).toBe(true)
    expect(after.steps[0].checklist[0].done).toBe(true)
  })

  it('shows a choice field with its options where a step requires it', () => {
    let s = ok(start(sop, { actor: agent, now: T0 })).state
    s = act(s, 'start_investigation', agent, { fields: { customer_name: 'A' }, ticks: { intake: ['greet'] } })
    const p = prompt(sop, s, agent, T0)
    expect(p.steps.map((x) => x.stepId)).toEqual(['check'])
    expect(p.fields).toEqual([
      {
        name: 'fault',
        label: 'Who is at fault',
        type: 'choice',
        options: [
          { value: 'company', label: 'Company' },
          { value: 'customer', label: 'Customer' },
        ],
        filled: false,
        required: true,
        readBy: ['done'],
      },
    ])
    expect(p.steps[0].requiredFields[0].options).toHaveLength(2)
    expect(p.steps[0].glossary).toEqual([])
    expect(p.steps[0].sla).toBeNull()
  })

  it('lists the pending delay of a waiting step and nothing pending elsewhere', () => {
    let s = ok(start(sop, { actor: agent, now: T0 })).state
    expect(prompt(sop, s, agent, T0).pending).toEqual([])
    s = act(s, 'start_investigation', agent, { fields: { customer_name: 'A' }, ticks: { intake: ['greet'] } })
    s = act(s, 'done', agent, { fields: { fault: 'customer' } })
    s = act(s, 'explained', agent)
    expect(prompt(sop, s, agent, T0).pending).toEqual([
      {
        transitionId: 't_timeout',
        stepId: 'reply',
        label: 'No reply in 2 days',
        dueAt: '2026-03-04T09:00:00.000Z',
      },
    ])
  })

  it('shows a finished parallel branch at its end, offering actions only in the open branch', () => {
    let s = ok(start(sop, { actor: agent, now: T0 })).state
    s = act(s, 'start_investigation', agent, { fields: { customer_name: 'A' }, ticks: { intake: ['greet'] } })
    s = act(s, 'done', agent, { fields: { fault: 'company' } })
    s = act(s, 'ship', agent)
    const p = prompt(sop, s, agent, T0)
    expect(p.steps.map((x) => x.stepId)).toEqual(['shipped', 'call'])
    expect(p.actions.map((a) => a.action)).toEqual(['call'])
  })

  it('offers no action, delay or field once the ticket is closed', () => {
    const s = act(atManager(), 'cancel', boss)
    const p = prompt(sop, s, boss, T0)
    expect(p.status).not.toBe('open')
    expect(p.actions).toEqual([])
    expect(p.pending).toEqual([])
    expect(p.fields).toEqual([])
  })

  it('shows the glossary terms a step’s title, instructions or checklist mention, in any case', () => {
    expect(prompt(sop, atManager(), boss, T0).steps[0].glossary.map((g) => g.term)).toEqual(['Warranty'])
  })

  it('breaches an SLA at its deadline exactly, and shows notify and a missing escalation as null', () => {
    const s = atManager()
    const sla = (now: string) => prompt(sop, s, boss, now).steps[0].sla
    expect(sla('2026-03-02T09:29:59.999Z')?.breached).toBe(false)
    expect(sla('2026-03-02T09:30:00.000Z')).toMatchObject({
      due: 'PT30M',
      breached: true,
      escalateTo: null,
      notify: 'supervisor',
    })
    expect(
      prompt(sop, ok(start(sop, { actor: agent, now: T0 })).state, agent, T0).steps[0].sla?.notify,
    ).toBeNull()
  })
})

describe('guardFields', () => {
  it('finds declared fields read with a dot or brackets, with or without spaces, once each', () => {
    expect(guardFields(sop, 'ticket.customer_name == "x"')).toEqual(['customer_name'])
    expect(guardFields(sop, 'ticket . customer_name == "x"')).toEqual(['customer_name'])
    expect(guardFields(sop, 'ticket. amount > 1.0')).toEqual(['amount'])
    expect(guardFields(sop, 'ticket["customer_name"] == "x"')).toEqual(['customer_name'])
    expect(guardFields(sop, "ticket[ 'amount' ] > 1.0")).toEqual(['amount'])
    expect(
      guardFields(sop, 'ticket.amount > 1.0 && ticket.amount < 9.0 && ticket.fault == "company"'),
    ).toEqual(['amount', 'fault'])
  })

  it('ignores undeclared names and an absent guard', () => {
    expect(guardFields(sop, 'ticket.nope == 1')).toEqual([])
    expect(guardFields(sop, 'myticket.amount == 1.0')).toEqual([])
    expect(guardFields(sop, undefined)).toEqual([])
    expect(guardFields(sop, '')).toEqual([])
  })
})
