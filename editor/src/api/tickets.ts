import type { FieldValue, TicketPrompt, TicketState } from '../../../engine/index.ts'
import type { TicketRow } from '../../../server/storage/types.ts'
import { request } from './client.ts'
import type { Customer } from './customers.ts'

/** A ticket as the server stores it, without its engine state. */
export type Ticket = Omit<TicketRow, 'state' | 'auditSeq' | 'auditHead'>
export interface TicketSummary extends Ticket {
  customerName: string | null
  sopTitle: string
  stepTitles: string[]
  overdue: boolean
}
export interface TicketView {
  ticket: Ticket & { state: TicketState }
  prompt: TicketPrompt
  /** Who the ticket is assigned to: only they, or a supervisor, may work it. */
  assignee: { id: string; name: string } | null
  customer: Customer | null
  timers: { id: string; kind: string; stepId: string; dueAt: string }[]
  notes: { seq: number; at: string; authorId: string; text: string; visibility: string; late?: boolean }[]
  sop: { id: string; version: number; title: string }
  /** Bound fields the ticket does not hold yet, with the customer's current value. */
  bound: Record<string, FieldValue>
}
export interface AuditEntry {
  seq: number
  type: string
  at: string
  actorId: string
  actorName: string
  role: string
  payload: any
  prevHash: string | null
  hash: string
}
export interface Verification {
  ok: boolean
  chain: { ok: boolean; length: number; seq?: number; reason?: string }
  replay: {
    ok: boolean
    records: number
    seq?: number
    reason?: string
    expected?: unknown
    recorded?: unknown
  }
}

const q = (params: Record<string, string | undefined>) => {
  const s = new URLSearchParams(Object.entries(params).filter(([, v]) => v) as [string, string][]).toString()
  return s ? `?${s}` : ''
}

/** Ticket list orders the server knows (see the tickets route's `sort`). */
export const TICKET_SORTS = ['urgency', 'due', 'priority', 'created'] as const
export type TicketSort = (typeof TICKET_SORTS)[number]

/** Lists tickets; `q` searches number, subject and the customer's name, phone and e-mail. */
export const listTickets = (params: Record<string, string | undefined> = {}) =>
  request<TicketSummary[]>('GET', `/tickets${q(params)}`)
export const getTicket = (id: string) => request<TicketView>('GET', `/tickets/${id}`)
export const createTicket = (body: {
  sopId: string
  channel: string
  customerId?: string | null
  subject: string
  priority?: string
  assignToMe?: boolean
}) => request<TicketView>('POST', '/tickets', body)
export const act = (
  id: string,
  body: {
    action: string
    fields?: Record<string, FieldValue>
    ticks?: Record<string, string[]>
    version: number
  },
) => request<TicketView>('POST', `/tickets/${id}/actions`, body, { 'idempotency-key': crypto.randomUUID() })
export const saveProgress = (
  id: string,
  body: { fields?: Record<string, FieldValue>; ticks?: Record<string, string[]>; version: number },
) => request<TicketView>('POST', `/tickets/${id}/update`, body)
export const claim = (id: string, version: number) =>
  request<TicketView>('POST', `/tickets/${id}/claim`, { version })
export const assign = (
  id: string,
  body: { userId?: string | null; queue?: string | null; version: number },
) => request<TicketView>('POST', `/tickets/${id}/assign`, body)
export const override = (id: string, body: { target: string; reason: string; version: number }) =>
  request<TicketView>('POST', `/tickets/${id}/override`, body)
export const addNote = (id: string, text: string, visibility: 'internal' | 'customer') =>
  request<TicketView>('POST', `/tickets/${id}/notes`, { text, visibility })

/** The people told of a ticket's breaches, escalations and customer replies. */
export interface Watcher {
  userId: string
  name: string
}
export const listWatchers = (id: string) => request<Watcher[]>('GET', `/tickets/${id}/watchers`)
export const addWatcher = (id: string, userId: string) =>
  request<Watcher[]>('POST', `/tickets/${id}/watchers`, { userId })
export const removeWatcher = (id: string, userId: string) =>
  request<Watcher[]>('DELETE', `/tickets/${id}/watchers/${encodeURIComponent(userId)}`)

/** A reply template of the ticket's SOP, filled in for the ticket. */
export interface FilledTemplate {
  id: string
  title: string
  text: string
}
export const replyTemplates = (id: string) =>
  request<FilledTemplate[]>('GET', `/tickets/${id}/reply-templates`)
