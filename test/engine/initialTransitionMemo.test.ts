import { describe, expect, it } from 'vitest'
import {
  type Actor,
  compile,
  type Decision,
  type FieldValue,
  type Priority,
  start,
} from '../../engine/index.ts'
import { sampleSop } from './fixtures.ts'

const agent: Actor = { id: 'u-agent', role: 'agent' }
const T0 = '2026-03-02T09:00:00.000Z'

/** The sample SOP starting at its decision, whose company branch needs `fault` to be `fault`. */
function startingAtRoute(fault: string) {
  const doc = sampleSop()
  doc.initial = 'route'
  const before = new Set(['intake', 'investigate', 'check', 'checked', 'manager', 'escalated'])
  doc.steps = doc.steps.filter((s) => !before.has(s.id))
  doc.transitions = doc.transitions.filter((t) => !before.has(t.from) && !before.has(t.to))
  const company = doc.transitions.find((t) => t.id === 't_company')!
  company.guard = `ticket.fault == "${fault}"`
  return compile(doc)
}

function begun(d: Decision) {
  if (!d.ok) throw new Error(`rejected: ${d.rejection.code}: ${d.rejection.message}`)
  return { to: d.record.to, priority: d.state.context.priority, fields: d.state.context.fields }
}

describe('remembered initial transitions', () => {
  it('start each ticket where its own fields lead, whatever started before', () => {
    const sop = startingAtRoute('company')
    const inputs: Record<string, FieldValue>[] = [
      { fault: 'company' },
      {},
      { fault: 'customer' },
      { fault: 'company' },
      {},
    ]
    const runs = inputs.map((fields) => begun(start(sop, { actor: agent, now: T0, fields })).to)
    expect(runs).toEqual([['ship', 'call'], ['explain'], ['explain'], ['ship', 'call'], ['explain']])
  })

  it('start each ticket at its own priority', () => {
    const sop = startingAtRoute('company')
    const priorities: (Priority | undefined)[] = [undefined, 'urgent', 'low', undefined]
    const runs = priorities.map((priority) => begun(start(sop, { actor: agent, now: T0, priority })).priority)
    expect(runs).toEqual(['normal', 'urgent', 'low', 'normal'])
  })

  it('start by the SOP version given, after another version started with the same fields', () => {
    const first = begun(
      start(startingAtRoute('company'), { actor: agent, now: T0, fields: { fault: 'customer' } }),
    )
    const second = begun(
      start(startingAtRoute('customer'), { actor: agent, now: T0, fields: { fault: 'customer' } }),
    )
    expect([first.to, second.to]).toEqual([['explain'], ['ship', 'call']])
  })
})
