import type { TransitionRecord } from '../../engine/index.ts'
import { noticeRows } from '../notifications/deliver.ts'
import { newId } from '../services/crypto.ts'
import { GroupCommitter } from '../storage/groupCommit.ts'
import type { CommitOutcome, Customer, Storage, TicketCommit } from '../storage/types.ts'
import type { OutboxRow, OutboxStore, WebhookEvent } from './outbox.ts'
import { type ReplyConfig, replyMessage } from './replies.ts'

/** One ticket event as a webhook's body carries it. */
export interface TicketEvent {
  type: WebhookEvent
  timestamp: string
  data: Record<string, unknown>
}

/** The events a committed ticket operation announces, from the audit records it appends. */
export function ticketEvents(unit: TicketCommit): TicketEvent[] {
  const t = unit.ticket
  const base = { ticketId: t.id, sopId: t.sopId, sopVersion: t.sopVersion, status: t.status, steps: t.steps }
  const out: TicketEvent[] = []
  for (const a of unit.audit) {
    const at = a.at
    if (a.type === 'created')
      out.push({
        type: 'ticket.created',
        timestamp: at,
        data: { ...base, channel: t.channel, subject: t.subject },
      })
    if (a.type === 'note') {
      const p = a.payload as { text: string; visibility: string }
      out.push({
        type: 'ticket.note_added',
        timestamp: at,
        data: { ...base, seq: a.seq, visibility: p.visibility, text: p.text },
      })
    }
    if (a.type === 'assignment')
      out.push({
        type: 'ticket.assigned',
        timestamp: at,
        data: { ...base, assigneeId: t.assigneeId, queue: t.queue },
      })
    const record = (a.payload as { record?: TransitionRecord } | null)?.record
    if (!record) continue
    if (record.kind === 'action' || record.kind === 'override')
      out.push({
        type: 'ticket.action_taken',
        timestamp: at,
        data: { ...base, action: record.action ?? record.kind, actorId: a.actorId },
      })
    if (record.breach)
      out.push({ type: 'ticket.sla_breached', timestamp: at, data: { ...base, ...record.breach } })
    for (const step of record.entered)
      out.push({ type: 'ticket.step_entered', timestamp: at, data: { ...base, step } })
    if (record.status === 'closed')
      out.push({ type: 'ticket.closed', timestamp: at, data: { ...base, outcome: t.outcome } })
  }
  return out
}

/** Webhook messages for these events: one per active subscription that wants it. */
export async function webhookRows(
  store: OutboxStore,
  sopId: string | null,
  events: TicketEvent[],
  now: string,
): Promise<OutboxRow[]> {
  const rows: OutboxRow[] = []
  if (!events.length) return rows
  for (const s of await store.subscriptions()) {
    if (s.sopId && s.sopId !== sopId) continue
    for (const e of events) {
      if (!s.events.includes(e.type)) continue
      rows.push({
        id: newId('msg'),
        kind: 'webhook',
        ticketId: (e.data.ticketId as string | undefined) ?? null,
        event: e.type,
        target: s.url,
        subscriptionId: s.id,
        payload: e as unknown as Record<string, unknown>,
        createdAt: now,
        nextAt: now,
      })
    }
  }
  return rows
}

/**
 * The group committer that adds to each ticket commit the messages it causes (webhooks to the
 * subscribers, the reply to the customer of a note marked for them): they commit in the same
 * transaction as the operation, or not at all.
 */
export class OutboxCommitter extends GroupCommitter {
  constructor(
    private readonly store: Storage,
    private readonly outbox: OutboxStore,
    private readonly replies: ReplyConfig,
  ) {
    super(store)
  }

  override async commit(unit: TicketCommit): Promise<CommitOutcome> {
    const events = ticketEvents(unit)
    const now = unit.audit[0]?.at ?? unit.ticket.updatedAt
    const rows = await webhookRows(this.outbox, unit.ticket.sopId, events, now)
    for (const a of unit.audit) {
      const p = a.payload as { visibility?: string; text?: string } | null
      if (a.type !== 'note' || p?.visibility !== 'customer') continue
      const customer: Customer | null = unit.ticket.customerId
        ? await this.store.getCustomer(unit.ticket.customerId)
        : null
      const reply = replyMessage(this.replies, unit.ticket, customer, a.seq, p.text ?? '', now)
      if (reply) rows.push(reply)
    }
    rows.push(...(await noticeRows(this.store, unit, events, now)))
    if (rows.length) unit = { ...unit, outbox: [...(unit.outbox ?? []), ...rows] }
    return super.commit(unit)
  }
}
