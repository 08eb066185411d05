import { useCallback, useEffect, useState } from 'react'
import { followNotices, listNotices, markNoticesRead, type Notice } from '../api/notifications.ts'

/** The signed-in user's notices and unread count, kept current by the live stream. */
export function useNotices() {
  const [items, setItems] = useState<Notice[]>([])
  const [unread, setUnread] = useState(0)
  useEffect(() => {
    let alive = true
    listNotices()
      .then((r) => {
        if (!alive) return
        setItems(r.items)
        setUnread(r.unread)
      })
      .catch(() => {})
    const stop = followNotices({
      unread: (n) => alive && setUnread(n),
      notice: (n, count) => {
        if (!alive) return
        setItems((xs) => [n, ...xs.filter((x) => x.id !== n.id)].slice(0, 50))
        setUnread(count)
      },
    })
    return () => {
      alive = false
      stop()
    }
  }, [])
  const readAll = useCallback(async () => {
    const r = await markNoticesRead()
    setUnread(r.unread)
    setItems((xs) => xs.map((x) => ({ ...x, readAt: x.readAt ?? new Date().toISOString() })))
  }, [])
  return { items, unread, readAll }
}
