import { describe, expect, it } from 'vitest'
import {
  canonicalJson,
  compile,
  decide,
  paths,
  replay,
  start,
  type TicketState,
  type TransitionRecord,
} from '../../engine/index.ts'
import { sampleSop } from './fixtures.ts'

const sop = compile(sampleSop())

function play(index: number): { records: TransitionRecord[]; state: TicketState } {
  const path = paths(sop)[index]
  const first = start(sop, { actor: { id: 'u1', role: 'agent' }, now: path.startAt })
  if (!first.ok) throw new Error('start rejected')
  const records = [first.record]
  let state = first.state
  for (const step of path.inputs) {
    const d = decide(sop, state, step.input, step.actor, step.at)
    if (!d.ok) throw new Error(d.rejection.message)
    records.push(d.record)
    state = d.state
  }
  return { records, state }
}

describe('replay', () => {
  it('gives the same records whatever the order of an input’s members, so a canonical copy replays', () => {
    const actor = { id: 'u1', role: 'agent' }
    const at = '2026-03-02T08:00:00.000Z'
    const one = start(sop, { actor, now: at, fields: { customer_name: 'An', amount: 5 } })
    const other = start(sop, { actor, now: at, fields: { amount: 5, customer_name: 'An' } })
    if (!one.ok || !other.ok) throw new Error('start rejected')
    expect(one.record.fieldChanges.map((c) => c.field)).toEqual(['amount', 'customer_name'])
    expect(canonicalJson(other.record)).toBe(canonicalJson(one.record))
    // Member order lost (as in an evidence bundle's canonical JSON): the history still replays.
    const copy = JSON.parse(canonicalJson([one.record])) as TransitionRecord[]
    expect(replay(sop, copy, { head: one.state.head }).ok).toBe(true)
  })

  it('reconstructs the state after every record', () => {
    const { records, state } = play(4)
    const r = replay(sop, records, { head: state.head })
    expect(r.ok).toBe(true)
    if (r.ok) {
      expect(r.states).toHaveLength(records.length)
      expect(r.states.at(-1)).toEqual(state)
    }
  })

  it('survives a JSON round trip of the records', () => {
    const { records, state } = play(5)
    expect(replay(sop, JSON.parse(JSON.stringify(records)), { head: state.head }).ok).toBe(true)
  })

  it('reports the first divergence: a changed destination', () => {
    const { records } = play(4)
    const bad = structuredClone(records)
    bad[2].to = ['explain']
    const r = replay(sop, bad)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.index).toBe(2)
      expect(r.reason).toContain('to')
      expect(r.expected).toMatchObject({ to: expect.any(Array) })
      expect(r.recorded).toMatchObject({ to: ['explain'] })
    }
  })

  it('reports a changed actor through the next record or the head', () => {
    const { records, state } = play(4)
    const bad = structuredClone(records)
    bad[1].actor = { id: 'mallory', role: 'agent' }
    const r = replay(sop, bad, { head: state.head })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.index).toBe(2)
    const last = structuredClone(records)
    last[last.length - 1].actor = { id: 'mallory', role: 'agent' }
    const r2 = replay(sop, last, { head: state.head })
    expect(!r2.ok && r2.reason).toMatch(/head/)
  })

  it('reports a removed record and a record the SOP would refuse', () => {
    const { records } = play(4)
    const gap = records.filter((_, i) => i !== 1)
    expect(replay(sop, gap)).toMatchObject({ ok: false, index: 1 })
    const forged = structuredClone(records)
    forged[1].action = 'ship'
    const r = replay(sop, forged)
    expect(!r.ok && r.reason).toMatch(/rejects/)
  })
})

describe('sameJson', () => {
  it('compares like canonical JSON: key order and undefined members do not matter', async () => {
    const { sameJson } = await import('../../engine/replay.ts')
    expect(sameJson({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true)
    expect(sameJson({ a: 1, x: undefined }, { a: 1 })).toBe(true)
    expect(sameJson({ a: 1 }, { a: 2 })).toBe(false)
    expect(sameJson({ a: [1, 2] }, { a: [1, 2, 3] })).toBe(false)
    expect(sameJson({ a: null }, {})).toBe(false)
    expect(sameJson([1], { 0: 1 })).toBe(false)
  })
})
