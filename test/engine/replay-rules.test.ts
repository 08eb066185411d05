import { describe, expect, it } from 'vitest'
import {
  compile,
  decide,
  replay,
  type SopDocumentInput,
  start,
  type TransitionRecord,
} from '../../engine/index.ts'
import { sameJson } from '../../engine/replay.ts'

describe('sameJson: structural equality as canonical JSON compares', () => {
  it('tells values of different types and shapes apart', () => {
    expect(sameJson(1, '1')).toBe(false)
    expect(sameJson({}, 1)).toBe(false)
    expect(sameJson(1, {})).toBe(false)
    expect(sameJson([], 'x')).toBe(false)
    expect(sameJson({ a: 1 }, 1)).toBe(false)
    expect(sameJson(1, { a: 1 })).toBe(false)
    expect(sameJson('x', { a: 1 })).toBe(false)
    expect(sameJson(null, undefined)).toBe(false)
    expect(sameJson(undefined, null)).toBe(false)
    expect(sameJson(null, {})).toBe(false)
    expect(sameJson({}, null)).toBe(false)
    expect(sameJson([1], { 0: 1 })).toBe(false)
    expect(sameJson({ 0: 1 }, [1])).toBe(false)
    expect(sameJson(1, 2)).toBe(false)
    expect(sameJson(Number.NaN, 1)).toBe(false)
    expect(sameJson(undefined, 0)).toBe(false)
  })

  it('holds for equal values, undefined members ignored and NaN equal to NaN', () => {
    expect(sameJson(undefined, undefined)).toBe(true)
    expect(sameJson(Number.NaN, Number.NaN)).toBe(true)
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true)
    expect(sameJson({ a: 1 }, { b: undefined, a: 1 })).toBe(true)
    expect(sameJson({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toBe(true)
  })

  it('compares lists member by member to their ends, a hole as null', () => {
    expect(sameJson([1, 2], [1, 3])).toBe(false)
    expect(sameJson([1, 2], [1, 2, 3])).toBe(false)
    expect(sameJson([1, 2, 3], [1, 2, 4])).toBe(false)
    expect(sameJson([1, undefined], [1, null])).toBe(true)
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false)
    expect(sameJson({ a: 1, b: 2 }, { a: 1 })).toBe(false)
  })
})

describe('replay of a history whose last record the SOP refuses', () => {
  it('reports the refusal at that record instead of failing', () => {
    const doc: SopDocumentInput = {
      schema: 'sopflow/v1',
      id: 'short',
      title: 'Short',
      department: 'Care',
      purpose: 'Two steps.',
      fields: [],
      initial: 'work',
      steps: [
        { id: 'work', kind: 'task', title: 'Work' },
        { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
      ],
      transitions: [{ id: 'finish', from: 'work', to: 'done', action: 'finish', label: 'Finish' }],
    }
    const sop = compile(doc)
    const agent = { id: 'u1', role: 'agent' }
    const first = start(sop, { actor: agent, now: '2026-03-02T09:00:00.000Z' })
    if (!first.ok) throw new Error('not started')
    const last = decide(
      sop,
      first.state,
      { kind: 'action', action: 'finish' },
      agent,
      '2026-03-02T09:05:00.000Z',
    )
    if (!last.ok) throw new Error('not finished')
    const records: TransitionRecord[] = [first.record, { ...last.record, action: 'vanish' }]
    const result = replay(sop, records)
    expect(result).toMatchObject({ ok: false, index: 1, seq: 1 })
    expect(result.ok === false && result.reason).toMatch(
      /^the SOP rejects this record: "vanish" is not an action/,
    )
    expect(replay(sop, [first.record, last.record], { head: last.state.head }).ok).toBe(true)
  })
})
