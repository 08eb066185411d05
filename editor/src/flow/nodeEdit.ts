import { createContext } from 'react'

/** Which step's title is being edited in place: a tiny store, so that only that step re-renders. */
export function editingStore() {
  let current: string | null = null
  const listeners = new Set<() => void>()
  return {
    get: () => current,
    set: (id: string | null) => {
      if (id === current) return
      current = id
      for (const l of listeners) l()
    },
    subscribe: (l: () => void) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
  }
}
export type EditingStore = ReturnType<typeof editingStore>

/** Provided by the designer: in-place renaming and resizing of steps. Absent in read-only diagrams. */
export interface NodeEdit {
  rename: (id: string, title: string) => void
  resize: (id: string, size: { width: number; height: number }) => void
  editing: EditingStore
}
export const NodeEditContext = createContext<NodeEdit | null>(null)

/** The store read-only diagrams subscribe to: nothing is ever edited there. */
export const NO_EDITING = editingStore()
