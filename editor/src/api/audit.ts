import { request } from './client.ts'
import type { AuditEntry, Verification } from './tickets.ts'

export const getHistory = (id: string) => request<AuditEntry[]>('GET', `/tickets/${id}/history`)
export const verifyTicket = (id: string) => request<Verification>('GET', `/tickets/${id}/verify`)
export const getEvidence = (id: string) => request<unknown>('GET', `/tickets/${id}/evidence`)
