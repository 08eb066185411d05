import { describe, expect, it } from 'vitest'
import { compile, paths, type SopDocumentInput } from '../../engine/index.ts'

const task = (id: string) => ({ id, kind: 'task' as const, title: id.toUpperCase() })
const act = (id: string, from: string, to: string) => ({ id, from, to, action: id })

/**
 * One end, reached from the start directly, through A (directly or through C, which can also loop
 * back to the start) and through B and D. The document lists the longer ways first.
 */
const doc = (): SopDocumentInput => ({
  schema: 'sopflow/v1',
  id: 'order',
  title: 'Order',
  department: 'Care',
  purpose: 'Several ways to one end.',
  initial: 'work',
  steps: [
    task('work'),
    task('a'),
    task('b'),
    task('c'),
    task('d'),
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    act('fin', 'work', 'done'),
    act('to_b', 'work', 'b'),
    act('to_a', 'work', 'a'),
    act('a_c', 'a', 'c'),
    act('a_done', 'a', 'done'),
    act('c_back', 'c', 'work'),
    act('c_done', 'c', 'done'),
    act('b_d', 'b', 'd'),
    act('d_done', 'd', 'done'),
  ],
})

describe('paths: order', () => {
  it('gives the shortest path first, then every other route with the nearest end first at each step', () => {
    expect(paths(compile(doc())).map((p) => p.steps)).toEqual([
      ['work', 'done'],
      ['work', 'a', 'done'],
      ['work', 'a', 'c', 'done'],
      ['work', 'b', 'd', 'done'],
    ])
  })

  it('never comes back to the step a path started in', () => {
    for (const p of paths(compile(doc()))) expect(new Set(p.steps).size).toBe(p.steps.length)
  })
})
