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

describe('replay, reason by reason', () => {
  it('names a record out of number, a history that does not start, and a second start', () => {
    const { records } = play(4)
    const renumbered = structuredClone(records)
    renumbered[2].seq = 7
    expect(replay(sop, renumbered)).toMatchObject({
      ok: false,
      index: 2,
      seq: 7,
      reason: 'record 2 has seq 7',
      expected: 2,
      recorded: 7,
    })
    const headless = structuredClone(records.slice(1)).map((r, i) => ({ ...r, seq: i }))
    expect(replay(sop, headless)).toMatchObject({
      ok: false,
      index: 0,
      reason: 'the first record is not the start of the ticket',
      expected: 'start',
      recorded: headless[0].kind,
    })
    const twice = structuredClone(records)
    twice[1] = { ...structuredClone(records[0]), seq: 1 }
    expect(replay(sop, twice)).toMatchObject({
      ok: false,
      index: 1,
      reason: 'a ticket starts only once',
      expected: 'not start',
      recorded: 'start',
    })
  })

  it('names the members that differ, the refusal, and a head that does not match, with the states so far', () => {
    const { records, state } = play(4)
    const bad = structuredClone(records)
    bad[1].to = ['x']
    bad[1].status = 'closed'
    const r = replay(sop, bad)
    expect(r).toMatchObject({
      ok: false,
      index: 1,
      reason: 'recorded status, to differ from what the SOP gives',
    })
    if (!r.ok) {
      expect(Object.keys(r.expected as object)).toEqual(['status', 'to'])
      expect(r.recorded).toEqual({ status: 'closed', to: ['x'] })
      expect(r.states).toHaveLength(1)
    }
    const refused = structuredClone(records)
    refused[1].action = 'ship'
    const no = replay(sop, refused)
    expect(!no.ok && no.reason).toMatch(/^the SOP rejects this record: \S/)
    expect(!no.ok && no.recorded).toEqual(refused[1])
    const wrongHead = replay(sop, records, { head: 'f'.repeat(64) })
    expect(wrongHead).toMatchObject({
      ok: false,
      index: records.length - 1,
      seq: records.at(-1)!.seq,
      reason: "the last record does not match the ticket's stored head hash",
      expected: 'f'.repeat(64),
      recorded: state.head,
    })
    if (!wrongHead.ok) expect(wrongHead.states).toHaveLength(records.length)
    // Without a head to compare, the same history is fine; so is an empty one.
    expect(replay(sop, records).ok).toBe(true)
    expect(replay(sop, [], { head: null })).toEqual({ ok: true, states: [] })
  })

  it('decides updates, timers and overrides again from their records', async () => {
    const { inputOf } = await import('../../engine/replay.ts')
    const base = { seq: 1, at: '2026-03-02T08:00:00.000Z', actor: { id: 'u', role: 'agent' } }
    expect(inputOf({ ...base, kind: 'update', input: { a: 1 }, ticks: { s: ['x'] } } as never)).toEqual({
      kind: 'update',
      fields: { a: 1 },
      ticks: { s: ['x'] },
    })
    expect(inputOf({ ...base, kind: 'timer', timerId: 'sla:s:1' } as never)).toEqual({
      kind: 'timer',
      timerId: 'sla:s:1',
    })
    expect(inputOf({ ...base, kind: 'timer', timerId: null } as never)).toEqual({
      kind: 'timer',
      timerId: '',
    })
    expect(inputOf({ ...base, kind: 'override', target: 'close', reason: 'Done' } as never)).toEqual({
      kind: 'override',
      target: 'close',
      reason: 'Done',
    })
    expect(inputOf({ ...base, kind: 'override', target: null, reason: null } as never)).toEqual({
      kind: 'override',
      target: '',
      reason: '',
    })
    expect(inputOf({ ...base, kind: 'action', action: null, input: {}, ticks: {} } as never)).toEqual({
      kind: 'action',
      action: '',
      fields: {},
      ticks: {},
    })
  })

  it('compares values as canonical JSON would', async () => {
    const { sameJson } = await import('../../engine/replay.ts')
    expect(sameJson(Number.NaN, Number.NaN)).toBe(true)
    expect(sameJson(undefined, undefined)).toBe(true)
    expect(sameJson(undefined, null)).toBe(false)
    expect(sameJson(null, {})).toBe(false)
    expect(sameJson({}, null)).toBe(false)
    expect(sameJson(1, '1')).toBe(false)
    expect(sameJson([undefined], [null])).toBe(true)
    expect(sameJson([1, 2], [2, 1])).toBe(false)
    expect(sameJson({ a: { b: 1 } }, { a: { b: 2 } })).toBe(false)
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false)
    expect(sameJson({ a: 1, b: undefined }, { a: 1, c: undefined })).toBe(true)
    expect(sameJson({ 0: 1 }, [1])).toBe(false)
  })
})
