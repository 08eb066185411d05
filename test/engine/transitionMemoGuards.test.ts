import { describe, expect, it } from 'vitest'
import { type Actor, compile, type Decision, decide, start, type TicketState } from '../../engine/index.ts'
import { sampleSop } from './fixtures.ts'

const agent: Actor = { id: 'u-agent', role: 'agent' }
const supervisor: Actor = { id: 'u-sup', role: 'supervisor' }
const T0 = '2026-03-02T09:00:00.000Z'

/** The sample SOP with a second `approve` on the manager step: large refunds escalate. */
function twoApprovals() {
  const doc = sampleSop()
  doc.transitions.push({
    id: 't_refund_large',
    from: 'manager',
    to: 'escalated',
    action: 'approve',
    label: 'Approve large',
    guard: 'ticket.amount >= 500.0',
  })
  return compile(doc)
}

function ok(d: Decision): TicketState {
  if (!d.ok) throw new Error(`rejected: ${d.rejection.code}: ${d.rejection.message}`)
  return d.state
}

describe('transition memo with the action guards a decision already evaluated', () => {
  it('takes the branch whose guard holds for this decision, after the other branch was remembered', () => {
    const sop = twoApprovals()
    const outcomes: (string | null)[] = []
    for (const amount of [100, 900, 100, 900, 40, 7000]) {
      const started = ok(start(sop, { actor: agent, now: T0 }))
      const atManager = ok(decide(sop, started, { kind: 'action', action: 'escalate' }, agent, T0))
      const approved = decide(
        sop,
        atManager,
        { kind: 'action', action: 'approve', fields: { amount } },
        supervisor,
        T0,
      )
      outcomes.push(ok(approved).outcome)
    }
    expect(outcomes).toEqual(['resolved', 'escalated', 'resolved', 'escalated', 'resolved', 'escalated'])
  })
})
