import { request } from './client.ts'

/** The roles that work tickets, which an SOP's steps and actions may be given to. */
export const listRoles = () => request<{ roles: string[] }>('GET', '/roles').then((r) => r.roles)
