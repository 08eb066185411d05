import { useState } from 'react'
import { addWatcher, listWatchers, removeWatcher, type Watcher } from '../api/tickets.ts'
import { useAsync } from '../ui/useAsync.ts'

/** A ticket's watchers, and watching or leaving it. */
export function useWatchers(ticketId: string) {
  const list = useAsync<Watcher[]>(() => listWatchers(ticketId), [ticketId])
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<(Error & { problem?: object }) | null>(null)
  const run = async (fn: () => Promise<Watcher[]>) => {
    setBusy(true)
    setFailure(null)
    try {
      await fn()
      await list.reload()
    } catch (err) {
      setFailure(err as Error & { problem?: object })
    } finally {
      setBusy(false)
    }
  }
  return {
    watchers: list.data ?? [],
    busy,
    failure,
    watch: (userId: string) => run(() => addWatcher(ticketId, userId)),
    leave: (userId: string) => run(() => removeWatcher(ticketId, userId)),
  }
}
