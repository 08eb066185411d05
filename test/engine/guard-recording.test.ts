import { describe, expect, it } from 'vitest'
import { createMachine } from 'xstate'
import { noteGuard, recordingGuards } from '../../engine/guardProbe.ts'
import { pureInitialTransition, pureTransition } from '../../engine/pureTransition.ts'

describe('recording the guards a step evaluates', () => {
  it('records each guard noted during the step, in order, and gives the step’s result', () => {
    const [value, log] = recordingGuards(() => {
      expect(noteGuard('a', true, false)).toBe(false)
      expect(noteGuard('b', false, true)).toBe(true)
      return 42
    })
    expect(value).toBe(42)
    expect(log).toEqual([
      { id: 'a', action: true, result: false },
      { id: 'b', action: false, result: true },
    ])
  })

  it('records nothing outside a step, and gives an empty record for a step without guards', () => {
    expect(noteGuard('a', true, true)).toBe(true)
    expect(recordingGuards(() => 'x')).toEqual(['x', []])
  })

  it('gives an inner step its own record and resumes the outer one after it, even when it throws', () => {
    const [, outer] = recordingGuards(() => {
      noteGuard('before', false, true)
      const [, inner] = recordingGuards(() => noteGuard('inside', false, false))
      expect(inner).toEqual([{ id: 'inside', action: false, result: false }])
      expect(() =>
        recordingGuards(() => {
          noteGuard('thrown', false, true)
          throw new Error('step failed')
        }),
      ).toThrow('step failed')
      noteGuard('after', true, true)
    })
    expect(outer.map((g) => g.id)).toEqual(['before', 'after'])
  })
})

describe('pure transitions', () => {
  const machine = createMachine({
    initial: 'idle',
    entry: [{ type: 'opened' }],
    states: {
      idle: { on: { go: { target: 'busy', actions: [{ type: 'went', params: { to: 'busy' } }] } } },
      busy: { entry: [{ type: 'arrived' }] },
    },
  })

  it('gives the initial snapshot and exactly the actions it would run', () => {
    const [snapshot, actions] = pureInitialTransition(machine, undefined)
    expect(snapshot.value).toBe('idle')
    expect(actions.map((a) => a.type)).toEqual(['opened'])
  })

  it('gives the next snapshot and exactly the actions of that step, without running them', () => {
    const [first] = pureInitialTransition(machine, undefined)
    const [next, actions] = pureTransition(machine, first, { type: 'go' })
    expect(next.value).toBe('busy')
    expect(actions).toEqual([
      expect.objectContaining({ type: 'went', params: { to: 'busy' } }),
      expect.objectContaining({ type: 'arrived' }),
    ])
    const [again, none] = pureTransition(machine, next, { type: 'go' })
    expect(again.value).toBe('busy')
    expect(none).toEqual([])
  })
})
