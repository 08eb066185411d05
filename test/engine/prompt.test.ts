import { describe, expect, it } from 'vitest'
import { type Accepted, compile, type Decision, decide, prompt, start } from '../../engine/index.ts'
import { sampleSop } from './fixtures.ts'

const sop = compile(sampleSop())
const agent = { id: 'u1', role: 'agent' }
const T0 = '2026-03-02T09:00:00.000Z'

function ok(d: Decision): Accepted {
  if (!d.ok) throw new Error(d.rejection.message)
  return d
}

describe('prompt', () => {
  it('shows the current step with its instructions, checklist, fields, glossary and SLA', () => {
    const s = ok(start(sop, { actor: agent, now: T0 })).state
    const p = prompt(sop, s, agent, '2026-03-02T09:10:00.000Z')
    expect(p.status).toBe('open')
    expect(p.steps).toHaveLength(1)
    const step = p.steps[0]
    expect(step).toMatchObject({
      stepId: 'intake',
      title: 'Take the complaint',
      kind: 'task',
      roles: ['agent'],
    })
    expect(step.checklist).toEqual([{ id: 'greet', text: 'Greet the customer', required: true, done: false }])
    expect(step.requiredFields).toEqual([
      { name: 'customer_name', label: 'Customer name', type: 'text', filled: false },
    ])
    expect(step.glossary.map((g) => g.term)).toEqual(['SLA'])
    expect(step.sla).toMatchObject({ due: 'PT1H', dueAt: '2026-03-02T10:00:00.000Z', breached: false })
  })

  it('lists every action with whether it is available and why not', () => {
    const s = ok(start(sop, { actor: agent, now: T0 })).state
    const p = prompt(sop, s, agent, T0)
    const byAction = Object.fromEntries(p.actions.map((a) => [a.action, a]))
    expect(byAction.start_investigation.available).toBe(false)
    expect(byAction.start_investigation.blocked?.code).toBe('missing_fields')
    expect(byAction.escalate.available).toBe(true)
    expect(byAction.escalate.label).toBe('Escalate to manager')
  })

  it('shows parallel steps side by side, with group paths', () => {
    let s = ok(start(sop, { actor: agent, now: T0 })).state
    s = ok(
      decide(
        sop,
        s,
        {
          kind: 'action',
          action: 'start_investigation',
          fields: { customer_name: 'A' },
          ticks: { intake: ['greet'] },
        },
        agent,
        T0,
      ),
    ).state
    s = ok(decide(sop, s, { kind: 'action', action: 'done', fields: { fault: 'company' } }, agent, T0)).state
    const p = prompt(sop, s, agent, T0)
    expect(p.steps.map((x) => x.stepId).sort()).toEqual(['call', 'ship'])
    expect(p.steps.find((x) => x.stepId === 'ship')?.path).toEqual(['Replace and notify', 'Replace'])
    expect(p.actions.map((a) => a.action).sort()).toEqual(['call', 'ship'])
  })

  it('marks an SLA breached once its deadline has passed', () => {
    const s = ok(start(sop, { actor: agent, now: T0 })).state
    expect(prompt(sop, s, agent, '2026-03-02T11:00:00.000Z').steps[0].sla?.breached).toBe(true)
  })

  it('tells a role that cannot act why', () => {
    let s = ok(start(sop, { actor: agent, now: T0 })).state
    s = ok(decide(sop, s, { kind: 'action', action: 'escalate' }, agent, T0)).state
    const p = prompt(sop, s, agent, T0)
    expect(p.actions.every((a) => !a.available && a.blocked?.code === 'role_not_permitted')).toBe(true)
  })
})
