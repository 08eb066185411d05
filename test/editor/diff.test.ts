import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { diffDocs, withRemovedSteps } from '../../editor/src/designer/diff.ts'
import type { Doc } from '../../editor/src/designer/useDesigner.ts'
import { validate } from '../../engine/index.ts'

const raw = (): Doc =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'support-ticket.json'), 'utf8'))
/** The document as the server keeps a published version: parsed, with the schema's defaults filled in. */
const published = (): Doc => validate(raw()).document as unknown as Doc

describe('version differences', () => {
  it('finds no change between a draft as typed and the same document as published', () => {
    const draft = raw()
    draft.layout = { nodes: { intake: { x: 999, y: 1 } }, edges: {} }
    expect(diffDocs(published(), draft)).toEqual({ steps: [], transitions: [], meta: [] })
  })

  it('lists exactly the one added step and its transition', () => {
    const draft = raw()
    draft.steps.push({ id: 'call_back', kind: 'task', title: 'Call back' })
    draft.transitions.push({
      id: 'call_back',
      from: 'intake',
      to: 'call_back',
      action: 'call_back',
      label: 'Call back',
    })
    const diff = diffDocs(published(), draft)
    expect(diff.steps).toEqual([{ id: 'call_back', name: 'Call back', change: 'added', changes: [] }])
    expect(diff.transitions.map((t) => [t.change, t.name])).toEqual([['added', 'Call back']])
    expect(diff.meta).toEqual([])
  })

  it('names each changed property: SLA due, instructions as text, a checklist item, an escalation by title', () => {
    const draft = raw()
    const diagnose = draft.steps.find((s) => s.id === 'diagnose')!
    diagnose.sla = { ...diagnose.sla!, due: 'PT2H' }
    diagnose.instructions = `${diagnose.instructions} Call the customer back.`
    diagnose.checklist = [
      ...(diagnose.checklist ?? []),
      { id: 'photo', text: 'Ask for a photo', required: true },
    ]
    const intake = draft.steps.find((s) => s.id === 'intake')!
    intake.sla = { ...intake.sla!, escalateTo: 'manager_review' }
    const diff = diffDocs(published(), draft)
    expect(diff.steps.map((s) => s.id).sort()).toEqual(['diagnose', 'intake'])
    const changes = diff.steps.find((s) => s.id === 'diagnose')!.changes
    expect(changes).toContainEqual({ property: 'sla.due', before: 'PT4H', after: 'PT2H' })
    expect(changes).toContainEqual({ property: 'checklist', before: null, after: 'Ask for a photo' })
    const text = changes.find((c) => c.property === 'instructions')!
    expect(text.text).toBe(true)
    expect(text.after).toContain('Call the customer back.')
    const title = draft.steps.find((s) => s.id === 'manager_review')!.title
    expect(diff.steps.find((s) => s.id === 'intake')!.changes).toEqual([
      { property: 'sla.escalateTo', before: null, after: title },
    ])
  })

  it('lists a removed step by its title and draws it back as a ghost on the later version', () => {
    const before = published()
    const after = raw()
    after.steps = after.steps.filter((s) => s.id !== 'identification')
    after.transitions = after.transitions.filter(
      (t) => t.from !== 'identification' && t.to !== 'identification',
    )
    const diff = diffDocs(before, after)
    expect(diff.steps).toContainEqual({
      id: 'identification',
      name: 'Identify and classify',
      change: 'removed',
      changes: [],
    })
    const ghost = withRemovedSteps(after, before, diff)
    expect(ghost.steps.map((s) => s.id)).toContain('identification')
    expect(ghost.layout?.nodes?.identification).toEqual(before.layout?.nodes?.identification)
  })
})
