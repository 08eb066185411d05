import { describe, expect, it } from 'vitest'
import { compile, decide, paths, type SopDocumentInput, start } from '../../engine/index.ts'
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

  it('walks loops once and finishes on a document with many branches and a cycle', () => {
    // A care cycle: each round asks six yes/no questions, each sending the ticket two ways, then
    // either closes or waits for the next round. Its simple routes number in the thousands.
    const questions = ['q1', 'q2', 'q3', 'q4', 'q5', 'q6']
    const doc: SopDocumentInput = {
      schema: 'sopflow/v1',
      id: 'cycle',
      title: 'Care cycle',
      department: 'Customer care',
      purpose: 'Call loyal customers every month.',
      fields: questions.map((q) => ({ name: q, label: q, type: 'boolean' })),
      initial: 'wait',
      steps: [
        { id: 'wait', kind: 'wait', title: 'Wait for the round' },
        ...questions.flatMap((q) => [
          { id: `ask_${q}`, kind: 'task' as const, title: `Ask ${q}`, requiredFields: [q] },
          { id: `is_${q}`, kind: 'decision' as const, title: `${q}?` },
          { id: `yes_${q}`, kind: 'task' as const, title: `Yes to ${q}` },
        ]),
        { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
        { id: 'stopped', kind: 'end', title: 'Stopped', outcome: 'cancelled' },
      ],
      transitions: [
        { id: 'round', from: 'wait', to: 'ask_q1', after: 'P30D' },
        { id: 'stop', from: 'wait', to: 'stopped', action: 'stop', label: 'Stop' },
        ...questions.flatMap((q, i) => {
          const next = questions[i + 1] ? `ask_${questions[i + 1]}` : 'close'
          return [
            { id: `asked_${q}`, from: `ask_${q}`, to: `is_${q}`, action: `asked_${q}`, label: 'Asked' },
            { id: `y_${q}`, from: `is_${q}`, to: `yes_${q}`, guard: `ticket.${q}` },
            { id: `n_${q}`, from: `is_${q}`, to: next === 'close' ? 'wait' : next },
            {
              id: `ok_${q}`,
              from: `yes_${q}`,
              to: next === 'close' ? 'wait' : next,
              action: `ok_${q}`,
              label: 'Done',
            },
          ]
        }),
        { id: 'finish', from: 'yes_q6', to: 'done', action: 'finish', label: 'Finish' },
      ],
    }
    const sop = compile(doc)
    // It finishes (in about half a second; a walk that tried the thousands of routes it skips
    // would not end within the test's time-out). How fast is for the bench, not for this test.
    const found = paths(sop, { limit: 300 })
    expect(found.length).toBeGreaterThan(1)
    expect(found.length).toBeLessThanOrEqual(300)
    expect(new Set(found.map((p) => p.endStepId))).toEqual(new Set(['done', 'stopped']))
    const routes = found.map((p) => p.steps.join('>'))
    expect(new Set(routes).size).toBe(routes.length)
    for (const p of found) {
      // The cycle is walked at most once: the wait step appears at most twice.
      expect(p.steps.filter((s) => s === 'wait').length).toBeLessThanOrEqual(2)
      let state = (() => {
        const first = start(sop, { actor: { id: 'u', role: 'agent' }, now: p.startAt })
        if (!first.ok) throw new Error('start rejected')
        return first.state
      })()
      for (const step of p.inputs) {
        const d = decide(sop, state, step.input, step.actor, step.at)
        if (!d.ok) throw new Error(`${p.steps.join('>')}: ${d.rejection.message}`)
        state = d.state
      }
      expect(state.status).toBe('closed')
    }
  })
})
