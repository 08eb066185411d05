import { describe, expect, it } from 'vitest'
import { copyFlow } from '../../editor/src/designer/EmptyStart.tsx'
import { emptyDoc } from '../../editor/src/designer/useDesigner.ts'
import { sampleSop } from '../engine/fixtures.ts'

describe('starting a draft from a copy of another SOP', () => {
  it('copies the flow and fields, keeps the draft id and title, fills only empty metadata', () => {
    const source = sampleSop() as never as ReturnType<typeof emptyDoc>
    const draft = { ...emptyDoc('mine', 'My SOP'), department: 'Sales' }
    const copy = copyFlow(draft, source)
    expect(copy.id).toBe('mine')
    expect(copy.title).toBe('My SOP')
    expect(copy.department).toBe('Sales')
    expect(copy.purpose).toBe(source.purpose)
    expect(copy.steps).toEqual(source.steps)
    expect(copy.transitions).toEqual(source.transitions)
    expect(copy.fields).toEqual(source.fields ?? [])
    expect(copy.initial).toBe(source.initial)
    // A deep copy: editing the draft leaves the source alone.
    copy.steps[0].title = 'changed'
    expect(source.steps[0].title).not.toBe('changed')
  })
})
