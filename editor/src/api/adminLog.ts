import { request } from './client.ts'

export interface AdminLogEntry {
  seq: number
  at: string
  actorId: string
  actorName: string
  actorRole: string
  action: string
  targetType: string
  targetId: string
  targetName: string
  before: unknown
  after: unknown
}

export const listAdminLog = (offset = 0, limit = 100) =>
  request<{ total: number; items: AdminLogEntry[] }>('GET', `/admin-log?limit=${limit}&offset=${offset}`)
