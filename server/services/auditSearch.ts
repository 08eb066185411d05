import type { Storage, TicketRow, TicketSearch } from '../storage/types.ts'
import type { TicketService } from './tickets.ts'

/** A ticket as the audit and drill-down lists show it. */
export interface TicketListItem {
  id: string
  subject: string
  sopId: string
  sopTitle: string
  sopVersion: number
  channel: string
  status: 'open' | 'closed'
  outcome: string | null
  createdAt: string
  closedAt: string | null
  customerName: string | null
  assigneeId: string | null
  assigneeName: string | null
  stepTitles: string[]
  /** Hash chain intact and the records replay through the pinned SOP version. */
  verified: boolean
}

/** Summaries of tickets with their customer's and assignee's names and their verification. */
export async function ticketSummaries(
  storage: Storage,
  tickets: TicketService,
  rows: (TicketRow & { customerName?: string | null })[],
): Promise<TicketListItem[]> {
  const users = new Map((await storage.listUsers()).map((u) => [u.id, u.name]))
  const customers = new Map<string, string | null>()
  return Promise.all(
    rows.map(async (t) => {
      const sop = await tickets.sopFor(t.sopId, t.sopVersion)
      let customerName = t.customerName ?? null
      if (customerName === null && t.customerId) {
        // Stryker disable next-line ConditionalExpression: a cache; reading the customer again gives the same name
        if (!customers.has(t.customerId))
          // Stryker disable next-line OptionalChaining: a ticket's customer id always names a stored customer (foreign key)
          customers.set(t.customerId, (await storage.getCustomer(t.customerId))?.name ?? null)
        customerName = customers.get(t.customerId) ?? null
      }
      const verification = await tickets.verify(t.id)
      return {
        id: t.id,
        subject: t.subject,
        sopId: t.sopId,
        sopTitle: sop.document.title,
        sopVersion: t.sopVersion,
        channel: t.channel,
        status: t.status,
        outcome: t.outcome,
        createdAt: t.createdAt,
        closedAt: t.closedAt,
        customerName,
        assigneeId: t.assigneeId,
        assigneeName: t.assigneeId ? (users.get(t.assigneeId) ?? t.assigneeId) : null,
        stepTitles: t.steps.map((id) => sop.steps.get(id)?.title ?? id),
        verified: verification.ok,
      }
    }),
  )
}

/** The auditor's search: a page of tickets, newest first, each verified. */
export async function searchForAudit(storage: Storage, tickets: TicketService, search: TicketSearch) {
  const { rows, total } = await storage.searchTickets(search)
  return { total, items: await ticketSummaries(storage, tickets, rows) }
}
