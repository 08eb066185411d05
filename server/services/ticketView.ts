import { prompt } from '../../engine/index.ts'
import type { TicketRow, User } from '../storage/types.ts'
import { boundValues, isEmptyValue } from './applyState.ts'
import type { TicketDeps, TicketView } from './ticketTypes.ts'

/** A ticket as the desk shows it: its prompt, customer, timers, notes and bound values. */
export async function ticketView(
  s: Pick<TicketDeps, 'storage' | 'sopFor' | 'actorFor' | 'now' | 'views'>,
  user: User | null,
  t: TicketRow,
): Promise<TicketView> {
  const sop = await s.sopFor(t.sopId, t.sopVersion)
  const kept = s.views.get(t.id, t)
  const [customer, timers, audit, assignee] = await Promise.all([
    t.customerId ? s.storage.getCustomer(t.customerId) : null,
    kept ? kept.timers : s.storage.listTimers(t.id),
    kept ? kept.notes : s.storage.getAudit(t.id, ['note']),
    t.assigneeId ? s.storage.getUser(t.assigneeId) : null,
  ])
  // Read together with the row at this version: kept for the next view (see `ViewCache`).
  if (!kept) s.views.set(t.id, { version: t.version, auditSeq: t.auditSeq, timers, notes: audit })
  return {
    ticket: t,
    assignee: t.assigneeId ? { id: t.assigneeId, name: assignee?.name ?? t.assigneeId } : null,
    prompt: prompt(sop, t.state, user ? await s.actorFor(user) : null, s.now()),
    customer,
    timers,
    notes: audit.map((a) => {
      const p = a.payload as { text: string; visibility: string; late?: boolean }
      const note = { seq: a.seq, at: a.at, authorId: a.actorId, text: p.text, visibility: p.visibility }
      return p.late ? { ...note, late: true } : note
    }),
    sop: { id: t.sopId, version: t.sopVersion, title: sop.document.title },
    bound:
      t.status === 'open'
        ? Object.fromEntries(
            Object.entries(boundValues(sop, { customer, subject: t.subject, channel: t.channel })).filter(
              ([k]) => isEmptyValue(t.state.context.fields[k]),
            ),
          )
        : {},
  }
}
