import { getSmoothStepPath, type Position } from '@xyflow/react'

type Ends = {
  sourceX: number
  sourceY: number
  targetX: number
  targetY: number
  sourcePosition: Position
  targetPosition: Position
}

/**
 * The path of an edge and where its label goes. An edge alone between its steps is a smooth-step
 * line; one of several between the same two steps bends `offset` pixels to the side of the straight
 * line, so that the edges and their labels lie apart.
 */
export function edgePath(
  ends: Ends,
  offset: number,
  along = 0.5,
): [path: string, labelX: number, labelY: number] {
  if (!offset) {
    const [path, x, y] = getSmoothStepPath(ends)
    return [path, x, y]
  }
  const { sourceX: sx, sourceY: sy, targetX: tx, targetY: ty } = ends
  // The side is measured along the pair's own direction; `offset` already carries its sign.
  const dx = tx - sx
  const dy = ty - sy
  const length = Math.hypot(dx, dy) || 1
  const nx = -dy / length
  const ny = dx / length
  const mx = (sx + tx) / 2 + nx * offset
  const my = (sy + ty) / 2 + ny * offset
  // A quadratic curve through (mx, my) at its middle has its control point twice as far out.
  const cx = 2 * mx - (sx + tx) / 2
  const cy = 2 * my - (sy + ty) / 2
  // The label sits at `along` of the curve (its middle unless staggered against its neighbours').
  const u = 1 - along
  const lx = u * u * sx + 2 * u * along * cx + along * along * tx
  const ly = u * u * sy + 2 * u * along * cy + along * along * ty
  return [`M ${sx},${sy} Q ${cx},${cy} ${tx},${ty}`, lx, ly]
}
