import type { TicketListItem } from '../../../server/services/auditSearch.ts'
import { request } from './client.ts'
import type { AuditEntry, Verification } from './tickets.ts'

export const getHistory = (id: string) => request<AuditEntry[]>('GET', `/tickets/${id}/history`)
export const verifyTicket = (id: string) => request<Verification>('GET', `/tickets/${id}/verify`)
export const getEvidence = (id: string) => request<unknown>('GET', `/tickets/${id}/evidence`)

/** The auditor's search: a page of tickets, newest first, each with its verification. */
export const searchTickets = (params: Record<string, string>) =>
  request<{ total: number; items: TicketListItem[] }>(
    'GET',
    `/audit/tickets?${new URLSearchParams(Object.entries(params).filter(([, v]) => v))}`,
  )
