import type { OutboxRow } from '../storage/types.ts'

export type { OutboxRow } from '../storage/types.ts'

export const OUTBOX_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number]

/** A message in the outbox with its delivery state, as admins see it. */
export interface OutboxMessage extends OutboxRow {
  status: OutboxStatus
  attempts: number
  /** While `sending`: until when this delivery holds it (a crashed one is taken again after). */
  leaseUntil: string | null
  sentAt: string | null
  /** The HTTP status of the last attempt (webhooks). */
  lastStatus: number | null
  /** Why the last attempt failed, or why delivery was given up. */
  lastError: string | null
}

/** The ticket events a webhook can subscribe to. */
export const WEBHOOK_EVENTS = [
  'ticket.created',
  'ticket.step_entered',
  'ticket.action_taken',
  'ticket.sla_breached',
  'ticket.sla_warning',
  'ticket.note_added',
  'ticket.assigned',
  'ticket.closed',
  'ticket.reopened',
  'ticket.message_received',
  'survey.answered',
] as const
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

export interface WebhookSubscription {
  id: string
  url: string
  events: WebhookEvent[]
  /** Only tickets of this SOP (null: every SOP). */
  sopId: string | null
  /** `whsec_…` (Standard Webhooks): the receiver verifies with it. */
  secret: string
  /** After a rotation the old secret also signs until `previousUntil`. */
  previousSecret: string | null
  previousUntil: string | null
  /** Loopback and private addresses are allowed (an admin's explicit choice). */
  allowPrivate: boolean
  active: boolean
  createdAt: string
  createdBy: string
}

/** The outbox's storage: the rows come in with ticket commits; this reads and moves them on. */
/** What a delivery attempt came to, as the worker records it. */
export type OutboxMark =
  | { id: string; outcome: 'sent'; at: string; status: number | null }
  | { id: string; outcome: 'retry'; nextAt: string; error: string; status: number | null }
  | { id: string; outcome: 'failed'; error: string; status: number | null }

export interface OutboxStore {
  /** Adds messages outside a ticket commit (a resend, a notice's e-mail); an id already there is kept. */
  enqueue(rows: OutboxRow[]): Promise<void>
  /**
   * Takes up to `limit` messages due at `now` (queued, or sending with an expired lease), marks
   * them sending until `leaseUntil` and counts the attempt.
   */
  lease(now: string, leaseUntil: string, limit: number): Promise<OutboxMessage[]>
  /** Every message a crashed process was sending is queued again (at start, one process per database). */
  release(now: string): Promise<number>
  /** Records a round of delivery attempts, in one transaction (one sync for the whole round). */
  record(marks: OutboxMark[]): Promise<void>
  /** Queues a failed message again, as a fresh attempt series. False: not found or not failed. */
  retry(id: string, now: string): Promise<boolean>
  get(id: string): Promise<OutboxMessage | null>
  list(filter: {
    status?: OutboxStatus
    subscriptionId?: string
    limit: number
    offset: number
  }): Promise<OutboxMessage[]>
  counts(): Promise<Record<OutboxStatus, number>>
  nextDue(): Promise<string | null>

  saveSubscription(s: WebhookSubscription): Promise<void>
  getSubscription(id: string): Promise<WebhookSubscription | null>
  /** Active subscriptions (cached; every save drops the cache). */
  subscriptions(): Promise<WebhookSubscription[]>
  listSubscriptions(): Promise<WebhookSubscription[]>
}

export interface BackoffOptions {
  /** First retry after about this long (ms). */
  baseMs?: number
  /** No wait is longer than this (ms). */
  maxMs?: number
}

/**
 * The wait before retry number `attempt` (1 = after the first failure): exponential, capped, with
 * jitter over the upper half ("equal jitter"), so that messages failing together do not retry in step.
 */
export function backoffMs(attempt: number, random: () => number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 1000
  const max = options.maxMs ?? 3_600_000
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}
