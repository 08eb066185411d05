import { describe, expect, it } from 'vitest'
import { longCase, longHistory } from '../../bench/engine.ts'
import { compile, replay, SAMPLE_EVERY } from '../../engine/index.ts'
import { withoutTransitionMemo } from '../../engine/transitionMemo.ts'

const sop = compile(longCase())
const { records, state } = longHistory(sop, 300)

describe('replay with the transition memo', () => {
  it('reaches the same states as XState alone, checking every record against the head', () => {
    const memoised = replay(sop, records, { head: state.head })
    const plain = withoutTransitionMemo(() => replay(sop, records, { head: state.head }))
    expect(memoised.ok).toBe(true)
    expect(plain.ok).toBe(true)
    expect(memoised.states).toEqual(plain.states)
    expect(memoised.states.at(-1)).toEqual(state)
  })

  it('catches a tampered record between two sampled ones after the memo has seen the history', () => {
    expect(replay(sop, records, { head: state.head }).ok).toBe(true)
    const index = SAMPLE_EVERY + 37
    const moved = structuredClone(records)
    moved[index].to = ['done']
    const r1 = replay(sop, moved, { head: state.head })
    expect(r1).toMatchObject({ ok: false, index, recorded: { to: ['done'] } })
    expect(r1.ok ? '' : r1.reason).toContain('to')

    const retyped = structuredClone(records)
    const at = retyped.findIndex((r, i) => i > SAMPLE_EVERY + 1 && i % SAMPLE_EVERY && r.input.summary)
    retyped[at].input = { ...retyped[at].input, summary: 'Changed afterwards' }
    const r2 = replay(sop, retyped, { head: state.head })
    expect(r2).toMatchObject({ ok: false, index: at })
    expect(r2.ok ? '' : r2.reason).toContain('fieldChanges')
  })
})
