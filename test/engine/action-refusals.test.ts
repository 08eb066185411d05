import { describe, expect, it } from 'vitest'
import {
  check,
  compile,
  type Decision,
  decide,
  type SopDocumentInput,
  start,
  type TicketState,
} from '../../engine/index.ts'
import { transitionMemoStats } from '../../engine/transitionMemo.ts'

const agent = { id: 'u-agent', role: 'agent' }
const supervisor = { id: 'u-sup', role: 'supervisor' }
const T0 = '2026-03-02T09:00:00.000Z'
const T1 = '2026-03-02T09:05:00.000Z'

/** A call with required fields and checklist, a supervisor's approval under two limits, and a wait. */
type Doc = SopDocumentInput & Required<Pick<SopDocumentInput, 'steps' | 'transitions'>>

const doc = (): Doc => ({
  schema: 'sopflow/v1',
  id: 'refusals',
  title: 'Refusals',
  department: 'Care',
  purpose: 'Each reason an action is refused.',
  fields: [
    { name: 'name', label: 'Customer name', type: 'text' },
    { name: 'phone', label: 'Phone', type: 'text' },
    { name: 'amount', label: 'Amount', type: 'number' },
  ],
  initial: 'call',
  steps: [
    {
      id: 'call',
      kind: 'task',
      title: 'Take the call',
      roles: ['agent'],
      requiredFields: ['name', 'phone'],
      checklist: [
        { id: 'greet', text: 'Greet the customer', required: true },
        { id: 'verify', text: 'Verify identity', required: true },
        { id: 'offer', text: 'Offer extras', required: false },
      ],
    },
    { id: 'approve', kind: 'task', title: 'Approve', roles: ['supervisor', 'manager'] },
    { id: 'hold', kind: 'wait', title: 'Hold' },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
    { id: 'gone', kind: 'end', title: 'Gone', outcome: 'no_response' },
  ],
  transitions: [
    { id: 'next', from: 'call', to: 'approve', action: 'next', label: 'Next' },
    { id: 'park', from: 'call', to: 'hold', action: 'park', label: 'Park', skipRequirements: true },
    {
      id: 'small',
      from: 'approve',
      to: 'done',
      action: 'approve',
      label: 'Approve',
      guard: 'ticket.amount < 100.0',
    },
    {
      id: 'medium',
      from: 'approve',
      to: 'done',
      action: 'approve',
      label: 'Approve',
      guard: 'ticket.amount < 500.0',
    },
    { id: 'quiet', from: 'hold', to: 'gone', after: 'P1D' },
  ],
})
const sop = compile(doc())

function ok(d: Decision): TicketState {
  if (!d.ok) throw new Error(`rejected: ${d.rejection.code}: ${d.rejection.message}`)
  return d.state
}
const opened = () => ok(start(sop, { actor: agent, now: T0 }))
const filled = { name: 'Lan', phone: '+84 912 345 678' }
const ticks = { call: ['greet', 'verify'] }
const atApproval = (amount: number) =>
  ok(
    decide(
      sop,
      opened(),
      { kind: 'action', action: 'next', fields: { ...filled, amount }, ticks },
      agent,
      T1,
    ),
  )

describe('why an action is refused, in the words the agent reads', () => {
  it('names the actions of the current step, or none', () => {
    expect(decide(sop, opened(), { kind: 'action', action: 'fly' }, agent, T1)).toMatchObject({
      ok: false,
      rejection: {
        code: 'action_not_allowed',
        message: '"fly" is not an action of the current step; allowed: next, park',
        allowed: ['next', 'park'],
        stepId: 'call',
      },
    })
    const held = ok(decide(sop, opened(), { kind: 'action', action: 'park' }, agent, T1))
    expect(decide(sop, held, { kind: 'action', action: 'next' }, agent, T1)).toMatchObject({
      ok: false,
      rejection: { message: '"next" is not an action of the current step; allowed: none', allowed: [] },
    })
  })

  it('names the roles an action needs', () => {
    expect(decide(sop, atApproval(50), { kind: 'action', action: 'approve' }, agent, T1)).toMatchObject({
      ok: false,
      rejection: {
        code: 'role_not_permitted',
        message: 'Role "agent" may not take "approve"; it needs: supervisor, manager',
        roles: ['supervisor', 'manager'],
      },
    })
  })

  it('names every guard that is false, joined by a slash', () => {
    expect(decide(sop, atApproval(900), { kind: 'action', action: 'approve' }, supervisor, T1)).toMatchObject(
      {
        ok: false,
        rejection: {
          code: 'guard_failed',
          message: `"approve" is not possible with the ticket's data: ticket.amount < 100.0 / ticket.amount < 500.0 is false`,
          guards: [
            { transitionId: 'small', guard: 'ticket.amount < 100.0' },
            { transitionId: 'medium', guard: 'ticket.amount < 500.0' },
          ],
        },
      },
    )
    expect(
      ok(decide(sop, atApproval(300), { kind: 'action', action: 'approve' }, supervisor, T1)).outcome,
    ).toBe('resolved')
  })

  it('names the missing fields by their labels, and the missing checklist items by their text', () => {
    expect(decide(sop, opened(), { kind: 'action', action: 'next', ticks }, agent, T1)).toMatchObject({
      ok: false,
      rejection: {
        code: 'missing_fields',
        message: 'Fill in before leaving "Take the call": Customer name, Phone',
        missing: ['name', 'phone'],
      },
    })
    expect(
      decide(sop, opened(), { kind: 'action', action: 'next', fields: filled }, agent, T1),
    ).toMatchObject({
      ok: false,
      rejection: {
        code: 'checklist_incomplete',
        message: 'Complete the checklist of "Take the call": Greet the customer; Verify identity',
        missing: ['greet', 'verify'],
      },
    })
    // A transition that skips the requirements leaves with neither.
    expect(ok(decide(sop, opened(), { kind: 'action', action: 'park' }, agent, T1)).value).toBe('hold')
  })

  it('checks the fields and the ticks before anything else', () => {
    expect(
      decide(sop, opened(), { kind: 'action', action: 'fly', fields: { colour: 'red' } }, agent, T1),
    ).toMatchObject({ ok: false, rejection: { code: 'unknown_field' } })
    expect(
      decide(
        sop,
        opened(),
        { kind: 'action', action: 'next', fields: filled, ticks: { call: ['dance'] } },
        agent,
        T1,
      ),
    ).toMatchObject({
      ok: false,
      rejection: {
        code: 'invalid_input',
        message: 'Step "call" has no checklist item dance',
        missing: ['dance'],
      },
    })
    expect(
      check(sop, opened(), { kind: 'action', action: 'next', fields: filled, ticks }, agent, T1),
    ).toBeNull()
  })

  it('answers an action again from the memo when only the roles it needs differ from another branch', () => {
    // Two branches of `approve`: the agent may take only the second, whose guard holds.
    const split = doc()
    split.steps[1].roles = []
    split.transitions[2] = { ...split.transitions[2], roles: ['supervisor'], guard: 'ticket.amount < 1000.0' }
    split.transitions[3] = { ...split.transitions[3], roles: ['agent'], guard: 'ticket.amount < 1000.0' }
    const s = compile(split)
    const at = ok(
      decide(
        s,
        ok(start(s, { actor: agent, now: T0 })),
        { kind: 'action', action: 'next', fields: { ...filled, amount: 5 }, ticks },
        agent,
        T1,
      ),
    )
    const first = decide(s, at, { kind: 'action', action: 'approve' }, agent, T1)
    const before = transitionMemoStats(s)
    const second = decide(s, at, { kind: 'action', action: 'approve' }, agent, T1)
    expect(second).toEqual(first)
    expect(ok(second).context).toEqual(ok(first).context)
    expect(first.ok && first.record.transitions).toEqual(['medium'])
    expect(transitionMemoStats(s)).toEqual({ ...before, hits: before.hits + 1 })
  })
})
