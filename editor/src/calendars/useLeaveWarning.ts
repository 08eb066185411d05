import { useCallback, useEffect, useRef, useState } from 'react'
import { guardLeaving } from '../useRoute.ts'

/**
 * While there are unsaved edits, leaving the page in the app asks first, and closing or
 * reloading the tab brings up the browser's own warning.
 */
export function useLeaveWarning(dirty: boolean) {
  const [asking, setAsking] = useState(false)
  const answer = useRef<((leave: boolean) => void) | null>(null)
  const dirtyNow = useRef(dirty)
  dirtyNow.current = dirty
  useEffect(() => {
    const removeGuard = guardLeaving(() => {
      if (!dirtyNow.current) return true
      setAsking(true)
      return new Promise<boolean>((resolve) => {
        answer.current = resolve
      })
    })
    const warn = (e: BeforeUnloadEvent) => {
      if (dirtyNow.current) e.preventDefault()
    }
    window.addEventListener('beforeunload', warn)
    return () => {
      removeGuard()
      window.removeEventListener('beforeunload', warn)
    }
  }, [])
  /** Lets the next navigation go without asking (the edits were just saved). */
  const release = useCallback(() => {
    dirtyNow.current = false
  }, [])
  const decide = useCallback((leave: boolean) => {
    setAsking(false)
    answer.current?.(leave)
    answer.current = null
  }, [])
  return { asking, decide, release }
}
