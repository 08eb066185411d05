import { describe, expect, it } from 'vitest'
import {
  type Actor,
  type CompiledSop,
  compile,
  type Decision,
  decide,
  type SopDocumentInput,
  start,
  type TicketState,
} from '../../engine/index.ts'
import { transitionMemoStats, withoutTransitionMemo } from '../../engine/transitionMemo.ts'

const agent: Actor = { id: 'u-agent', role: 'agent' }
const T0 = '2026-03-02T09:00:00.000Z'
const T1 = '2026-03-02T09:05:00.000Z'

/** A step whose action sets `set` on its way to a decision that reads `category`. */
function routed(set: 'cat' | 'gory' | 'category'): CompiledSop {
  const doc: SopDocumentInput = {
    schema: 'sopflow/v1',
    id: 'routed',
    title: 'Routed',
    department: 'Care',
    purpose: 'A decision after an action.',
    fields: [
      { name: 'cat', label: 'Cat', type: 'text' },
      { name: 'gory', label: 'Gory', type: 'text' },
      { name: 'category', label: 'Category', type: 'text' },
      { name: 'level', label: 'Level', type: 'number' },
    ],
    initial: 'work',
    steps: [
      { id: 'work', kind: 'task', title: 'Work' },
      { id: 'route', kind: 'decision', title: 'Billing?' },
      { id: 'billing', kind: 'task', title: 'Billing' },
      { id: 'other', kind: 'task', title: 'Other' },
      { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
    ],
    transitions: [
      {
        id: 'go',
        from: 'work',
        to: 'route',
        action: 'go',
        label: 'Go',
        effects: [{ type: 'set', field: set, value: 'x' }],
      },
      { id: 'to_billing', from: 'route', to: 'billing', guard: 'ticket.category == "billing"' },
      { id: 'to_other', from: 'route', to: 'other' },
      { id: 'b_done', from: 'billing', to: 'done', action: 'finish', label: 'Finish' },
      { id: 'o_done', from: 'other', to: 'done', action: 'finish', label: 'Finish' },
    ],
  }
  return compile(doc)
}

function ok(d: Decision): TicketState {
  if (!d.ok) throw new Error(`rejected: ${d.rejection.code}: ${d.rejection.message}`)
  return d.state
}

const opened = (sop: CompiledSop) => ok(start(sop, { actor: agent, now: T0 }))
const go = (sop: CompiledSop, category: string) =>
  decide(sop, opened(sop), { kind: 'action', action: 'go', fields: { category } }, agent, T1)

describe('transition memo bookkeeping', () => {
  it('remembers a choice once and answers the same transition from it, as XState would', () => {
    const sop = routed('cat')
    expect(transitionMemoStats(sop)).toMatchObject({ choices: 0, hits: 0 })
    const first = go(sop, 'billing')
    expect(transitionMemoStats(sop)).toMatchObject({ choices: 1, hits: 0 })
    const second = go(sop, 'billing')
    expect(transitionMemoStats(sop)).toMatchObject({ choices: 1, hits: 1 })
    expect(second).toEqual(first)
    expect(ok(second).active).toHaveProperty('billing')
    expect(second).toEqual(withoutTransitionMemo(() => go(sop, 'billing')))
  })

  it('keeps a second choice for the same step and action when a guard gives another result', () => {
    const sop = routed('cat')
    go(sop, 'billing')
    const other = go(sop, 'phone')
    expect(transitionMemoStats(sop)).toMatchObject({ choices: 2, hits: 0 })
    expect(ok(other).active).toHaveProperty('other')
    expect(ok(go(sop, 'phone')).active).toHaveProperty('other')
    expect(ok(go(sop, 'billing')).active).toHaveProperty('billing')
    expect(transitionMemoStats(sop)).toMatchObject({ choices: 2, hits: 2 })
  })

  it('does not remember a choice whose effect sets a field a guard reads, and tells such a field by its whole name', () => {
    const reads = routed('category')
    go(reads, 'billing')
    go(reads, 'billing')
    expect(transitionMemoStats(reads)).toMatchObject({ choices: 0, hits: 0 })
    // The effects set `cat` and `gory`: the guard reads `category`, which begins with one and ends with the other.
    for (const part of ['cat', 'gory'] as const) {
      const sop = routed(part)
      go(sop, 'billing')
      expect(transitionMemoStats(sop).choices).toBe(1)
    }
  })

  it('remembers nothing while XState decides alone, and remembers again afterwards', () => {
    const sop = routed('cat')
    const plain = withoutTransitionMemo(() => go(sop, 'billing'))
    expect(transitionMemoStats(sop)).toMatchObject({ choices: 0, hits: 0, initials: 0 })
    expect(go(sop, 'billing')).toEqual(plain)
    go(sop, 'billing')
    expect(transitionMemoStats(sop)).toMatchObject({ choices: 1, hits: 1, initials: 1 })
  })

  it('remembers initial transitions by their exact fields and priority, -0 apart, at most 256 per SOP', () => {
    const sop = routed('cat')
    const a = start(sop, { actor: agent, now: T0, fields: { level: 1 } })
    start(sop, { actor: agent, now: T0, fields: { level: 1 } })
    expect(transitionMemoStats(sop).initials).toBe(1)
    start(sop, { actor: agent, now: T0, fields: { level: 1 }, priority: 'high' })
    expect(transitionMemoStats(sop).initials).toBe(2)
    // JSON writes -0 as 0: a key could not tell it from 0, so it is not remembered.
    const negative = start(sop, { actor: agent, now: T0, fields: { level: -0 } })
    expect(transitionMemoStats(sop).initials).toBe(2)
    expect(Object.is(ok(negative).context.fields.level, -0)).toBe(true)
    expect(ok(a).context.fields.level).toBe(1)
    for (let i = 0; i < 300; i++) start(sop, { actor: agent, now: T0, fields: { level: i + 2 } })
    expect(transitionMemoStats(sop).initials).toBe(256)
  })
})
