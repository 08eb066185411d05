import type { Edge, Node } from '@xyflow/react'

/** The parts of an SOP document the flowchart draws (a draft may be incomplete, so all optional). */
export interface DocShape {
  initial?: string
  steps?: {
    id: string
    kind: string
    title?: string
    parent?: string
    outcome?: string
    sla?: { due?: string }
  }[]
  transitions?: {
    id: string
    from: string
    to: string
    label?: string
    action?: string
    after?: string
    guard?: string
  }[]
  layout?: { nodes?: Record<string, { x: number; y: number; width?: number; height?: number }> }
}

export interface StepData extends Record<string, unknown> {
  kind: string
  title: string
  outcome?: string
  sla?: string
  initial?: boolean
  active?: boolean
  heat?: number
  badge?: string
  invalid?: boolean
}

export const CONTAINER = new Set(['group', 'parallel'])
const SIZE: Record<string, { width: number; height: number }> = {
  task: { width: 190, height: 56 },
  wait: { width: 190, height: 56 },
  decision: { width: 150, height: 70 },
  end: { width: 150, height: 44 },
  group: { width: 300, height: 220 },
  parallel: { width: 480, height: 260 },
}

export function defaultSize(kind: string) {
  return SIZE[kind] ?? SIZE.task
}

/** Positions for steps the layout does not place: rows by distance from the initial step. */
function fallbackPositions(doc: DocShape): Map<string, { x: number; y: number }> {
  const steps = doc.steps ?? []
  const out = new Map<string, { x: number; y: number }>()
  const depth = new Map<string, number>()
  const first = steps.find((s) => s.id === doc.initial) ?? steps[0]
  const queue = first ? [first.id] : []
  if (first) depth.set(first.id, 0)
  while (queue.length) {
    const id = queue.shift()!
    for (const t of doc.transitions ?? []) {
      if (t.from === id && !depth.has(t.to)) {
        depth.set(t.to, depth.get(id)! + 1)
        queue.push(t.to)
      }
    }
  }
  const perRow = new Map<string, number>()
  for (const s of steps) {
    const key = `${s.parent ?? ''}:${depth.get(s.id) ?? 0}`
    const col = perRow.get(key) ?? 0
    perRow.set(key, col + 1)
    out.set(
      s.id,
      s.parent
        ? { x: 20 + col * 210, y: 50 + (depth.get(s.id) ?? 0) * 30 }
        : { x: col * 240, y: (depth.get(s.id) ?? 0) * 120 },
    )
  }
  return out
}

/** Converts a document into React Flow nodes (containers first, children with `parentId`) and edges. */
export function toFlow(
  doc: DocShape,
  decorate: (id: string) => Partial<StepData> = () => ({}),
): { nodes: Node<StepData>[]; edges: Edge[] } {
  const steps = doc.steps ?? []
  const ids = new Set(steps.map((s) => s.id))
  const fallback = fallbackPositions(doc)
  const depthOf = (s: { parent?: string }): number => {
    let d = 0
    for (let p = s.parent; p && d < 20; p = steps.find((x) => x.id === p)?.parent) d++
    return d
  }
  const ordered = [...steps].sort((a, b) => depthOf(a) - depthOf(b))
  const nodes: Node<StepData>[] = ordered.map((s) => {
    const placed = doc.layout?.nodes?.[s.id]
    const pos = placed ?? fallback.get(s.id) ?? { x: 0, y: 0 }
    const size = {
      width: placed?.width ?? defaultSize(s.kind).width,
      height: placed?.height ?? defaultSize(s.kind).height,
    }
    return {
      id: s.id,
      type: s.kind in SIZE ? s.kind : 'task',
      position: { x: pos.x, y: pos.y },
      ...(s.parent && ids.has(s.parent) ? { parentId: s.parent } : {}),
      style: CONTAINER.has(s.kind) ? { width: size.width, height: size.height } : undefined,
      width: size.width,
      height: size.height,
      data: {
        kind: s.kind,
        title: s.title || s.id,
        outcome: s.outcome,
        sla: s.sla?.due,
        initial: s.id === doc.initial,
        ...decorate(s.id),
      },
    }
  })
  const byId = new Map(steps.map((s) => [s.id, s]))
  const nesting = (id: string) => depthOf(byId.get(id) ?? {})
  const edges: Edge[] = (doc.transitions ?? [])
    .filter((t) => ids.has(t.from) && ids.has(t.to))
    .map((t) => ({
      id: t.id,
      source: t.from,
      target: t.to,
      label: t.label || t.action || (t.after ? `⏱ ${t.after}` : t.guard ? `[${t.guard}]` : ''),
      type: 'labelled',
      animated: Boolean(t.after),
      className: t.after ? 'edge-delay' : t.guard ? 'edge-guard' : t.action ? 'edge-action' : 'edge-auto',
      markerEnd: { type: 'arrowclosed' as never },
      // Labels stack like the steps they join: above the containers those steps are in.
      data: { depth: Math.max(nesting(t.from), nesting(t.to)) },
    }))
  return { nodes, edges }
}
