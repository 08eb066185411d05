import type { TransitionRecord } from '../../engine/index.ts'
import type { TicketEvent } from '../outbox/events.ts'
import type { OutboxMessage, OutboxStore } from '../outbox/outbox.ts'
import type { Delivery } from '../outbox/worker.ts'
import { newId } from '../services/crypto.ts'
import type { OutboxRow, Storage, TicketCommit, User } from '../storage/types.ts'
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
  const users = await storage.listUsers()
  const t = unit.ticket
  const rows: OutboxRow[] = []
  const add = (user: User, kind: NoticeKind, params: Record<string, string>) =>
    rows.push({
      id: newId('msg'),
      kind: 'notify',
      ticketId: t.id,
      event: kind,
      target: user.id,
      subscriptionId: null,
      payload: { kind, params: { ticket: t.id, subject: t.subject, ...params } },
      createdAt: now,
      nextAt: now,
    })
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
      for (const u of users) if (notify && (u.role === notify || u.id === notify)) add(u, kind, { step })
    } else if (t.assigneeId) {
      const actor = unit.audit.find((a) => a.type === 'assignment')?.actorId
      const u = users.find((x) => x.id === t.assigneeId)
      if (u && u.id !== actor) add(u, 'assigned', {})
    }
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
    const settings = notices.settings(m.target)
    let added = false
    outbox.together(() => {
      added = notices.add(notice)
      if (settings.email && settings.emailOn)
        outbox.enqueue([
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
    })
    if (added) hub.publish(notice)
    return { ok: true, status: null }
  }
}
