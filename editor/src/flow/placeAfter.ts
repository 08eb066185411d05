import { defaultSize } from './toFlow.ts'

type Box = { x: number; y: number; width: number; height: number }
type Doc = {
  steps: { id: string; kind: string; parent?: string }[]
  layout?: { nodes?: Record<string, { x: number; y: number; width?: number; height?: number }> }
}

const GAP_Y = 60
const GAP_X = 40
const MARGIN = 16

/**
 * Where a step of `kind` appended after `fromId` goes: below it, or — where that is taken — to the
 * right, never on top of another step beside it (in the same container).
 */
export function placeAfter(doc: Doc, fromId: string, kind: string): { x: number; y: number } {
  const boxOf = (s: { id: string; kind: string }): Box => {
    const l = doc.layout?.nodes?.[s.id]
    const size = defaultSize(s.kind)
    return { x: l?.x ?? 0, y: l?.y ?? 0, width: l?.width ?? size.width, height: l?.height ?? size.height }
  }
  const from = doc.steps.find((s) => s.id === fromId)
  if (!from) return { x: 0, y: 0 }
  const origin = boxOf(from)
  const size = defaultSize(kind)
  const siblings = doc.steps.filter((s) => s.id !== fromId && s.parent === from.parent).map(boxOf)
  const free = (b: Box) =>
    siblings.every(
      (o) =>
        b.x + b.width + MARGIN <= o.x ||
        o.x + o.width + MARGIN <= b.x ||
        b.y + b.height + MARGIN <= o.y ||
        o.y + o.height + MARGIN <= b.y,
    )
  const below = {
    x: Math.round(origin.x + (origin.width - size.width) / 2),
    y: origin.y + origin.height + GAP_Y,
  }
  for (let row = 0; row < 20; row++) {
    for (let col = 0; col < 8; col++) {
      const b = { ...size, x: below.x + col * (size.width + GAP_X), y: below.y + row * (size.height + GAP_Y) }
      if (free(b)) return { x: b.x, y: b.y }
    }
  }
  return below
}
