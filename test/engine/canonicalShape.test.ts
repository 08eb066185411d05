import { describe, expect, it } from 'vitest'
import {
  canonicalJson,
  canonicalJsonOfShape,
  canonicalShape,
  compile,
  decide,
  recordHash,
  sha256Hex,
  start,
  type TransitionRecord,
} from '../../engine/index.ts'
import { sampleSop } from './fixtures.ts'

const shape = canonicalShape(['b', 'a', 'c', 'B', 'é', 'aa'])

/** Objects whose canonical JSON takes each way through the shape writer. */
const cases: Record<string, unknown>[] = [
  {},
  { a: 1 },
  { c: 'x', b: 2, a: [3, { z: 1, y: undefined, x: [null, undefined] }] },
  { a: undefined, b: 1 },
  { a: undefined },
  { é: 'accent', B: 'upper', aa: 'double', a: 'single' },
  { a: { d: { f: 1, e: 2 }, c: undefined, b: 'q"uote\n' } },
  { a: Number.NaN, b: -0, c: Number.POSITIVE_INFINITY },
  { a: () => 1, b: { f: () => 2, g: 3 } },
  { a: new Date('2026-03-02T08:00:00.000Z'), b: { at: new Date('2026-03-02T09:00:00.000Z') } },
  { a: Object.assign(Object.create(null), { y: 1, x: 2 }) },
  { a: { toJSON: () => ({ z: 1, y: 2 }) } },
  // A boxed value, which JSON writes as its primitive.
  { a: Object('boxed') },
  { a: 1, outside: 2 },
  { zz: 1 },
  { b: [{ d: 1, c: 2 }], a: true, c: false },
]

describe('canonical JSON written along a shape', () => {
  it('is the text canonicalJson gives, for members inside and outside the shape', () => {
    for (const value of cases) expect(canonicalJsonOfShape(value, shape)).toBe(canonicalJson(value))
  })

  it('sorts the shape keys as canonicalJson sorts (UTF-16 order)', () => {
    expect(shape.keys).toEqual(['B', 'a', 'aa', 'b', 'c', 'é'])
    expect(canonicalJsonOfShape({ é: 1, B: 2, aa: 3 }, shape)).toBe('{"B":2,"aa":3,"é":1}')
  })

  it('writes a member outside the shape (not dropped)', () => {
    expect(canonicalJsonOfShape({ a: 1, outside: 2 }, shape)).toBe('{"a":1,"outside":2}')
  })
})

describe('record hashes', () => {
  const sop = compile(sampleSop())
  const agent = { id: 'u1', role: 'agent' }
  const first = start(sop, { actor: agent, now: '2026-03-02T08:00:00.000Z', priority: 'high' })
  if (!first.ok) throw new Error(first.rejection.message)

  it('are the SHA-256 of each record’s canonical JSON', () => {
    expect(first.record.priority).toBe('high')
    expect(first.state.head).toBe(sha256Hex(canonicalJson(first.record)))
    const next = decide(
      sop,
      first.state,
      { kind: 'update', fields: { customer_name: 'Ana' } },
      agent,
      first.record.at,
    )
    if (!next.ok) throw new Error(next.rejection.message)
    expect(next.record.fieldChanges).toEqual([{ field: 'customer_name', from: null, to: 'Ana' }])
    expect(next.state.head).toBe(sha256Hex(canonicalJson(next.record)))
  })

  it('cover every member a record may have, whatever their order', () => {
    const full: TransitionRecord = {
      ...first.record,
      warning: { policy: 'resolution', at: 0.75, notify: null, stepId: 'triage', dueAt: first.record.at },
      breach: { stepId: 'triage', notify: 'lead', escalateTo: null, policy: 'resolution' },
      input: { zeta: 'z', alpha: 1, mid: true, none: null },
      ticks: { triage: ['b', 'a'] },
      fieldChanges: [{ field: 'alpha', from: null, to: 1 }],
    }
    const reversed = Object.fromEntries(Object.entries(full).reverse()) as unknown as TransitionRecord
    expect(recordHash(sop, full)).toBe(sha256Hex(canonicalJson(full)))
    expect(recordHash(sop, reversed)).toBe(recordHash(sop, full))
    const { reason: _, ...noReason } = full
    expect(recordHash(sop, { ...noReason, reason: undefined } as never)).toBe(
      sha256Hex(canonicalJson(noReason)),
    )
    const extra = { ...full, extra: 'kept' } as TransitionRecord
    expect(recordHash(sop, extra)).toBe(sha256Hex(canonicalJson(extra)))
    expect(recordHash(sop, extra)).not.toBe(recordHash(sop, full))
  })
})
