import type { Edge, Node } from '@xyflow/react'
import type { EdgeData, StepData } from '../flow/toFlow.ts'

const sameData = (a: Record<string, unknown>, b: Record<string, unknown>) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  for (const k of keys) if (a[k] !== b[k]) return false
  return true
}

/**
 * The steps to draw, reusing the drawn objects of steps that did not change; a changed step keeps
 * its measured size (React Flow measures it again if its size really changed), so that its edges
 * stay drawn instead of waiting a frame for the measurement.
 */
export function keepNodes(
  prev: Node<StepData>[],
  next: Node<StepData>[],
  selected: Set<string>,
): Node<StepData>[] {
  const old = new Map(prev.map((n) => [n.id, n]))
  return next.map((n) => {
    const p = old.get(n.id)
    const isSelected = selected.has(n.id)
    if (
      p &&
      p.selected === isSelected &&
      p.type === n.type &&
      p.parentId === n.parentId &&
      p.position.x === n.position.x &&
      p.position.y === n.position.y &&
      p.width === n.width &&
      p.height === n.height &&
      sameData(p.data, n.data)
    )
      return p
    return { ...n, selected: isSelected, ...(p?.measured ? { measured: p.measured } : {}) }
  })
}

/** The edges to draw, reusing the drawn objects of edges that did not change. */
export function keepEdges(
  prev: Edge<EdgeData>[],
  next: Edge<EdgeData>[],
  isSelected: (e: Edge<EdgeData>) => boolean,
): Edge<EdgeData>[] {
  const old = new Map(prev.map((e) => [e.id, e]))
  return next.map((e) => {
    const p = old.get(e.id)
    const selected = isSelected(e)
    if (
      p &&
      p.selected === selected &&
      p.source === e.source &&
      p.target === e.target &&
      p.label === e.label &&
      p.type === e.type &&
      p.className === e.className &&
      p.animated === e.animated &&
      sameData(p.data ?? {}, e.data ?? {})
    )
      return p
    return { ...e, selected }
  })
}
