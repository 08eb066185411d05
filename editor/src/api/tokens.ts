import { request } from './client.ts'

export interface ApiToken {
  id: string
  userId: string
  name: string
  kind: 'personal' | 'service'
  scopes: string[]
  createdBy: string | null
  createdAt: string
  expiresAt: string | null
  lastUsedAt: string | null
  revokedAt: string | null
  revokedBy: string | null
  userName?: string
  userRole?: string
}

export interface NewToken {
  name: string
  scopes: string[]
  expiresAt?: string | null
}

/** The answer to making a token: the only time its secret is shown. */
export interface MadeToken {
  token: ApiToken
  secret: string
}

export const listMyTokens = () => request<ApiToken[]>('GET', '/tokens')
export const createMyToken = (t: NewToken) => request<MadeToken>('POST', '/tokens', t)
export const revokeMyToken = (id: string) => request<ApiToken>('DELETE', `/tokens/${encodeURIComponent(id)}`)

export const listAllTokens = () => request<ApiToken[]>('GET', '/admin/tokens')
export const createTokenFor = (userId: string, t: NewToken) =>
  request<MadeToken>('POST', '/admin/tokens', { ...t, userId })
export const revokeAnyToken = (id: string) =>
  request<ApiToken>('DELETE', `/admin/tokens/${encodeURIComponent(id)}`)
