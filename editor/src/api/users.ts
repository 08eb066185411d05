import { request } from './client.ts'

export interface Me {
  id: string
  name: string
  role: string
  team: string | null
}
export const getMe = () => request<Me>('GET', '/me')
export const listUsers = () => request<Me[]>('GET', '/users')
