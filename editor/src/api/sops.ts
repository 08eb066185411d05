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
export interface SopDraft {
  id: string
  document: Doc
  /** The draft's revision: a save carries it back as `baseRevision`. */
  revision: number
  versions: VersionMeta[]
  archived: boolean
  updatedAt: string
}
export const getSop = (id: string) => request<SopDraft>('GET', `/sops/${encodeURIComponent(id)}`)
export const createSop = (document: Doc) => request<{ id: string }>('POST', '/sops', { document })
/** Saves the draft; with `baseRevision`, a draft saved by someone else since is a 409 `draft_conflict`. */
export const saveSop = (id: string, document: Doc, baseRevision?: number) =>
  request<{ valid: boolean; diagnostics: Diagnostic[]; revision: number }>(
    'PUT',
    `/sops/${encodeURIComponent(id)}`,
    { document, ...(baseRevision ? { baseRevision } : {}) },
  )
export const publishSop = (id: string) =>
  request<{ version: number; hash: string }>('POST', `/sops/${encodeURIComponent(id)}/publish`)
export const getVersion = (id: string, n: number) =>
  request<VersionMeta & { document: Doc }>('GET', `/sops/${encodeURIComponent(id)}/versions/${n}`)
