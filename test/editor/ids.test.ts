import { describe, expect, it } from 'vitest'
import {
  followLabel,
  followTitle,
  idProblem,
  NOTHING_PUBLISHED,
  publishedIds,
  renameStep,
  slug,
  transitionIds,
  uniqueId,
} from '../../editor/src/designer/ids.ts'
import type { Doc } from '../../editor/src/designer/useDesigner.ts'

function doc(): Doc {
  return {
    schema: 'sopflow/v1',
    id: 'd',
    title: 'D',
    department: 'x',
    purpose: 'y',
    initial: 'step_1',
    steps: [
      { id: 'step_1', kind: 'task', title: 'Step 1', sla: { due: 'PT1H', escalateTo: 'step_2' } },
      { id: 'step_2', kind: 'group', title: 'Step 2', initial: 'inner' },
      { id: 'inner', kind: 'task', title: 'Inner', parent: 'step_2' },
      { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
    ],
    transitions: [
      { id: 'step_2', from: 'step_1', to: 'step_2', action: 'step_2', label: 'Step 2' },
      { id: 'back', from: 'inner', to: 'step_1', action: 'back', label: 'Back' },
    ],
    layout: { nodes: { step_1: { x: 1, y: 2 }, step_2: { x: 3, y: 4 } }, edges: { step_2: {} } },
  }
}

describe('ids from titles', () => {
  it('slugs titles in any language, starting with a letter', () => {
    expect(slug('Gọi lại khách hàng')).toBe('goi_lai_khach_hang')
    expect(slug('Ověřit totožnost')).toBe('overit_totoznost')
    expect(slug('Đổi trả')).toBe('doi_tra')
    expect(slug('2nd call', 'task')).toBe('task_2nd_call')
    expect(slug('!!!', 'wait')).toBe('wait')
    expect(uniqueId('call', new Set(['call', 'call_2']))).toBe('call_3')
  })

  it('moves a never-published step id along with its title, in every reference', () => {
    const d = doc()
    d.steps[0].title = 'Take the call'
    expect(followTitle(d, 'step_1', 'Step 1', NOTHING_PUBLISHED)).toBe('take_the_call')
    expect(d.initial).toBe('take_the_call')
    expect(d.transitions.map((t) => [t.from, t.to])).toEqual([
      ['take_the_call', 'step_2'],
      ['inner', 'take_the_call'],
    ])
    expect(d.layout?.nodes).toEqual({ take_the_call: { x: 1, y: 2 }, step_2: { x: 3, y: 4 } })
  })

  it('renames parents, group starts and SLA escalations', () => {
    const d = doc()
    d.steps[1].title = 'Investigate'
    followTitle(d, 'step_2', 'Step 2', NOTHING_PUBLISHED)
    expect(d.steps[0].sla?.escalateTo).toBe('investigate')
    expect(d.steps[2].parent).toBe('investigate')
    renameStep(d, 'inner', 'check')
    expect(d.steps[1].initial).toBe('check')
    expect(d.transitions[1].from).toBe('check')
  })

  it('keeps a published id, and an id the owner chose, when the title changes', () => {
    const d = doc()
    d.steps[0].title = 'Renamed'
    const published = publishedIds([doc()])
    expect(followTitle(d, 'step_1', 'Step 1', published)).toBe('step_1')
    expect(d.initial).toBe('step_1')
    const e = doc()
    renameStep(e, 'done', 'closed_ok')
    e.steps[3].title = 'Closed'
    expect(followTitle(e, 'closed_ok', 'Done', NOTHING_PUBLISHED)).toBe('closed_ok')
  })

  it('never takes an id another step has', () => {
    const d = doc()
    d.steps[3].title = 'Inner'
    expect(followTitle(d, 'done', 'Done', NOTHING_PUBLISHED)).toBe('inner_2')
  })

  it('names a new transition and its action after its label, and lets them follow the label', () => {
    const d = doc()
    const ids = transitionIds(d, { from: 'step_1', label: 'Step 2' }, 'Step 2', true)
    expect(ids).toEqual({ id: 'step_2_2', action: 'step_2_2' })
    d.transitions[0].label = 'Escalate'
    expect(followLabel(d, 'step_2', 'Step 2', NOTHING_PUBLISHED)).toBe('escalate')
    expect(d.transitions[0].action).toBe('escalate')
    expect(d.layout?.edges).toEqual({ escalate: {} })
    const p = doc()
    p.transitions[0].label = 'Escalate'
    expect(followLabel(p, 'step_2', 'Step 2', publishedIds([doc()]))).toBe('step_2')
    expect(p.transitions[0].action).toBe('step_2')
  })

  it('checks an id the owner types: empty, characters, taken', () => {
    const d = doc()
    expect(idProblem(d, 'step', 'done', '')).toBe('empty')
    expect(idProblem(d, 'step', 'done', '1st')).toBe('format')
    expect(idProblem(d, 'step', 'done', 'has space')).toBe('format')
    expect(idProblem(d, 'step', 'done', 'inner')).toBe('taken')
    expect(idProblem(d, 'step', 'done', 'done')).toBeNull()
    expect(idProblem(d, 'transition', 'back', 'inner')).toBeNull()
    expect(idProblem(d, 'step', 'done', 'closed-ok_2')).toBeNull()
  })
})
