import { useEffect } from 'react'
import type { Designer } from './useDesigner.ts'

export const SHORTCUTS: [string, string][] = [
  ['Ctrl+Z', 'undo'],
  ['Ctrl+Shift+Z / Ctrl+Y', 'redo'],
  ['Delete / Backspace', 'delete'],
  ['Ctrl+C', 'copy'],
  ['Ctrl+V', 'paste'],
  ['Ctrl+S', 'save'],
  ['Shift+click', 'multi'],
  ['?', 'help'],
]

/** Keyboard shortcuts of the designer (ignored while typing in a field, except save, undo and redo). */
export function useShortcuts(d: Designer, extra: { save: () => void; help: () => void }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey
      const key = e.key.toLowerCase()
      // Saving works wherever the cursor is, and never opens the browser's "save page".
      if (mod && key === 's' && !e.altKey) {
        e.preventDefault()
        extra.save()
        return
      }
      const target = e.target as HTMLElement
      if (target.closest('input, textarea, select, [contenteditable="true"]')) {
        // In the inspector and SOP panel, undo and redo are the designer's: what was typed in a
        // field since it was entered is one step, undone whole (not letter by letter).
        if (!mod || !target.closest('.designer-side') || (key !== 'z' && key !== 'y')) return
        e.preventDefault()
        if (key === 'z' && !e.shiftKey) d.undo()
        else d.redo()
        return
      }
      if (mod && key === 'z' && !e.shiftKey) d.undo()
      else if (mod && (key === 'y' || (key === 'z' && e.shiftKey))) d.redo()
      else if (mod && key === 'c') d.copy(d.selection)
      else if (mod && key === 'v') d.paste()
      else if (key === 'delete' || key === 'backspace') d.remove(d.selection)
      else if (e.key === '?') extra.help()
      else return
      e.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [d, extra])
}
