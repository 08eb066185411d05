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
    sla?: { due?: string; escalateTo?: string }
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
  /** For containers: the smallest size that still holds every step inside. */
  minWidth?: number
  minHeight?: number
}

/** What an edge carries: how deep its steps are nested and, between the same two steps, its lane. */
export interface EdgeData extends Record<string, unknown> {
  depth: number
  /** Offset of this edge from the straight line between its steps, in flow pixels (0 = alone). */
  offset: number
  /** Where along its line the label sits (0…1); edges side by side stagger their labels. */
  along?: number
  /** Escalations: the SLA's due time (ISO-8601). */
  due?: string
}

/** Ids of the drawn SLA escalations: `esc:<step id>`; they are not transitions of the document. */
export const ESCALATION_PREFIX = 'esc:'
export const escalationStep = (edgeId: string): string | undefined =>
  edgeId.startsWith(ESCALATION_PREFIX) ? edgeId.slice(ESCALATION_PREFIX.length) : undefined

/** Room kept between a container's edge and the steps inside it. */
const INNER_MARGIN = 24
/** Distance between two edges drawn between the same two steps. */
const LANE = 48

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
): { nodes: Node<StepData>[]; edges: Edge<EdgeData>[] } {
  const steps = doc.steps ?? []
  const ids = new Set(steps.map((s) => s.id))
  const fallback = fallbackPositions(doc)
  const depthOf = (s: { parent?: string }): number => {
    let d = 0
    for (let p = s.parent; p && d < 20; p = steps.find((x) => x.id === p)?.parent) d++
    return d
  }
  const ordered = [...steps].sort((a, b) => depthOf(a) - depthOf(b))
  const sizes = containerSizes(doc, ordered, ids, fallback)
  const nodes: Node<StepData>[] = ordered.map((s) => {
    const placed = doc.layout?.nodes?.[s.id]
    const pos = placed ?? fallback.get(s.id) ?? { x: 0, y: 0 }
    const grown = sizes.get(s.id)
    const size = {
      width: Math.max(placed?.width ?? defaultSize(s.kind).width, grown?.width ?? 0),
      height: Math.max(placed?.height ?? defaultSize(s.kind).height, grown?.height ?? 0),
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
        ...(grown ? { minWidth: grown.width, minHeight: grown.height } : {}),
        ...decorate(s.id),
      },
    }
  })
  const byId = new Map(steps.map((s) => [s.id, s]))
  const nesting = (id: string) => depthOf(byId.get(id) ?? {})
  const edges: Edge<EdgeData>[] = (doc.transitions ?? [])
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
      data: { depth: Math.max(nesting(t.from), nesting(t.to)), offset: 0 },
    }))
  for (const s of steps) {
    const to = s.sla?.escalateTo
    if (!to || !ids.has(to) || to === s.id || s.kind === 'end') continue
    edges.push({
      id: `${ESCALATION_PREFIX}${s.id}`,
      source: s.id,
      target: to,
      type: 'escalation',
      className: 'edge-escalation',
      markerEnd: { type: 'arrowclosed' as never, color: '#dc2626' },
      data: { depth: Math.max(nesting(s.id), nesting(to)), offset: 0, due: s.sla?.due },
    })
  }
  spreadParallel(edges)
  return { nodes, edges }
}

/**
 * Edges between the same two steps (either way) get lanes side by side, so that each one is seen
 * and can be clicked. The sign of an offset is taken along the pair's own direction (from the
 * smaller id to the larger), so that A→B and B→A land on opposite sides.
 */
function spreadParallel(edges: Edge<EdgeData>[]): void {
  const pairs = new Map<string, Edge<EdgeData>[]>()
  for (const e of edges) {
    const key = e.source < e.target ? `${e.source}\u0000${e.target}` : `${e.target}\u0000${e.source}`
    const list = pairs.get(key)
    if (list) list.push(e)
    else pairs.set(key, [e])
  }
  for (const list of pairs.values()) {
    if (list.length < 2) continue
    list.forEach((e, i) => {
      const rank = i - (list.length - 1) / 2
      e.data = {
        ...(e.data as EdgeData),
        offset: e.source < e.target ? rank * LANE : -rank * LANE,
        along: 0.5 + (rank * 0.3) / Math.max(1, list.length - 1),
      }
    })
  }
}

/**
 * The size each container needs to hold its steps (nested containers first), so that a step
 * dropped near a container's edge makes the container grow instead of spilling over it.
 */
function containerSizes(
  doc: DocShape,
  ordered: NonNullable<DocShape['steps']>,
  ids: Set<string>,
  fallback: Map<string, { x: number; y: number }>,
): Map<string, { width: number; height: number }> {
  const need = new Map<string, { width: number; height: number }>()
  const sizeOf = (s: { id: string; kind: string }) => {
    const placed = doc.layout?.nodes?.[s.id]
    const own = {
      width: placed?.width ?? defaultSize(s.kind).width,
      height: placed?.height ?? defaultSize(s.kind).height,
    }
    const grown = need.get(s.id)
    return grown
      ? { width: Math.max(own.width, grown.width), height: Math.max(own.height, grown.height) }
      : own
  }
  // Deepest first: a grown region makes its parallel step grow in turn.
  for (const s of [...ordered].reverse()) {
    if (!s.parent || !ids.has(s.parent)) continue
    const pos = doc.layout?.nodes?.[s.id] ?? fallback.get(s.id) ?? { x: 0, y: 0 }
    const size = sizeOf(s)
    const prev = need.get(s.parent) ?? { width: 0, height: 0 }
    need.set(s.parent, {
      width: Math.max(prev.width, Math.round(pos.x + size.width + INNER_MARGIN)),
      height: Math.max(prev.height, Math.round(pos.y + size.height + INNER_MARGIN)),
    })
  }
  return need
}
