import { useEffect, useRef } from 'react'
import type { Designer } from './useDesigner.ts'

/** Steps moved by an arrow key, and by Shift+arrow. */
export const NUDGE = 10
export const NUDGE_BIG = 50
/** How long after A the kind's letter still appends. */
const CHORD_MS = 1500
const APPEND_KEYS: Record<string, string> = { t: 'task', d: 'decision', w: 'wait', e: 'end' }
const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
}

/** The canvas keys, listed in the help dialog (the text is `help.<key>` in the designer's locale). */
export const CANVAS_SHORTCUTS: [string, string][] = [
  ['Tab / Shift+Tab', 'focusStep'],
  ['Enter', 'selectStep'],
  ['← ↑ → ↓', 'moveStep'],
  ['Shift+← ↑ → ↓', 'moveStepFar'],
  ['A, T / D / W / E', 'append'],
  ['Ctrl+Enter', 'appendTask'],
  ['C', 'connectTo'],
  ['F2', 'rename'],
  ['Esc', 'escape'],
]

export interface CanvasKeys {
  append: (fromId: string, kind: string) => void
  connect: (fromId: string) => void
  rename: (id: string) => void
  escape: () => boolean
  /** Where a step is now (relative to its container), as drawn. */
  positionOf: (id: string) => { x: number; y: number } | undefined
}

/**
 * The keyboard on the canvas: Enter selects the focused step, arrows move the selection (one undo
 * step each), A then T/D/W/E (or Ctrl+Enter) appends after the selected step, C opens "connect to…",
 * F2 renames, Esc closes the pad. Keys typed into fields and dialogs are left alone.
 */
export function useCanvasKeyboard(d: Designer, keys: CanvasKeys): void {
  const dRef = useRef(d)
  dRef.current = d
  const keysRef = useRef(keys)
  keysRef.current = keys
  useEffect(() => {
    let chord = 0
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement
      if (target.closest('input, textarea, select, [contenteditable="true"], dialog')) return
      const onCanvas = target.closest('.canvas')
      if (!onCanvas && target !== document.body) return
      const d = dRef.current
      const k = keysRef.current
      const node = target.closest<HTMLElement>('.react-flow__node')
      const steps = d.selection?.kind === 'step' ? d.selection.ids : []
      const one = steps.length === 1 ? steps[0] : undefined
      // Nothing leaves an end: no appending or connecting from one.
      const from = one && d.doc.steps.find((s) => s.id === one)?.kind !== 'end' ? one : undefined
      const key = e.key.toLowerCase()
      const mod = e.ctrlKey || e.metaKey
      let handled = true
      if (e.key === 'Enter' && mod && from) k.append(from, 'task')
      else if (e.key === 'Enter' && node?.dataset.id && !mod)
        d.setSelection({ kind: 'step', ids: [node.dataset.id] })
      else if (ARROWS[e.key] && steps.length && !mod && !e.altKey) {
        const [dx, dy] = ARROWS[e.key]
        const by = e.shiftKey ? NUDGE_BIG : NUDGE
        for (const id of steps) {
          const at = k.positionOf(id) ?? d.doc.layout?.nodes?.[id] ?? { x: 0, y: 0 }
          d.moveStep(id, { x: at.x + dx * by, y: at.y + dy * by })
        }
      } else if (key === 'a' && !mod && !e.altKey && from) chord = Date.now()
      else if (APPEND_KEYS[key] && !mod && from && Date.now() - chord < CHORD_MS) {
        chord = 0
        k.append(from, APPEND_KEYS[key])
      } else if (key === 'c' && !mod && !e.altKey && from) k.connect(from)
      else if (e.key === 'F2' && one) k.rename(one)
      else if (e.key === 'Escape') handled = k.escape()
      else handled = false
      if (!handled) return
      e.preventDefault()
      e.stopPropagation()
    }
    // Capturing, so that the canvas' own handling of these keys on a step does not run as well.
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [])
}
