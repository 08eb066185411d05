import { describe, expect, it } from 'vitest'
import { type Actor, compile, decide, prompt, type SopDocumentInput, start } from '../../engine/index.ts'

const T0 = '2026-03-02T09:00:00.000Z'
const T1 = '2026-03-02T09:01:00.000Z'
const agent: Actor = { id: 'u-a', role: 'agent' }
const lead: Actor = { id: 'u-l', role: 'lead' }

/** A group and the task inside it both offer "leave"; only a lead may take either. */
const doc: SopDocumentInput = {
  schema: 'sopflow/v1',
  id: 'nested',
  title: 'Nested actions',
  department: 'Care',
  purpose: 'The innermost step answers first.',
  initial: 'g',
  steps: [
    { id: 'g', kind: 'group', title: 'G', initial: 'inner', roles: ['agent', 'lead'] },
    { id: 'inner', kind: 'task', title: 'Inner', parent: 'g', roles: ['agent', 'lead'] },
    { id: 'inner_end', kind: 'end', title: 'Inner end', parent: 'g' },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
    { id: 'out', kind: 'end', title: 'Out', outcome: 'cancelled' },
  ],
  transitions: [
    { id: 'g_leave', from: 'g', to: 'out', action: 'leave', label: 'Leave all', roles: ['lead'] },
    { id: 'inner_leave', from: 'inner', to: 'inner_end', action: 'leave', label: 'Leave', roles: ['lead'] },
    { id: 'inner_note', from: 'inner', to: 'inner_end', action: 'note', label: 'Note' },
    { id: 'g_done', from: 'g', to: 'done' },
  ],
}
const sop = compile(doc)
const first = () => {
  const s = start(sop, { actor: agent, now: T0 })
  if (!s.ok) throw new Error('start rejected')
  return s.state
}

describe('actions of nested steps', () => {
  it("a transition's roles narrow its step's, and the innermost step's transition is named", () => {
    const d = decide(sop, first(), { kind: 'action', action: 'leave' }, agent, T1)
    expect(!d.ok && d.rejection).toEqual({
      code: 'role_not_permitted',
      message: 'Role "agent" may not take "leave"; it needs: lead',
      stepId: 'inner',
      transitionId: 'inner_leave',
      roles: ['lead'],
    })
    const taken = decide(sop, first(), { kind: 'action', action: 'leave' }, lead, T1)
    expect(taken.ok && taken.record.transitions[0]).toBe('inner_leave')
  })

  it('lists the inner step actions before the enclosing group ones, and a step role may take an action without roles', () => {
    expect(prompt(sop, first(), lead, T1).actions.map((a) => [a.action, a.stepId, a.transitionIds])).toEqual([
      ['leave', 'inner', ['inner_leave']],
      ['note', 'inner', ['inner_note']],
      ['leave', 'g', ['g_leave']],
    ])
    const noted = decide(sop, first(), { kind: 'action', action: 'note' }, agent, T1)
    expect(noted.ok && noted.state.outcome).toBe('resolved')
  })
})
