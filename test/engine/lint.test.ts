import { describe, expect, it } from 'vitest'
import { DIAGNOSTIC_CODES, validate } from '../../engine/index.ts'
import { type Fixture, sampleSop } from './fixtures.ts'

function mutate(change: (doc: Fixture) => void): Fixture {
  const doc = sampleSop()
  change(doc)
  return doc
}
const step = (d: Fixture, id: string) => d.steps.find((s) => s.id === id)!
const transition = (d: Fixture, id: string) => d.transitions.find((t) => t.id === id)!

describe('schema problems, each on its part, with the semantic checks still run', () => {
  it('reports a non-ISO SLA on its step and field, and still finds the other problems', () => {
    const result = validate(
      mutate((d) => {
        step(d, 'intake').sla = { due: '4 hours', escalateTo: 'manager' }
        delete step(d, 'resolved').outcome
        d.steps.push({ id: 'orphan', kind: 'task', title: 'Orphan' })
      }),
    )
    expect(result.valid).toBe(false)
    expect(result.document).toBeNull()
    const sla = result.diagnostics.find((x) => x.code === 'invalid_duration')
    expect(sla).toMatchObject({
      severity: 'error',
      stepId: 'intake',
      property: 'sla.due',
      path: 'steps.0.sla.due',
      params: { step: 'intake', value: '4 hours' },
    })
    const codes = result.diagnostics.map((x) => `${x.code}:${x.stepId ?? x.transitionId ?? ''}`)
    expect(codes).toEqual(
      expect.arrayContaining(['end_without_outcome:resolved', 'unreachable_step:orphan', 'dead_end:orphan']),
    )
    // The broken step stays in the semantic pass without its SLA: nothing about it is invented.
    expect(codes).not.toContain('unreachable_step:intake')
    expect(result.diagnostics.filter((x) => x.code === 'invalid_duration')).toHaveLength(1)
  })

  it('reports a transition with a bad delay and does not call its target unreachable', () => {
    const result = validate(mutate((d) => Object.assign(transition(d, 't_timeout'), { after: 'two days' })))
    const bad = result.diagnostics.find((x) => x.code === 'invalid_duration')
    expect(bad).toMatchObject({ transitionId: 't_timeout', property: 'after', params: { value: 'two days' } })
    // Without its delay the wait has no timeout: that is a real consequence and is said.
    expect(result.diagnostics.some((x) => x.code === 'wait_without_timeout' && x.stepId === 'reply')).toBe(
      true,
    )
    expect(result.diagnostics.some((x) => x.code === 'unreachable_step')).toBe(false)
  })

  it('drops a step it cannot read, without reporting references to it again', () => {
    const result = validate(mutate((d) => Object.assign(step(d, 'manager'), { kind: 'boss' })))
    const codes = result.diagnostics.map((x) => x.code)
    expect(result.diagnostics.find((x) => x.code === 'invalid_option')).toMatchObject({
      stepId: 'manager',
      property: 'kind',
      params: { allowed: 'task, decision, wait, group, parallel, end' },
    })
    expect(codes).not.toContain('unknown_target')
    expect(codes).not.toContain('unknown_source')
  })

  it('names missing SOP fields and bad ids by their property', () => {
    const result = validate(
      mutate((d) => {
        Object.assign(d, { title: '' })
        Object.assign(transition(d, 't_start'), { id: '9 bad' })
      }),
    )
    expect(result.diagnostics.find((x) => x.code === 'missing_value')).toMatchObject({ property: 'title' })
    expect(result.diagnostics.find((x) => x.code === 'invalid_id')).toMatchObject({
      transitionId: '9 bad',
      property: 'id',
    })
    expect(result.diagnostics.some((x) => x.code === 'decision_no_default')).toBe(false)
  })

  it('gives every diagnostic a known code and variant, and ids in its params', () => {
    const result = validate(
      mutate((d) => {
        step(d, 'intake').sla = { due: 'soon' }
        Object.assign(transition(d, 't_company'), { guard: 'ticket.fault == "nobody"' })
        d.steps.push({ id: 'orphan', kind: 'task', title: 'Orphan' })
      }),
    )
    for (const x of result.diagnostics) {
      expect(Object.keys(DIAGNOSTIC_CODES)).toContain(x.code)
      if (x.variant) expect(DIAGNOSTIC_CODES[x.code] as readonly string[]).toContain(x.variant)
      if (x.stepId) expect(x.params.step).toBe(x.stepId)
      if (x.transitionId) expect(x.params.transition).toBe(x.transitionId)
    }
  })
})

describe('guard lint rules', () => {
  it('flags a guard comparing a choice field with a value that is not one of its options', () => {
    const result = validate(
      mutate((d) => Object.assign(transition(d, 't_company'), { guard: 'ticket.fault == "p9"' })),
    )
    const d = result.diagnostics.find((x) => x.code === 'guard_unknown_option')
    expect(d).toMatchObject({
      severity: 'error',
      transitionId: 't_company',
      property: 'guard',
      params: { field: 'fault', value: 'p9', allowed: 'company, customer' },
    })
    expect(result.valid).toBe(false)
  })

  it('finds the wrong option on either side, in an "in" list, and not in a string that merely contains it', () => {
    const codes = (guard: string) =>
      validate(mutate((d) => Object.assign(transition(d, 't_company'), { guard }))).diagnostics.filter(
        (x) => x.code === 'guard_unknown_option',
      )
    expect(codes('"nobody" != ticket.fault')).toHaveLength(1)
    expect(codes('ticket.fault in ["company", "vendor"]').map((x) => x.params.value)).toEqual(['vendor'])
    expect(codes('ticket.fault == "company" || ticket.fault == "customer"')).toEqual([])
  })

  it('warns about a guard reading a field no step asks for and no effect sets', () => {
    const result = validate(
      mutate((d) => {
        d.fields.push({ name: 'vip', label: 'VIP', type: 'boolean' })
        Object.assign(transition(d, 't_company'), { guard: 'ticket.vip == true' })
      }),
    )
    const d = result.diagnostics.find((x) => x.code === 'guard_field_never_set' && x.params.field === 'vip')
    expect(d).toMatchObject({ severity: 'warning', transitionId: 't_company' })
  })

  it('does not warn when a step collects the field or an effect sets it', () => {
    const never = (doc: Fixture) =>
      validate(doc).diagnostics.filter((x) => x.code === 'guard_field_never_set' && x.params.field === 'vip')
    const base = (d: Fixture) => {
      d.fields.push({ name: 'vip', label: 'VIP', type: 'boolean' })
      Object.assign(transition(d, 't_company'), { guard: 'ticket.vip == true' })
    }
    expect(
      never(
        mutate((d) => {
          base(d)
          step(d, 'check').requiredFields!.push('vip')
        }),
      ),
    ).toEqual([])
    expect(
      never(
        mutate((d) => {
          base(d)
          transition(d, 't_start').effects = [{ type: 'set', field: 'vip', value: true }]
        }),
      ),
    ).toEqual([])
    // The sample's fault field is asked for in "Check the product".
    expect(validate(sampleSop()).diagnostics.some((x) => x.params.field === 'fault')).toBe(false)
  })
})
