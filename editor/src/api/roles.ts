import { request } from './client.ts'

/** The roles that work tickets, which an SOP's steps and actions may be given to. */
export const listRoles = () => request<{ roles: string[] }>('GET', '/roles').then((r) => r.roles)

export interface OrgRole {
  name: string
  label: string
}

/** The organisation's own roles (beside the built-in ones). */
export const listOrgRoles = () =>
  request<{ organisation: OrgRole[] }>('GET', '/roles').then((r) => r.organisation)

/** Adds an organisation role (administrators). */
export const createOrgRole = (role: OrgRole) => request<OrgRole>('POST', '/roles', role)

/** Replaces a user's organisation roles (administrators). */
export const setOrgRoles = (userId: string, roles: string[]) =>
  request<{ userId: string; orgRoles: string[] }>('PUT', `/roles/members/${encodeURIComponent(userId)}`, {
    roles,
  })
