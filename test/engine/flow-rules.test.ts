import { describe, expect, it } from 'vitest'
import { validate } from '../../engine/index.ts'

type Doc = {
  steps: Record<string, unknown>[]
  transitions: Record<string, unknown>[]
  fields?: Record<string, unknown>[]
  policy?: Record<string, unknown>
  [key: string]: unknown
}

/** A task whose action ends the ticket, with whatever steps and transitions are added. */
function doc(steps: Record<string, unknown>[] = [], transitions: Record<string, unknown>[] = []): Doc {
  return {
    schema: 'sopflow/v1',
    id: 'flow',
    title: 'Flow',
    department: 'Care',
    purpose: 'Check the flow rules.',
    initial: 'work',
    steps: [
      { id: 'work', kind: 'task', title: 'Work' },
      { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
      ...steps,
    ],
    transitions: [{ id: 'finish', from: 'work', to: 'done', action: 'finish' }, ...transitions],
  }
}
const codes = (d: Doc) => validate(d).diagnostics.map((x) => `${x.code}:${x.stepId ?? x.transitionId ?? ''}`)

describe('flow rules', () => {
  it('has nothing to say about a task whose action ends the ticket', () => {
    expect(validate(doc()).diagnostics).toEqual([])
  })

  it('asks for an action or a delay on a transition out of a wait step, as out of a task', () => {
    const d = doc(
      [{ id: 'hold', kind: 'wait', title: 'Hold' }],
      [
        { id: 'to_hold', from: 'work', to: 'hold', action: 'hold' },
        { id: 'hold_out', from: 'hold', to: 'done', after: 'P1D' },
        { id: 'hold_auto', from: 'hold', to: 'done' },
      ],
    )
    expect(validate(d).diagnostics.find((x) => x.code === 'missing_trigger')).toMatchObject({
      transitionId: 'hold_auto',
      params: { step: 'hold', kind: 'wait' },
    })
  })

  it('reports an effect of the wrong type, and none on a field it could not read', () => {
    const d = doc()
    d.fields = [
      { name: 'n', label: 'N', type: 'number' },
      { name: 'odd', label: 'Odd', type: 'numbr' },
    ]
    d.transitions[0].effects = [
      { type: 'set', field: 'n', value: 'many' },
      { type: 'set', field: 'odd', value: 2 },
    ]
    const found = validate(d).diagnostics
    expect(found.find((x) => x.code === 'effect_type')).toMatchObject({
      transitionId: 'finish',
      params: { field: 'n', kind: 'number' },
    })
    expect(found.map((x) => x.code)).not.toContain('unknown_field')
  })

  it('warns of a decision with two default branches, never of one with a single default', () => {
    const branches = [
      { id: 'to_route', from: 'work', to: 'route', action: 'route' },
      { id: 'big', from: 'route', to: 'done' },
    ]
    const one = doc([{ id: 'route', kind: 'decision', title: 'Route' }], branches)
    expect(codes(one)).toEqual([])
    const two = doc(
      [{ id: 'route', kind: 'decision', title: 'Route' }],
      [...branches, { id: 'small', from: 'route', to: 'done' }],
    )
    expect(codes(two)).toEqual(['decision_multiple_defaults:route'])
  })

  it('calls a wait step without transitions a dead end as well as one without a timeout', () => {
    const d = doc(
      [{ id: 'hold', kind: 'wait', title: 'Hold' }],
      [{ id: 'to_hold', from: 'work', to: 'hold', action: 'hold' }],
    )
    expect(codes(d)).toEqual(['wait_without_timeout:hold', 'dead_end:hold'])
  })

  it('lets a task out through any action of its group, even when the group also completes', () => {
    const d = doc(
      [
        { id: 'g', kind: 'group', title: 'G', initial: 'inner' },
        { id: 'inner', kind: 'task', title: 'Inner', parent: 'g' },
        { id: 'g_end', kind: 'end', title: 'G end', parent: 'g' },
      ],
      [
        { id: 'to_g', from: 'work', to: 'g', action: 'group' },
        { id: 'g_done', from: 'g', to: 'done' },
        { id: 'g_leave', from: 'g', to: 'done', action: 'leave' },
      ],
    )
    expect(codes(d)).toEqual(['unreachable_step:g_end'])
    d.transitions = d.transitions.filter((t) => t.id !== 'g_leave')
    expect(codes(d)).toEqual(['dead_end:inner', 'unreachable_step:g_end'])
  })

  it('calls a group that can finish but leaves only by an action a dead end', () => {
    const d = doc(
      [
        { id: 'g', kind: 'group', title: 'G', initial: 'inner' },
        { id: 'inner', kind: 'task', title: 'Inner', parent: 'g' },
        { id: 'g_end', kind: 'end', title: 'G end', parent: 'g' },
      ],
      [
        { id: 'to_g', from: 'work', to: 'g', action: 'group' },
        { id: 'inner_go', from: 'inner', to: 'g_end', action: 'go' },
        { id: 'g_leave', from: 'g', to: 'done', action: 'leave' },
      ],
    )
    expect(codes(d)).toEqual(['dead_end:g'])
  })

  it('calls a group inside a group a dead end when it can finish with nothing to take', () => {
    const d = doc(
      [
        { id: 'outer', kind: 'group', title: 'Outer', initial: 'g' },
        { id: 'g', kind: 'group', title: 'G', parent: 'outer', initial: 'inner' },
        { id: 'inner', kind: 'task', title: 'Inner', parent: 'g' },
        { id: 'g_end', kind: 'end', title: 'G end', parent: 'g' },
        { id: 'outer_end', kind: 'end', title: 'Outer end', parent: 'outer' },
      ],
      [
        { id: 'to_outer', from: 'work', to: 'outer', action: 'start' },
        { id: 'inner_go', from: 'inner', to: 'g_end', action: 'go' },
        { id: 'outer_done', from: 'outer', to: 'done' },
      ],
    )
    expect(codes(d)).toEqual(['dead_end:g', 'unreachable_step:outer_end'])
  })

  it('says a parallel step whose region has no end cannot complete', () => {
    const d = doc(
      [
        { id: 'p', kind: 'parallel', title: 'P' },
        { id: 'r1', kind: 'group', title: 'R1', parent: 'p', initial: 'a' },
        { id: 'a', kind: 'task', title: 'A', parent: 'r1' },
        { id: 'a_end', kind: 'end', title: 'A end', parent: 'r1' },
        { id: 'r2', kind: 'group', title: 'R2', parent: 'p', initial: 'b' },
        { id: 'b', kind: 'task', title: 'B', parent: 'r2' },
      ],
      [
        { id: 'to_p', from: 'work', to: 'p', action: 'split' },
        { id: 'a_go', from: 'a', to: 'a_end', action: 'go' },
        { id: 'b_go', from: 'b', to: 'a', action: 'go' },
        { id: 'p_done', from: 'p', to: 'done' },
      ],
    )
    expect(codes(d)).toContain('completion_unreachable:p')
  })

  it('reaches the group of a step entered directly, and a step a policy escalates to', () => {
    const d = doc(
      [
        { id: 'g', kind: 'group', title: 'G', initial: 'first' },
        { id: 'first', kind: 'task', title: 'First', parent: 'g' },
        { id: 'second', kind: 'task', title: 'Second', parent: 'g' },
        { id: 'g_end', kind: 'end', title: 'G end', parent: 'g' },
        { id: 'boss', kind: 'task', title: 'Boss' },
      ],
      [
        { id: 'skip', from: 'work', to: 'second', action: 'skip' },
        { id: 'first_go', from: 'first', to: 'g_end', action: 'go' },
        { id: 'second_go', from: 'second', to: 'first', action: 'go' },
        { id: 'g_done', from: 'g', to: 'done' },
        { id: 'boss_done', from: 'boss', to: 'done', action: 'close' },
      ],
    )
    expect(codes(d)).toEqual(['unreachable_step:boss'])
    d.policy = { targets: [{ metric: 'resolution', due: 'P1D', escalateTo: 'boss' }] }
    expect(codes(d)).toEqual([])
  })

  it('reaches what a transition left out for its shape leads to, from a reached step only', () => {
    const reached = doc(
      [{ id: 'x', kind: 'task', title: 'X' }],
      [
        { id: '9 bad', from: 'work', to: 'x', action: 'go' },
        { id: 'x_done', from: 'x', to: 'done', action: 'close' },
      ],
    )
    expect(codes(reached)).not.toContain('unreachable_step:x')
    const lost = doc(
      [
        { id: 'y', kind: 'task', title: 'Y' },
        { id: 'x', kind: 'task', title: 'X' },
      ],
      [
        { id: '9 bad', from: 'y', to: 'x', action: 'go' },
        { id: 'x_done', from: 'x', to: 'done', action: 'close' },
        { id: 'y_done', from: 'y', to: 'done', action: 'close' },
      ],
    )
    expect(codes(lost)).toContain('unreachable_step:x')
    expect(codes(lost)).toContain('unreachable_step:y')
  })
})

describe('flow rules on a step whose parent is missing', () => {
  it('reports the parent and still checks the group', () => {
    const d = doc(
      [
        { id: 'g', kind: 'group', title: 'G', parent: 'nowhere', initial: 'inner' },
        { id: 'inner', kind: 'task', title: 'Inner', parent: 'g' },
        { id: 'g_end', kind: 'end', title: 'G end', parent: 'g' },
      ],
      [
        { id: 'to_g', from: 'work', to: 'g', action: 'group' },
        { id: 'inner_go', from: 'inner', to: 'g_end', action: 'go' },
      ],
    )
    expect(codes(d)).toContain('dead_end:g')
  })
})
