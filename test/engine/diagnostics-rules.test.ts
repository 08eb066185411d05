import { describe, expect, it } from 'vitest'
import { validate } from '../../engine/index.ts'
import { sampleSop } from './fixtures.ts'

describe('diagnostic params', () => {
  it('name the step and transition a diagnostic is on, and no step or transition when it is on neither', () => {
    const doc = sampleSop()
    doc.glossary = [
      { term: 'SLA', definition: 'Service level agreement' },
      { term: 'SLA', definition: 'Again' },
    ]
    const orphan = { id: 'orphan', kind: 'task' as const, title: 'Orphan' }
    doc.steps.push(orphan)
    doc.transitions.push({ id: 't_orphan', from: 'orphan', to: 'resolved', action: 'close', label: 'Close' })
    doc.transitions.push({ id: 't_ghost', from: 'ghost', to: 'resolved', action: 'x', label: 'X' })
    const { diagnostics } = validate(doc)

    const term = diagnostics.find((d) => d.code === 'duplicate_term')
    expect(term?.params).toStrictEqual({ term: 'SLA' })
    const unreachable = diagnostics.find((d) => d.code === 'unreachable_step')
    expect(unreachable).toMatchObject({ stepId: 'orphan', params: { step: 'orphan' } })
    expect(Object.keys(unreachable?.params ?? {})).not.toContain('transition')
    const ghost = diagnostics.find((d) => d.code === 'unknown_source')
    expect(ghost).toMatchObject({ transitionId: 't_ghost', params: { transition: 't_ghost' } })
  })
})
