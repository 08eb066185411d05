import { describe, expect, it } from 'vitest'
import { compile } from '../../engine/index.ts'
import { walkTicket } from '../../server/services/metrics.ts'
import { at, log, row } from './auditRows.ts'

/** The per-ticket rules behind FRT, FCR, breaches and time per step, on hand-written logs. */
const sop = compile({
  schema: 'sopflow/v1',
  id: 'walk',
  title: 'Walk',
  department: 'Care',
  purpose: 'Rules of the per-ticket walk.',
  initial: 'work',
  steps: [
    { id: 'work', kind: 'task', title: 'Work', roles: ['agent'] },
    { id: 'vendor', kind: 'wait', title: 'Wait for the vendor', waitKind: 'third_party' },
    { id: 'customer', kind: 'wait', title: 'Wait for the customer', waitKind: 'customer' },
    { id: 'hold', kind: 'wait', title: 'Hold (no kind stated)' },
    { id: 'done', kind: 'end', title: 'Resolved', outcome: 'resolved' },
    { id: 'gone', kind: 'end', title: 'No answer', outcome: 'no_response' },
  ],
  transitions: [
    { id: 'ask_vendor', from: 'work', to: 'vendor', action: 'ask_vendor' },
    { id: 'vendor_back', from: 'vendor', to: 'work', action: 'vendor_back' },
    { id: 'ask_customer', from: 'work', to: 'customer', action: 'ask_customer' },
    { id: 'customer_back', from: 'customer', to: 'work', action: 'customer_back' },
    { id: 'resolve', from: 'work', to: 'done', action: 'resolve' },
    { id: 'hold', from: 'work', to: 'hold', action: 'hold' },
    { id: 'unhold', from: 'hold', to: 'work', after: 'PT1H' },
    { id: 'vendor_silent', from: 'vendor', to: 'gone', after: 'P7D' },
    { id: 'customer_silent', from: 'customer', to: 'gone', after: 'P7D' },
  ],
})

const start = row('created', 0, 'u1', { kind: 'start', entered: ['work'] })
const act = (min: number, actor: string, exited: string[], entered: string[]) =>
  row('transition', min, actor, { kind: 'action', exited, entered })

describe('the walk over one ticket’s log', () => {
  it('takes the first response from the first record a person wrote after the ticket was created', () => {
    // The creating record, a system transition and an internal note are no response.
    const audit = log(
      start,
      row('transition', 1, 'system', { kind: 'action' }),
      row('note', 2, 'u1', undefined, { visibility: 'internal' }),
      row('note', 3, 'u1', undefined, { visibility: 'customer' }),
      act(4, 'u1', ['work'], ['done']),
    )
    expect(walkTicket(sop, audit).firstResponseAt).toBe(at(3))
    // An override by a person counts too; nothing from a person gives no first response.
    const overridden = log(start, row('override', 5, 'u2', { kind: 'override', entered: ['work'] }))
    expect(walkTicket(sop, overridden).firstResponseAt).toBe(at(5))
    expect(walkTicket(sop, log(start)).firstResponseAt).toBeNull()
    expect(walkTicket(sop, log(start, act(6, 'u1', ['work'], ['done']))).firstResponseAt).toBe(at(6))
  })

  it('keeps a contact uninterrupted through a customer wait, a wait of no stated kind, one handler and a breach without escalation', () => {
    const audit = log(
      start,
      act(5, 'u1', ['work'], ['hold']),
      act(6, 'u1', ['hold'], ['work']),
      act(10, 'u1', ['work'], ['customer']),
      act(20, 'u1', ['customer'], ['work']),
      row('timer', 30, 'system', {
        kind: 'timer',
        breach: { stepId: 'work', notify: 'supervisor', escalateTo: null },
      }),
      act(40, 'u1', ['work'], ['done']),
    )
    expect(walkTicket(sop, audit)).toEqual({ firstResponseAt: at(5), breaches: 1, interrupted: false })
  })

  it('marks the contact interrupted by a third-party wait, an escalation, an override, a reopening or a second handler', () => {
    const cases = {
      'third-party wait': log(
        start,
        act(10, 'u1', ['work'], ['vendor']),
        act(20, 'u1', ['vendor'], ['work']),
      ),
      escalation: log(
        start,
        row('timer', 30, 'system', {
          kind: 'timer',
          breach: { stepId: 'work', notify: null, escalateTo: 'senior_agent' },
        }),
      ),
      override: log(start, row('override', 5, 'u1', { kind: 'override' })),
      reopening: log(start, row('reopen', 5, 'u1', { kind: 'reopen' })),
      'second handler': log(
        start,
        act(10, 'u1', ['work'], ['customer']),
        act(20, 'u2', ['customer'], ['work']),
      ),
    }
    for (const [name, audit] of Object.entries(cases))
      expect({ name, interrupted: walkTicket(sop, audit).interrupted }).toEqual({ name, interrupted: true })
  })

  it('reports each visit of a step with the time spent, and each breach, to the per-step tally', () => {
    const events: unknown[] = []
    const audit = log(
      start,
      act(10, 'u1', ['work'], ['customer']),
      row('timer', 25, 'system', {
        kind: 'timer',
        breach: { stepId: 'customer', notify: null, escalateTo: null },
      }),
      act(40, 'u1', ['customer'], ['work']),
    )
    walkTicket(sop, audit, (e) => events.push(e))
    expect(events).toEqual([
      { stepId: 'work', entered: true },
      { stepId: 'work', spentMs: 10 * 60_000, businessMs: 10 * 60_000 },
      { stepId: 'customer', entered: true },
      { stepId: 'customer', breach: true },
      { stepId: 'customer', spentMs: 30 * 60_000, businessMs: 30 * 60_000 },
      { stepId: 'work', entered: true },
    ])
  })
})
