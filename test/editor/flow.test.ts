import { describe, expect, it } from 'vitest'
import { diffDocs } from '../../editor/src/designer/diff.ts'
import type { Doc } from '../../editor/src/designer/useDesigner.ts'
import { toFlow } from '../../editor/src/flow/toFlow.ts'
import { sampleSop } from '../engine/fixtures.ts'

describe('toFlow', () => {
  it('draws every step and transition, containers before their children', () => {
    const doc = sampleSop()
    const { nodes, edges } = toFlow(doc)
    expect(nodes).toHaveLength(doc.steps.length)
    // Every transition, and every SLA escalation as an edge of its own.
    const escalations = doc.steps.filter((s) => s.sla?.escalateTo).length
    expect(edges).toHaveLength(doc.transitions.length + escalations)
    const order = nodes.map((n) => n.id)
    for (const n of nodes) if (n.parentId) expect(order.indexOf(n.parentId)).toBeLessThan(order.indexOf(n.id))
    expect(nodes.find((n) => n.id === 'ship')?.parentId).toBe('replace')
    expect(nodes.find((n) => n.id === 'intake')?.data.initial).toBe(true)
    expect(edges.find((e) => e.id === 't_timeout')?.label).toBe('No reply in 2 days')
    expect(edges.find((e) => e.id === 't_company')?.label).toBe('[ticket.fault == "company"]')
  })

  it('uses the layout stored in the document and decorates steps', () => {
    const doc = { ...sampleSop(), layout: { nodes: { intake: { x: 11, y: 22 } }, edges: {} } }
    const { nodes } = toFlow(doc, (id) => ({ active: id === 'intake', heat: 0.5 }))
    const intake = nodes.find((n) => n.id === 'intake')!
    expect(intake.position).toEqual({ x: 11, y: 22 })
    expect(intake.data).toMatchObject({ active: true, heat: 0.5 })
  })

  it('tolerates an incomplete draft', () => {
    const { nodes, edges } = toFlow({
      steps: [{ id: 'a', kind: 'task' }],
      transitions: [{ id: 't', from: 'a', to: 'missing' }],
    })
    expect(nodes).toHaveLength(1)
    expect(edges).toHaveLength(0)
  })
})

describe('diffDocs', () => {
  it('lists added, removed and changed steps and transitions, and changed SOP fields', () => {
    const before = sampleSop() as unknown as Doc
    const after = structuredClone(before)
    after.title = 'Renamed'
    after.steps = after.steps.filter((s) => s.id !== 'silent')
    after.steps.push({ id: 'survey', kind: 'task', title: 'Send a survey' })
    after.steps.find((s) => s.id === 'intake')!.title = 'Take the call'
    after.transitions = after.transitions.filter((t) => t.id !== 't_timeout')
    const diff = diffDocs(before, after)
    expect(diff.meta).toEqual([{ property: 'title', before: 'Sample complaint', after: 'Renamed' }])
    expect(diff.steps.map((s) => [s.id, s.change])).toEqual(
      expect.arrayContaining([
        ['survey', 'added'],
        ['silent', 'removed'],
        ['intake', 'changed'],
      ]),
    )
    expect(diff.steps).toHaveLength(3)
    expect(diff.steps.find((s) => s.id === 'intake')?.changes).toEqual([
      { property: 'title', before: 'Take the complaint', after: 'Take the call' },
    ])
    expect(diff.transitions.map((t) => [t.id, t.change, t.name])).toEqual([
      ['t_timeout', 'removed', 'No reply in 2 days'],
    ])
    expect(diffDocs(before, structuredClone(before))).toEqual({ steps: [], transitions: [], meta: [] })
  })
})
