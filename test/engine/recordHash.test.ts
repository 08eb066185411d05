import { describe, expect, it } from 'vitest'
import {
  type Accepted,
  type Actor,
  canonicalJson,
  compile,
  type Decision,
  decide,
  type SopDocumentInput,
  sha256Hex,
  start,
} from '../../engine/index.ts'

/** Two branches at once, each with a checklist, and fields whose names sort unlike their order. */
const doc = (): SopDocumentInput => ({
  schema: 'sopflow/v1',
  id: 'two-branches',
  title: 'Two branches',
  department: 'Care',
  purpose: 'Work two checklists at once.',
  fields: [
    { name: 'zeta', label: 'Zeta', type: 'text' },
    { name: 'alpha', label: 'Alpha', type: 'number' },
    { name: 'mid', label: 'Mid', type: 'boolean' },
  ],
  initial: 'both',
  steps: [
    { id: 'both', kind: 'parallel', title: 'Both' },
    { id: 'right', kind: 'group', title: 'Right', parent: 'both', initial: 'b_task' },
    {
      id: 'b_task',
      kind: 'task',
      title: 'B task',
      parent: 'right',
      checklist: [
        { id: 'y', text: 'Y', required: false },
        { id: 'x', text: 'X', required: false },
      ],
      sla: { due: 'PT1H', notify: 'supervisor' },
    },
    { id: 'b_done', kind: 'end', title: 'B done', parent: 'right' },
    { id: 'left', kind: 'group', title: 'Left', parent: 'both', initial: 'a_task' },
    {
      id: 'a_task',
      kind: 'task',
      title: 'A task',
      parent: 'left',
      checklist: [{ id: 'q', text: 'Q', required: false }],
    },
    { id: 'a_done', kind: 'end', title: 'A done', parent: 'left' },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    { id: 'b_finish', from: 'b_task', to: 'b_done', action: 'finish_b', label: 'Finish B' },
    { id: 'a_finish', from: 'a_task', to: 'a_done', action: 'finish_a', label: 'Finish A' },
    { id: 'all_done', from: 'both', to: 'done' },
  ],
})

const ok = (d: Decision): Accepted => {
  if (!d.ok) throw new Error(d.rejection.message)
  return d
}

/** The head each decision gives must be the SHA-256 of its record's canonical JSON. */
const sealed = (d: Accepted) => expect(d.state.head).toBe(sha256Hex(canonicalJson(d.record)))

describe("a record's hash", () => {
  const sop = compile(doc())
  const now = '2026-03-02T08:00:00.000Z'

  it('is taken over its canonical JSON whatever the order of input and ticks members', () => {
    const actor = { id: 'u1', role: 'agent' }
    const first = ok(start(sop, { actor, now, fields: { zeta: 'z', mid: true, alpha: 2 } }))
    expect(Object.keys(first.record.input)).toEqual(['zeta', 'mid', 'alpha'])
    sealed(first)
    const ticked = ok(
      decide(
        sop,
        first.state,
        { kind: 'update', fields: { alpha: 3 }, ticks: { b_task: ['y', 'x'], a_task: ['q'] } },
        actor,
        now,
      ),
    )
    // The record keeps the input and ticks as given; only the hashed text is canonical.
    expect(Object.keys(ticked.record.ticks)).toEqual(['b_task', 'a_task'])
    expect(ticked.record.ticks.b_task).toEqual(['y', 'x'])
    sealed(ticked)
    const changed = ok(
      decide(sop, ticked.state, { kind: 'update', fields: { mid: false, alpha: 4 } }, actor, now),
    )
    expect(changed.record.fieldChanges.map((c) => c.field)).toEqual(['alpha', 'mid'])
    sealed(changed)
  })

  it("is taken over its canonical JSON whatever the order of the actor's members", () => {
    const actor = { roles: ['lead'], role: 'agent', id: 'u1' } as Actor
    const first = ok(start(sop, { actor, now }))
    expect(Object.keys(first.record.actor)).toEqual(['roles', 'role', 'id'])
    sealed(first)
    sealed(ok(decide(sop, first.state, { kind: 'action', action: 'finish_a' }, actor, now)))
  })

  it('covers a start at another priority and a breach', () => {
    const actor = { id: 'u1', role: 'agent' }
    const first = ok(start(sop, { actor, now, priority: 'high' }))
    expect(first.record.priority).toBe('high')
    sealed(first)
    const breach = ok(
      decide(sop, first.state, { kind: 'timer', timerId: 'sla:b_task:0' }, actor, '2026-03-02T09:00:00.000Z'),
    )
    expect(breach.record.breach).toEqual({ escalateTo: null, notify: 'supervisor', stepId: 'b_task' })
    sealed(breach)
    const both = ok(decide(sop, breach.state, { kind: 'action', action: 'finish_b' }, actor, now))
    sealed(both)
    const closed = ok(decide(sop, both.state, { kind: 'action', action: 'finish_a' }, actor, now))
    expect(closed.record.status).toBe('closed')
    sealed(closed)
  })

  it('covers an override with its target and reason', () => {
    const actor = { id: 'u1', role: 'supervisor' }
    const first = ok(start(sop, { actor, now }))
    const moved = ok(
      decide(sop, first.state, { kind: 'override', target: 'done', reason: 'Customer "left"\n' }, actor, now),
    )
    expect(moved.record).toMatchObject({ kind: 'override', target: 'done', reason: 'Customer "left"\n' })
    sealed(moved)
  })
})
