/** Step titles are 12 px; at this zoom they are 11 px on screen, the smallest that is read with ease. */
export const READABLE_ZOOM = 11 / 12
const PADDING = 24

type Rect = { x: number; y: number; width: number; height: number }

/**
 * The opening view of a flowchart: all of it, where it fits at a readable size (never enlarged
 * beyond its natural size); otherwise as wide as the view allows, clamped to the readable size,
 * from its top, for the rest to be scrolled to.
 */
export function readableViewport(
  bounds: Rect,
  view: { width: number; height: number },
): { x: number; y: number; zoom: number } {
  const w = Math.max(1, view.width - 2 * PADDING)
  const h = Math.max(1, view.height - 2 * PADDING)
  const bw = Math.max(1, bounds.width)
  const bh = Math.max(1, bounds.height)
  const whole = Math.min(1, w / bw, h / bh)
  if (whole >= READABLE_ZOOM) {
    return {
      zoom: whole,
      x: view.width / 2 - (bounds.x + bw / 2) * whole,
      y: view.height / 2 - (bounds.y + bh / 2) * whole,
    }
  }
  const zoom = Math.min(1, Math.max(READABLE_ZOOM, w / bw))
  const x = bw * zoom <= w ? view.width / 2 - (bounds.x + bw / 2) * zoom : PADDING - bounds.x * zoom
  return { zoom, x, y: PADDING - bounds.y * zoom }
}
