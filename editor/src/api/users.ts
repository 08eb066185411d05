import { request } from './client.ts'

export interface Me {
  id: string
  name: string
  role: string
  team: string | null
}

export interface UserRow extends Me {
  createdAt: string
  disabledAt: string | null
  /** The organisation roles the user holds beside their built-in role. */
  orgRoles?: string[]
}

/** A one-time link for a person to choose a password: shown once, valid until `expiresAt`. */
export interface OneTimeLink {
  url: string
  expiresAt: string
}

export interface Invitation {
  name: string
  email: string
  role: string
  team: string | null
}

export const getMe = () => request<Me>('GET', '/me')
export const listUsers = () => request<UserRow[]>('GET', '/users')
export const changeRole = (id: string, role: string) =>
  request<UserRow>('PUT', `/users/${encodeURIComponent(id)}/role`, { role })
export const disableUser = (id: string) =>
  request<UserRow>('POST', `/users/${encodeURIComponent(id)}/disable`)
export const enableUser = (id: string) => request<UserRow>('POST', `/users/${encodeURIComponent(id)}/enable`)
export const setTeam = (id: string, team: string | null) =>
  request<UserRow>('PUT', `/users/${encodeURIComponent(id)}/team`, { team })
/** Invites a person: they are created and choose a password through the link. */
export const inviteUser = (invitation: Invitation) =>
  request<{ user: UserRow & { email: string }; link: OneTimeLink }>('POST', '/users/invitations', invitation)
/** Forces a password reset: the person's sessions end; they choose a new password through the link. */
export const resetPassword = (id: string) =>
  request<{ link: OneTimeLink }>('POST', `/users/${encodeURIComponent(id)}/password-reset`)
