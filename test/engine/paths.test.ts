import { describe, expect, it } from 'vitest'
import { compile, decide, paths, start } from '../../engine/index.ts'
import { sampleSop } from './fixtures.ts'

const sop = compile(sampleSop())

describe('paths', () => {
  const found = paths(sop)

  it('finds a path to every end step with its outcome', () => {
    const ends = new Set(found.map((p) => p.endStepId))
    expect(ends).toEqual(new Set(['resolved', 'silent', 'escalated']))
    for (const p of found) expect(p.outcome).toBe(sop.steps.get(p.endStepId)?.outcome)
  })

  it('covers both branches of the decision and both orders of the parallel regions', () => {
    const visits = found.map((p) => p.steps.join('>'))
    expect(visits).toContain('intake>check>checked>route>explain>reply>silent')
    expect(visits.some((v) => v.includes('route>ship'))).toBe(true)
    expect(visits.some((v) => v.includes('called>shipped'))).toBe(true)
    expect(visits.some((v) => v.includes('shipped>called'))).toBe(true)
  })

  it('gives paths that play to their end step', () => {
    for (const p of found) {
      const first = start(sop, { actor: { id: 'u', role: 'agent' }, now: p.startAt })
      if (!first.ok) throw new Error('start rejected')
      let state = first.state
      for (const step of p.inputs) {
        const d = decide(sop, state, step.input, step.actor, step.at)
        expect(d.ok).toBe(true)
        if (d.ok) state = d.state
      }
      expect(state.status).toBe('closed')
      expect(Object.keys(state.active)).toContain(p.endStepId)
    }
  })
})
