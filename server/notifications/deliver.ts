import type { TransitionRecord } from '../../engine/index.ts'
import type { TicketEvent } from '../outbox/events.ts'
import type { OutboxMessage, OutboxStore } from '../outbox/outbox.ts'
import type { Delivery } from '../outbox/worker.ts'
import { newId } from '../services/crypto.ts'
import type { OutboxRow, Storage, TicketCommit, TicketRow, User } from '../storage/types.ts'
import { ticketWatchers } from '../watchers/watchers.ts'
import type { Notice, NoticeHub, NoticeKind, NoticeStore } from './notifications.ts'

const SUBJECTS: Record<NoticeKind, string> = {
  sla_breached: 'SLA breached',
  sla_warning: 'SLA target close',
  escalated: 'Escalated to you',
  assigned: 'Assigned to you',
  customer_replied: 'The customer replied',
}

/** The notices a commit's events cause, as outbox rows (kind `notify`, target: the user id). */
export async function noticeRows(
  storage: Storage,
  unit: TicketCommit,
  events: TicketEvent[],
  now: string,
): Promise<OutboxRow[]> {
  const wanted = events.filter((e) => e.type === 'ticket.sla_breached' || e.type === 'ticket.assigned')
  const warnings = unit.audit.flatMap(
    (a) => (a.payload as { record?: TransitionRecord } | null)?.record?.warning ?? [],
  )
  if (!wanted.length && !warnings.length) return []
  const t = unit.ticket
  const [users, watchers] = await Promise.all([storage.listUsers(), ticketWatchers(storage, t.id)])
  const rows: OutboxRow[] = []
  const add = (user: User, kind: NoticeKind, params: Record<string, string>) =>
    rows.push(noticeRow(t, user.id, kind, params, newId('msg'), now))
  // A warning goes to the role or user the target names, else to whoever holds the ticket.
  for (const w of warnings) {
    const params = { metric: w.policy, share: String(Math.round(w.at * 100)), due: w.dueAt, step: w.stepId }
    for (const u of users)
      if (w.notify ? u.role === w.notify || u.id === w.notify : u.id === t.assigneeId)
        add(u, 'sla_warning', params)
  }
  for (const e of wanted) {
    if (e.type === 'ticket.sla_breached') {
      const notify = e.data.notify as string | null
      const kind: NoticeKind = e.data.escalateTo ? 'escalated' : 'sla_breached'
      const step = String(e.data.stepId)
      const told = new Set<string>()
      for (const u of users)
        if ((notify && (u.role === notify || u.id === notify)) || watchers.includes(u.id)) {
          if (u.disabledAt || told.has(u.id)) continue
          told.add(u.id)
          add(u, kind, { step })
        }
    } else if (t.assigneeId) {
      const actor = unit.audit.find((a) => a.type === 'assignment')?.actorId
      const u = users.find((x) => x.id === t.assigneeId)
      if (u && u.id !== actor) add(u, 'assigned', {})
    }
  }
  return rows
}

function noticeRow(
  t: Pick<TicketRow, 'id' | 'subject'>,
  userId: string,
  kind: NoticeKind,
  params: Record<string, string>,
  id: string,
  now: string,
): OutboxRow {
  return {
    id,
    kind: 'notify',
    ticketId: t.id,
    event: kind,
    target: userId,
    subscriptionId: null,
    payload: { kind, params: { ticket: t.id, subject: t.subject, ...params } },
    createdAt: now,
    nextAt: now,
  }
}

/**
 * The notices of a customer's reply on an open ticket: to its assignee and its watchers. Their ids
 * come from the message's, so that writing them again (after a crash) adds nothing.
 */
export async function customerReplyRows(
  storage: Storage,
  ticketId: string,
  messageId: string,
  now: string,
): Promise<OutboxRow[]> {
  const t = await storage.getTicket(ticketId)
  if (!t) return []
  const to = new Set([...(t.assigneeId ? [t.assigneeId] : []), ...(await ticketWatchers(storage, t.id))])
  const rows: OutboxRow[] = []
  for (const userId of to) {
    const u = await storage.getUser(userId)
    if (!u || u.disabledAt) continue
    rows.push(noticeRow(t, userId, 'customer_replied', {}, `ntc_${messageId}_${userId}`, now))
  }
  return rows
}

/**
 * Delivers a notice: into the user's bell (once, by the message's id), with an e-mail queued in
 * the same transaction for a user with an address and e-mail notices on; then live to their streams.
 */
export function noticeSender(notices: NoticeStore, outbox: OutboxStore, hub: NoticeHub, mailFrom: string) {
  return async (m: OutboxMessage): Promise<Delivery> => {
    const p = m.payload as { kind: NoticeKind; params: Record<string, string> }
    const notice: Notice = {
      id: m.id,
      userId: m.target,
      ticketId: m.ticketId,
      kind: p.kind,
      params: p.params,
      createdAt: m.createdAt,
      readAt: null,
    }
    const settings = await notices.settings(m.target)
    // The e-mail is queued first, then the notice added: both keep an id already there, so a
    // crash between them only means this message is delivered again, to the same effect.
    if (settings.email && settings.emailOn)
      await outbox.enqueue([
        {
          id: `${m.id}.mail`,
          kind: 'mail',
          ticketId: m.ticketId,
          event: `notice.${p.kind}`,
          target: settings.email,
          subscriptionId: null,
          payload: {
            from: mailFrom,
            to: settings.email,
            subject: `[${p.params.ticket}] ${SUBJECTS[p.kind]}: ${p.params.subject}`,
            text: `${SUBJECTS[p.kind]}: ${p.params.subject} (${p.params.ticket})${p.params.step ? `, step ${p.params.step}` : ''}.`,
            messageId: `<${m.id}.mail@${/@([^>\s]+)>?\s*$/.exec(mailFrom)?.[1] ?? 'sopflow.invalid'}>`,
          },
          createdAt: m.createdAt,
          nextAt: m.createdAt,
        },
      ])
    const added = await notices.add(notice)
    if (added) await hub.publish(notice)
    return { ok: true, status: null }
  }
}
