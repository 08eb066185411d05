import { Webhook } from 'standardwebhooks'
import type { Connection } from '../storage/channelTypes.ts'
import type { OutboxMessage, OutboxStore } from './outbox.ts'
import { urlProblem } from './ssrf.ts'
import type { Delivery } from './worker.ts'

/**
 * The Standard Webhooks headers of a message: its stable id, the time, and a signature with the
 * subscription's secret (and, during a rotation's overlap, with the previous one too).
 */
export function signedHeaders(id: string, body: string, at: Date, secrets: string[]): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    ...(secrets.length
      ? { 'webhook-signature': secrets.map((s) => new Webhook(s).sign(id, at, body)).join(' ') }
      : {}),
  }
}

/** Posts webhook messages: signed, SSRF-checked again at sending (a name may resolve elsewhere now). */
export function webhookSender(
  store: OutboxStore,
  options: {
    timeoutMs?: number
    /** The channel connections: a reply over a connection is signed with its secret. */
    connection?: (id: string) => Promise<Connection | null>
  } = {},
) {
  return async (m: OutboxMessage, now: Date): Promise<Delivery> => {
    const connectionId = (m.payload.data as { connectionId?: string } | undefined)?.connectionId
    let connectionSecret: string | null = null
    if (connectionId && !m.subscriptionId) {
      const c = options.connection ? await options.connection(connectionId) : null
      if (!c?.secret) return { ok: false, status: null, error: 'The connection was removed', permanent: true }
      const problem = await urlProblem(m.target, c.settings.replyAllowPrivate === true)
      if (problem)
        return { ok: false, status: null, error: `The URL is refused: ${problem}`, permanent: true }
      connectionSecret = c.secret
    }
    const sub = m.subscriptionId ? await store.getSubscription(m.subscriptionId) : null
    if (m.subscriptionId && !sub)
      return { ok: false, status: null, error: 'The subscription was removed', permanent: true }
    if (sub) {
      const problem = await urlProblem(m.target, sub.allowPrivate)
      if (problem)
        return { ok: false, status: null, error: `The URL is refused: ${problem}`, permanent: true }
    }
    const secrets = sub
      ? [
          sub.secret,
          ...(sub.previousSecret && sub.previousUntil && now.toISOString() < sub.previousUntil
            ? [sub.previousSecret]
            : []),
        ]
      : connectionSecret
        ? [connectionSecret]
        : []
    const body = JSON.stringify(m.payload)
    try {
      const res = await fetch(m.target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signedHeaders(m.id, body, now, secrets) },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      })
      await res.body?.cancel().catch(() => {})
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status }
      return { ok: false, status: res.status, error: `The receiver answered ${res.status}` }
    } catch (err) {
      const e = err as Error & { cause?: Error }
      return {
        ok: false,
        status: null,
        error: `The receiver could not be reached: ${e.cause?.message ?? e.message}`,
      }
    }
  }
}
