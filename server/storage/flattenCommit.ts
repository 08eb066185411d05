import type { FlatCommit } from './commitBatch.mjs'
import type { Priority, TicketCommit } from './types.ts'

/** The stored sort rank of each priority. */
export const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 }

type Row = Record<string, unknown>

/** A commit with every value ready to bind, as `commitBatch.mjs` takes it. */
export function flatten(u: TicketCommit): FlatCommit {
  const t = u.ticket
  const messages = u.messages ?? []
  return {
    id: t.id,
    expected: u.expected,
    ticket: {
      ...t,
      number: t.number ?? null,
      priorityRank: PRIORITY_RANK[t.priority],
      steps: JSON.stringify(t.steps),
      state: JSON.stringify(t.state),
    },
    audit: u.audit.map(({ leaf: _leaf, ...a }) => ({ ...a, payload: JSON.stringify(a.payload) })),
    removeTimers: u.removeTimers,
    scheduleTimers: u.scheduleTimers as unknown as Row[],
    idempotency: (u.idempotency as unknown as Row | undefined) ?? null,
    ...(u.outbox?.length
      ? { outbox: u.outbox.map((m) => ({ ...m, payload: JSON.stringify(m.payload) })) }
      : {}),
    ...(u.customers?.length ? { customers: u.customers as unknown as Row[] } : {}),
    ...(messages.length
      ? {
          messages: messages.map(({ message: m }) => ({ ...m, refs: JSON.stringify(m.refs) })),
          attachments: messages.flatMap((m) => m.attachments as unknown as Row[]),
        }
      : {}),
  }
}
