import { useCallback, useEffect, useRef, useState } from 'react'
import { guardLeaving } from '../useRoute.ts'
import type { Autosave } from './useAutosave.ts'

/**
 * Before any in-app navigation the draft is saved; if that fails (offline, refused, a conflict),
 * the owner is asked whether to leave without it. Closing the tab is covered by `beforeunload`.
 */
export function useLeaveGuard(autosave: Autosave) {
  const [asking, setAsking] = useState(false)
  const answer = useRef<((leave: boolean) => void) | null>(null)
  const save = autosave.save
  const isDirty = autosave.isDirty
  useEffect(
    () =>
      guardLeaving(async () => {
        if (await save()) return true
        setAsking(true)
        return new Promise<boolean>((resolve) => {
          answer.current = resolve
        })
      }),
    [save],
  )
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (isDirty()) e.preventDefault()
    }
    window.addEventListener('beforeunload', warn)
    return () => window.removeEventListener('beforeunload', warn)
  }, [isDirty])
  const decide = useCallback((leave: boolean) => {
    setAsking(false)
    answer.current?.(leave)
    answer.current = null
  }, [])
  return { asking, decide }
}
