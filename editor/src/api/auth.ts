import { request } from './client.ts'
import type { Me } from './users.ts'

export interface AuthConfig {
  password: boolean
  sso: { label: string } | null
}

export interface SessionInfo {
  user: Me & { email: string | null }
  csrf: string
  expiresAt: string
  idleExpiresAt: string
}

export interface LinkInfo {
  purpose: 'setup' | 'invitation' | 'reset'
  expiresAt: string
  user: { name: string; role: string; email: string | null }
}

export const getAuthConfig = () => request<AuthConfig>('GET', '/auth/config')
export const signInWithPassword = (email: string, password: string) =>
  request<SessionInfo>('POST', '/auth/sign-in', { email, password })
export const signOut = () => request<void>('POST', '/auth/sign-out')
export const signOutEverywhere = () => request<{ ended: number }>('POST', '/auth/sign-out-everywhere')
export const getLink = (secret: string) =>
  request<LinkInfo>('GET', `/auth/links/${encodeURIComponent(secret)}`)
export const acceptLink = (secret: string, password: string, email?: string) =>
  request<SessionInfo>('POST', `/auth/links/${encodeURIComponent(secret)}`, {
    password,
    ...(email ? { email } : {}),
  })
/** Where the browser goes to sign in with single sign-on (a page load, not a fetch). */
export const SSO_START = '/api/auth/oidc/start'
