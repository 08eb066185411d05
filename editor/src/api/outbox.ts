import { request } from './client.ts'

export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed'

export interface OutboxMessage {
  id: string
  kind: 'mail' | 'webhook' | 'notify'
  ticketId: string | null
  event: string
  target: string
  subscriptionId: string | null
  status: OutboxStatus
  attempts: number
  nextAt: string
  createdAt: string
  sentAt: string | null
  lastStatus: number | null
  lastError: string | null
}

export interface WebhookSubscription {
  id: string
  url: string
  events: string[]
  sopId: string | null
  allowPrivate: boolean
  active: boolean
  secretHint: string
  previousUntil: string | null
  /** Only in the answer to a create or a rotation. */
  secret?: string
}

export const listOutbox = (status?: OutboxStatus) =>
  request<{ counts: Record<OutboxStatus, number>; messages: OutboxMessage[] }>(
    'GET',
    `/outbox${status ? `?status=${status}` : ''}`,
  )
export const retryMessage = (id: string) =>
  request<OutboxMessage>('POST', `/outbox/${encodeURIComponent(id)}/retry`)
export const listWebhooks = () => request<WebhookSubscription[]>('GET', '/webhooks')
export const createWebhook = (body: { url: string; events: string[]; allowPrivate: boolean }) =>
  request<WebhookSubscription>('POST', '/webhooks', body)
export const rotateWebhook = (id: string) =>
  request<WebhookSubscription>('POST', `/webhooks/${encodeURIComponent(id)}/rotate`, {})
export const listDeliveries = (id: string) =>
  request<OutboxMessage[]>('GET', `/webhooks/${encodeURIComponent(id)}/deliveries`)
export const resendDelivery = (id: string, mid: string) =>
  request<OutboxMessage>(
    'POST',
    `/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(mid)}/resend`,
  )
