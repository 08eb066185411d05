import { getToken, request } from './client.ts'

export interface Notice {
  id: string
  userId: string
  ticketId: string | null
  kind: 'sla_breached' | 'sla_warning' | 'escalated' | 'assigned' | 'customer_replied'
  params: Record<string, string>
  createdAt: string
  readAt: string | null
}

export const listNotices = () => request<{ unread: number; items: Notice[] }>('GET', '/notifications')

export const markNoticesRead = (ids?: string[]) =>
  request<{ unread: number }>('POST', '/notifications/read', ids ? { ids } : {})

/**
 * Follows the live stream of the signed-in user's notices (server-sent events, read with fetch so
 * that the token goes in the Authorization header). Returns the function that stops it.
 */
export function followNotices(on: {
  unread: (count: number) => void
  notice: (n: Notice, unread: number) => void
}): () => void {
  const abort = new AbortController()
  const run = async () => {
    const token = getToken()
    const res = await fetch('/api/notifications/stream', {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: abort.signal,
    })
    if (!res.ok || !res.body) return
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      buffer += value
      let end = buffer.indexOf('\n\n')
      while (end >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const event = /^event: (.*)$/m.exec(block)?.[1]
        const data = /^data: (.*)$/m.exec(block)?.[1]
        if (data && event === 'unread') on.unread(JSON.parse(data).unread)
        if (data && event === 'notice') {
          const d = JSON.parse(data) as { notice: Notice; unread: number }
          on.notice(d.notice, d.unread)
        }
        end = buffer.indexOf('\n\n')
      }
    }
  }
  const loop = async () => {
    while (!abort.signal.aborted) {
      await run().catch(() => {})
      if (!abort.signal.aborted) await new Promise((r) => setTimeout(r, 3000))
    }
  }
  void loop()
  return () => abort.abort()
}
