import { type FieldValue, start } from '../../engine/index.ts'
import { notFound, Problem } from '../http/problem.ts'
import type { TicketRow, User } from '../storage/types.ts'
import { applyState, boundValues, calendarsAnchor, link, rejection } from './applyState.ts'
import { newId } from './crypto.ts'
import type { CreateTicket, Idempotency, TicketDeps } from './ticketTypes.ts'

/** Opens a ticket once: its first state, its `created` record (and first message), committed atomically. */
export async function createTicket(
  s: TicketDeps,
  user: User,
  input: CreateTicket,
  idem?: Idempotency,
): Promise<TicketRow> {
  if (idem) {
    const seen = await s.replayed(user, idem)
    if (seen?.ticketId) return s.get(seen.ticketId)
  }
  const sopRec = await s.storage.getSop(input.sopId)
  if (!sopRec) throw notFound('SOP', input.sopId)
  if (sopRec.archived)
    throw new Problem(422, 'sop_archived', `SOP "${input.sopId}" is archived`, { id: input.sopId })
  const latest = await s.storage.latestVersion(input.sopId)
  if (!latest)
    throw new Problem(422, 'sop_not_published', `SOP "${input.sopId}" has no published version yet`, {
      id: input.sopId,
    })
  const newCustomer = input.inbound?.customer
  const customerId = newCustomer?.id ?? input.customerId ?? null
  const customer = newCustomer ?? (customerId ? await s.storage.getCustomer(customerId) : null)
  if (customerId && !customer) throw notFound('Customer', customerId)
  const sop = await s.sopFor(input.sopId, latest.version)
  const now = s.now()
  // Bound fields are filled from the customer and the intake form, unless given explicitly.
  const bound = boundValues(sop, { customer, subject: input.subject, channel: input.channel })
  for (const k of Object.keys(input.fields ?? {})) delete bound[k]
  const actor = await s.actorFor(user)
  const startWith = (b: Record<string, FieldValue>) =>
    start(sop, {
      actor,
      now,
      fields: { ...b, ...input.fields },
      priority: input.priority,
    })
  let d = startWith(bound)
  // A customer's detail that does not fit its bound field (a malformed phone) is left for the agent.
  if (!d.ok && d.rejection.code === 'invalid_field_value') {
    const bad = new Set((d.rejection.fields ?? []).map((f) => f.field))
    d = startWith(Object.fromEntries(Object.entries(bound).filter(([k]) => !bad.has(k))))
  }
  if (!d.ok) throw rejection(d)
  const id = input.id ?? newId('t')
  const number = await s.storage.ticketNumbers.next()
  const base: TicketRow = {
    id,
    sopId: input.sopId,
    sopVersion: latest.version,
    sopHash: sop.hash,
    channel: input.channel,
    customerId,
    subject: input.subject,
    status: 'open',
    outcome: null,
    priority: input.priority ?? 'normal',
    assigneeId: input.assignToMe ? user.id : null,
    queue: input.queue ?? null,
    version: 0,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    dueAt: null,
    steps: [],
    state: d.state,
    auditSeq: 0,
    auditHead: null,
    number,
  }
  const ticket = applyState(sop, base, d.state, now)
  ticket.version = 1
  const audit = [
    link(base, 'created', now, user, {
      record: d.record,
      ticket: {
        sopId: ticket.sopId,
        sopVersion: ticket.sopVersion,
        sopHash: ticket.sopHash,
        ...calendarsAnchor(sop),
        channel: ticket.channel,
        customerId: ticket.customerId,
        subject: ticket.subject,
        priority: ticket.priority,
        ...(ticket.assigneeId ? { assigneeId: ticket.assigneeId } : {}),
        queue: base.queue,
        number,
      },
    }),
  ]
  const message = input.inbound?.message
  if (message)
    audit.push(link({ ...base, auditSeq: 1, auditHead: audit[0].hash }, 'message', now, user, message.record))
  ticket.auditSeq = audit.length
  ticket.auditHead = audit[audit.length - 1].hash
  const outcome = await s.committer.commit({
    ticket,
    expected: null,
    audit,
    scheduleTimers: d.timers.schedule.map((t) => ({ ...t, ticketId: id })),
    removeTimers: [],
    idempotency: idem && {
      userId: user.id,
      key: idem.key,
      fingerprint: idem.fingerprint,
      ticketId: id,
      status: 201,
      createdAt: now,
    },
    ...(newCustomer ? { customers: [newCustomer] } : {}),
    ...(message?.row ? { messages: [{ message: message.row, attachments: message.attachments ?? [] }] } : {}),
  })
  if (!outcome.ok) {
    if (idem) {
      const seen = await s.replayed(user, idem)
      if (seen?.ticketId) return s.get(seen.ticketId)
    }
    throw outcome.error
  }
  s.remember(ticket)
  return ticket
}
