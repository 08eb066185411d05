import type { TransitionRecord } from '../../engine/index.ts'
import { noticeRows } from '../notifications/deliver.ts'
import { newId } from '../services/crypto.ts'
import { GroupCommitter } from '../storage/groupCommit.ts'
import type { CommitOutcome, Storage, TicketCommit } from '../storage/types.ts'
import type { OutboxRow, OutboxStore, WebhookEvent } from './outbox.ts'
import { type ReplyConfig, replyContext, replyMessage, replyRoute } from './replies.ts'

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
    if (a.type === 'survey' && (a.payload as { answer?: unknown } | null)?.answer)
      out.push({
        type: 'survey.answered',
        timestamp: at,
        data: { ...base, ...(a.payload as { answer: Record<string, unknown> }).answer },
      })
    if (a.type === 'assignment')
      out.push({
        type: 'ticket.assigned',
        timestamp: at,
        data: { ...base, assigneeId: t.assigneeId, queue: t.queue },
      })
    if (a.type === 'message') {
      const p = a.payload as { messageId: string; channel: string; direction: string }
      const m = unit.messages?.find((x) => x.message.id === p.messageId)?.message
      if (p.direction === 'in')
        out.push({
          type: 'ticket.message_received',
          timestamp: at,
          data: { ...base, seq: a.seq, messageId: p.messageId, channel: p.channel, text: m?.text ?? null },
        })
    }
    const record = (a.payload as { record?: TransitionRecord } | null)?.record
    if (!record) continue
    if (record.kind === 'action' || record.kind === 'override')
      out.push({
        type: 'ticket.action_taken',
        timestamp: at,
        data: { ...base, action: record.action ?? record.kind, actorId: a.actorId },
      })
    if (record.kind === 'reopen')
      out.push({
        type: 'ticket.reopened',
        timestamp: at,
        data: { ...base, reason: record.reason },
      })
    if (record.breach)
      out.push({ type: 'ticket.sla_breached', timestamp: at, data: { ...base, ...record.breach } })
    // A policy target's warning: its record is made once (the warn timer fires once), so is the event.
    if (record.warning) {
      const w = record.warning
      out.push({
        type: 'ticket.sla_warning',
        timestamp: at,
        data: { ...base, metric: w.policy, stepId: w.stepId, due: w.dueAt, warnAt: w.at, notify: w.notify },
      })
    }
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
      const p = a.payload as { visibility?: string; text?: string; messageId?: string } | null
      if (a.type !== 'note' || p?.visibility !== 'customer') continue
      const route = replyRoute(this.replies, unit.ticket, await replyContext(this.store, unit.ticket))
      const reply = replyMessage(route, unit.ticket, a.seq, p.text ?? '', now, p.messageId)
      if (reply) rows.push(reply)
    }
    rows.push(...(await noticeRows(this.store, unit, events, now)))
    if (rows.length) unit = { ...unit, outbox: [...(unit.outbox ?? []), ...rows] }
    return super.commit(unit)
  }
}
