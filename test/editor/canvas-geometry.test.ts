import { describe, expect, it } from 'vitest'
import { formatDuration } from '../../editor/src/flow/duration.ts'
import { placeAfter } from '../../editor/src/flow/placeAfter.ts'
import { READABLE_ZOOM, readableViewport } from '../../editor/src/flow/readableFit.ts'
import { toFlow } from '../../editor/src/flow/toFlow.ts'

const task = (id: string, extra = {}) => ({ id, kind: 'task', title: id, ...extra })

describe('toFlow: edges that share their steps, escalations, containers', () => {
  it('gives edges between the same two steps lanes on opposite sides, a lone edge none', () => {
    const { edges } = toFlow({
      steps: [task('a'), task('b'), task('c')],
      transitions: [
        { id: 'ab1', from: 'a', to: 'b' },
        { id: 'ab2', from: 'a', to: 'b' },
        { id: 'ba', from: 'b', to: 'a' },
        { id: 'bc', from: 'b', to: 'c' },
      ],
    })
    const offset = (id: string) => Number(edges.find((e) => e.id === id)?.data?.offset)
    expect(new Set([offset('ab1'), offset('ab2'), -offset('ba')]).size).toBe(3)
    expect(offset('bc')).toBe(0)
  })

  it('draws an SLA escalation as its own edge to the escalation step, not for a missing step', () => {
    const { edges } = toFlow({
      steps: [
        task('work', { sla: { due: 'PT4H', escalateTo: 'boss' } }),
        task('boss'),
        task('lost', { sla: { due: 'PT1H', escalateTo: 'nowhere' } }),
      ],
      transitions: [],
    })
    expect(edges.map((e) => [e.id, e.source, e.target, e.type, e.data?.due])).toEqual([
      ['esc:work', 'work', 'boss', 'escalation', 'PT4H'],
    ])
  })

  it('grows a container (and the one around it) to hold a step placed near its edge', () => {
    const { nodes } = toFlow({
      steps: [
        { id: 'par', kind: 'parallel', title: 'Both' },
        { id: 'region', kind: 'group', title: 'Region', parent: 'par' },
        task('inner', { parent: 'region' }),
      ],
      transitions: [],
      layout: {
        nodes: {
          par: { x: 0, y: 0, width: 480, height: 260 },
          region: { x: 400, y: 200, width: 300, height: 220 },
          inner: { x: 250, y: 10 },
        },
      },
    })
    const size = (id: string) => nodes.find((n) => n.id === id)!
    // The region holds its task (250 + 190 + margin) and the parallel step holds the grown region.
    expect(size('region').width).toBeGreaterThanOrEqual(440)
    expect(size('par').width).toBeGreaterThanOrEqual(400 + Number(size('region').width))
    expect(size('par').height).toBeGreaterThanOrEqual(420)
  })
})

describe('placeAfter', () => {
  it('places below the step, and to the right where below is taken', () => {
    const doc = {
      steps: [task('a'), task('b')],
      layout: { nodes: { a: { x: 0, y: 0 }, b: { x: 0, y: 116 } } },
    }
    const p = placeAfter(doc, 'a', 'task')
    expect(p.y).toBeGreaterThanOrEqual(56)
    expect(p.x >= 190 || p.y >= 116 + 56).toBe(true)
    expect(placeAfter({ steps: [task('a')], layout: doc.layout }, 'a', 'task')).toEqual({ x: 0, y: 116 })
  })
})

describe('readableViewport', () => {
  it('shows all of a small flowchart, never enlarged', () => {
    expect(readableViewport({ x: 0, y: 0, width: 400, height: 300 }, { width: 1000, height: 800 }).zoom).toBe(
      1,
    )
  })

  it('fits a tall flowchart by width at a readable zoom, from its top', () => {
    const v = readableViewport({ x: 0, y: 0, width: 800, height: 3000 }, { width: 900, height: 700 })
    expect(v.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM)
    expect(v.y).toBe(24)
  })
})

describe('formatDuration', () => {
  it('says an ISO-8601 duration in the reader language and keeps what it cannot read', () => {
    expect(formatDuration('PT4H', 'cs')).toMatch(/^4\s*h$/)
    expect(formatDuration('P2D', 'vi')).toMatch(/2\s*ngày/)
    expect(formatDuration('4 hours', 'en')).toBe('4 hours')
  })
})
