import type { Diagnostic } from '../../../engine/index.ts'
import { request } from './client.ts'

export interface SopSummary {
  id: string
  title: string
  department: string
  language: string
  latestVersion: number | null
  archived: boolean
  updatedAt: string
}
export interface VersionMeta {
  version: number
  hash: string
  publishedAt: string
  publishedBy: string
}
export type Doc = Record<string, unknown>

export const listSops = () => request<SopSummary[]>('GET', '/sops')
export const getSop = (id: string) =>
  request<{ id: string; document: Doc; versions: VersionMeta[]; archived: boolean }>(
    'GET',
    `/sops/${encodeURIComponent(id)}`,
  )
export const createSop = (document: Doc) => request<{ id: string }>('POST', '/sops', { document })
export const saveSop = (id: string, document: Doc) =>
  request<{ valid: boolean; diagnostics: Diagnostic[] }>('PUT', `/sops/${encodeURIComponent(id)}`, {
    document,
  })
export const publishSop = (id: string) =>
  request<{ version: number; hash: string }>('POST', `/sops/${encodeURIComponent(id)}/publish`)
export const getVersion = (id: string, n: number) =>
  request<VersionMeta & { document: Doc }>('GET', `/sops/${encodeURIComponent(id)}/versions/${n}`)
