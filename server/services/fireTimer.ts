import { type Decision, decide } from '../../engine/index.ts'
import { ConflictError } from '../storage/types.ts'
import { link, moveTicket } from './applyState.ts'
import { MAX_RETRIES, type TicketDeps } from './ticketTypes.ts'

/** Fires one due timer as the system. A timer that no longer applies is removed without a record. */
export async function fireTimer(
  s: TicketDeps,
  ticketId: string,
  timerId: string,
): Promise<'fired' | 'stale' | 'gone'> {
  for (let attempt = 0; attempt <= MAX_RETRIES; attempt++) {
    const t = await s.storage.getTicket(ticketId)
    // Stryker disable next-line ConditionalExpression: a missing ticket has no timers, so the next line gives 'gone' too
    if (!t) return 'gone'
    const timers = await s.storage.listTimers(ticketId)
    if (!timers.some((tm) => tm.id === timerId)) return 'gone'
    const sop = await s.sopFor(t.sopId, t.sopVersion)
    const now = s.now()
    const d: Decision = decide(
      sop,
      t.state,
      { kind: 'timer', timerId },
      { id: 'system', role: 'system' },
      now,
    )
    if (!d.ok) {
      if (d.rejection.code === 'timer_not_due') return 'stale'
      const outcome = await s.committer.commit({
        ticket: t,
        expected: { version: t.version, auditSeq: t.auditSeq },
        audit: [],
        scheduleTimers: [],
        removeTimers: [timerId],
      })
      if (outcome.ok) return 'stale'
      continue
    }
    const { next, recorded } = await moveTicket(s.storage, sop, t, d.state, now)
    next.version = t.version + 1
    const audit = [link(t, 'timer', now, null, { record: d.record, ...recorded })]
    next.auditSeq = t.auditSeq + 1
    next.auditHead = audit[0].hash
    const closing = await s.closing(sop, t, next, audit, now)
    const outcome = await s.committer.commit({
      ticket: next,
      expected: { version: t.version, auditSeq: t.auditSeq },
      audit,
      ...(closing.length ? { outbox: closing } : {}),
      scheduleTimers: d.timers.schedule.map((tm) => ({ ...tm, ticketId })),
      removeTimers: [...d.timers.cancel, timerId],
    })
    s.forget(ticketId)
    if (outcome.ok) return 'fired'
    if (!(outcome.error instanceof ConflictError)) throw outcome.error
  }
  return 'stale'
}
