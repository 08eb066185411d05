import { useCallback, useEffect, useState } from 'react'
import { ApiError } from '../api/client.ts'
import {
  createWebhook,
  listDeliveries,
  listOutbox,
  listWebhooks,
  type OutboxMessage,
  type OutboxStatus,
  resendDelivery,
  retryMessage,
  rotateWebhook,
  type WebhookSubscription,
} from '../api/outbox.ts'

/** The outbox page's data and actions: messages by state, webhook subscriptions and their logs. */
export function useOutbox() {
  const [filter, setFilter] = useState<OutboxStatus | ''>('')
  const [counts, setCounts] = useState<Record<OutboxStatus, number> | null>(null)
  const [messages, setMessages] = useState<OutboxMessage[]>([])
  const [hooks, setHooks] = useState<WebhookSubscription[]>([])
  const [log, setLog] = useState<{ id: string; rows: OutboxMessage[] } | null>(null)
  const [secret, setSecret] = useState<{ id: string; secret: string } | null>(null)
  const [error, setError] = useState<ApiError | null>(null)

  const reload = useCallback(async () => {
    try {
      const [o, w] = await Promise.all([listOutbox(filter || undefined), listWebhooks()])
      setCounts(o.counts)
      setMessages(o.messages)
      setHooks(w)
      setError(null)
    } catch (e) {
      if (e instanceof ApiError) setError(e)
    }
  }, [filter])
  useEffect(() => {
    void reload()
  }, [reload])

  const run = async (fn: () => Promise<unknown>) => {
    try {
      await fn()
      setError(null)
      await reload()
      return true
    } catch (e) {
      if (e instanceof ApiError) setError(e)
      return false
    }
  }
  return {
    filter,
    setFilter,
    counts,
    messages,
    hooks,
    log,
    secret,
    error,
    retry: (id: string) => run(() => retryMessage(id)),
    create: (body: { url: string; events: string[]; allowPrivate: boolean }) =>
      run(async () => {
        const s = await createWebhook(body)
        if (s.secret) setSecret({ id: s.id, secret: s.secret })
      }),
    rotate: (id: string) =>
      run(async () => {
        const s = await rotateWebhook(id)
        if (s.secret) setSecret({ id: s.id, secret: s.secret })
      }),
    showLog: (id: string) => run(async () => setLog({ id, rows: await listDeliveries(id) })),
    resend: (id: string, mid: string) =>
      run(async () => {
        await resendDelivery(id, mid)
        setLog({ id, rows: await listDeliveries(id) })
      }),
  }
}
