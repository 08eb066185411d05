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
}

export const getMe = () => request<Me>('GET', '/me')
export const listUsers = () => request<UserRow[]>('GET', '/users')
export const changeRole = (id: string, role: string) =>
  request<UserRow>('PUT', `/users/${encodeURIComponent(id)}/role`, { role })
export const disableUser = (id: string) =>
  request<UserRow>('POST', `/users/${encodeURIComponent(id)}/disable`)
export const enableUser = (id: string) => request<UserRow>('POST', `/users/${encodeURIComponent(id)}/enable`)
