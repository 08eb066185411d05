import { describe, expect, it } from 'vitest'
import { compile, SopError, validate } from '../../engine/index.ts'
import { type Fixture, sampleSop } from './fixtures.ts'

function codes(doc: unknown): string[] {
  return validate(doc).diagnostics.map((d) => d.code)
}

function mutate(change: (doc: Fixture) => void): Fixture {
  const doc = sampleSop()
  change(doc)
  return doc
}

describe('validate', () => {
  it('accepts the sample SOP without errors', () => {
    const result = validate(sampleSop())
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(result.valid).toBe(true)
    expect(result.document?.title).toBe('Sample complaint')
  })

  it('reports schema errors with their JSON path, on their step', () => {
    const result = validate(mutate((d) => Object.assign(d.steps[0], { kind: 'banana' })))
    expect(result.valid).toBe(false)
    const d = result.diagnostics.find((x) => x.code === 'invalid_option')
    expect(d).toMatchObject({ path: 'steps.0.kind', stepId: 'intake', property: 'kind' })
    expect(d?.params).toMatchObject({ value: 'banana', step: 'intake' })
    expect(d?.message).toMatch(/kind/)
  })

  it('rejects input that is not an object', () => {
    expect(validate('nonsense').valid).toBe(false)
    expect(validate(null).diagnostics[0].code).toBe('invalid_document')
  })

  it('names unknown targets', () => {
    const result = validate(mutate((d) => Object.assign(d.transitions[0], { to: 'nowhere' })))
    const d = result.diagnostics.find((x) => x.code === 'unknown_target')
    expect(d).toMatchObject({ severity: 'error', transitionId: 't_start' })
    expect(d?.message).toContain('nowhere')
  })

  it('finds duplicate ids', () => {
    expect(
      codes(mutate((d) => d.steps.push({ id: 'intake', kind: 'end', title: 'x', outcome: 'resolved' }))),
    ).toContain('duplicate_id')
    expect(codes(mutate((d) => d.transitions.push({ ...d.transitions[0] })))).toContain('duplicate_id')
  })

  it('requires an existing initial step', () => {
    expect(codes(mutate((d) => Object.assign(d, { initial: 'missing' })))).toContain('missing_initial')
  })

  it('finds unreachable steps and dead ends', () => {
    const doc = mutate((d) => {
      d.steps.push({ id: 'orphan', kind: 'task', title: 'Orphan' })
    })
    const result = validate(doc)
    expect(result.diagnostics.find((x) => x.code === 'unreachable_step')?.stepId).toBe('orphan')
    expect(result.diagnostics.find((x) => x.code === 'dead_end')?.stepId).toBe('orphan')
  })

  it('requires waits to have a timeout', () => {
    const doc = mutate((d) => {
      d.transitions = d.transitions.filter((t) => t.id !== 't_timeout')
      d.steps = d.steps.filter((s) => s.id !== 'silent')
    })
    expect(validate(doc).diagnostics.find((x) => x.code === 'wait_without_timeout')?.stepId).toBe('reply')
  })

  it('requires an escalation to have an owner role', () => {
    const doc = mutate((d) => {
      d.steps.find((s) => s.id === 'manager')!.roles = []
    })
    const d = validate(doc).diagnostics.find((x) => x.code === 'escalation_without_owner')
    expect(d?.stepId).toBe('intake')
  })

  it('checks guards: syntax, unknown fields and types', () => {
    const syntax = validate(mutate((d) => Object.assign(d.transitions[4], { guard: 'ticket.fault ==' })))
    expect(syntax.diagnostics.find((x) => x.code === 'guard_invalid')?.transitionId).toBe('t_company')
    const unknown = validate(
      mutate((d) => Object.assign(d.transitions[4], { guard: 'ticket.colour == "red"' })),
    )
    const u = unknown.diagnostics.find((x) => x.code === 'guard_unknown_field')
    expect(u?.message).toContain('colour')
    const typed = validate(
      mutate((d) => Object.assign(d.transitions[4], { guard: 'ticket.amount == "lots"' })),
    )
    expect(typed.diagnostics.some((x) => x.code === 'guard_invalid' && x.transitionId === 't_company')).toBe(
      true,
    )
    const notBool = validate(mutate((d) => Object.assign(d.transitions[4], { guard: 'ticket.amount + 1.0' })))
    expect(notBool.diagnostics.find((x) => x.code === 'guard_invalid')?.message).toMatch(/true\/false/)
  })

  it('requires a default branch on decisions', () => {
    const doc = mutate((d) => Object.assign(d.transitions[5], { guard: 'ticket.fault == "customer"' }))
    expect(validate(doc).diagnostics.find((x) => x.code === 'decision_no_default')?.stepId).toBe('route')
  })

  it('requires an outcome on top-level end steps', () => {
    const doc = mutate((d) => {
      delete d.steps.find((s) => s.id === 'resolved')!.outcome
    })
    expect(validate(doc).diagnostics.find((x) => x.code === 'end_without_outcome')?.stepId).toBe('resolved')
  })

  it('flags a nested group that can finish with nowhere to go', () => {
    const doc = mutate((d) => {
      d.transitions = d.transitions.filter((t) => t.id !== 't_inv_done')
    })
    const result = validate(doc)
    expect(result.diagnostics.some((x) => x.code === 'dead_end' && x.stepId === 'investigate')).toBe(true)
  })

  it('lets parallel regions finish without transitions of their own', () => {
    const result = validate(sampleSop())
    expect(result.diagnostics.some((x) => x.stepId === 'replace' || x.stepId === 'notify')).toBe(false)
  })

  it('never compiles an invalid document, and says why', () => {
    const doc = mutate((d) => Object.assign(d.transitions[0], { to: 'nowhere' }))
    let error: unknown
    try {
      compile(doc)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(SopError)
    expect((error as SopError).code).toBe('invalid_document')
    expect((error as SopError).message).toContain('nowhere')
  })
})
