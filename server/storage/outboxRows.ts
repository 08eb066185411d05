import type { OutboxMessage, OutboxStatus, WebhookEvent, WebhookSubscription } from '../outbox/outbox.ts'

/** Outbox rows and webhook subscriptions as both databases store them. */
type Row = Record<string, unknown>

export function toMessage(r: Row): OutboxMessage {
  return {
    id: r.id as string,
    kind: r.kind as OutboxMessage['kind'],
    ticketId: (r.ticket_id as string | null) ?? null,
    event: r.event as string,
    target: r.target as string,
    subscriptionId: (r.subscription_id as string | null) ?? null,
    payload: JSON.parse(r.payload as string),
    createdAt: r.created_at as string,
    nextAt: r.next_at as string,
    status: r.status as OutboxStatus,
    attempts: r.attempts as number,
    leaseUntil: (r.lease_until as string | null) ?? null,
    sentAt: (r.sent_at as string | null) ?? null,
    lastStatus: (r.last_status as number | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
  }
}

export function toSubscription(r: Row): WebhookSubscription {
  return {
    id: r.id as string,
    url: r.url as string,
    events: JSON.parse(r.events as string) as WebhookEvent[],
    sopId: (r.sop_id as string | null) ?? null,
    secret: r.secret as string,
    previousSecret: (r.previous_secret as string | null) ?? null,
    previousUntil: (r.previous_until as string | null) ?? null,
    allowPrivate: r.allow_private === 1,
    active: r.active === 1,
    createdAt: r.created_at as string,
    createdBy: r.created_by as string,
  }
}
