/** Moves the keyboard focus to a step on the canvas (once it is drawn). */
export function focusStep(id: string): void {
  requestAnimationFrame(() => {
    document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`)?.focus()
  })
}

/**
 * Brings the inspector's SLA section into view and puts the cursor in it, once the inspector shows
 * the step just selected (it renders in the same event, so the next frame has it).
 */
export function openSlaSection(): void {
  requestAnimationFrame(() => {
    const section = document.getElementById('inspector-sla')
    if (!section) return
    section.scrollIntoView({ block: 'nearest' })
    section.querySelector<HTMLElement>('input, select, textarea')?.focus()
  })
}
