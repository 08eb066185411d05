import { getToken, request } from './client.ts'
import type { Customer } from './customers.ts'

export type ConnectionKind = 'email' | 'form' | 'webhook'

export interface Connection {
  id: string
  kind: ConnectionKind
  name: string
  address: string
  channel: string
  sopId: string
  queue: string | null
  priority: string
  secret: string | null
  settings: { askFields?: string[]; language?: string; title?: string }
  enabled: boolean
  inboundUrl: string | null
}

export interface ConversationMessage {
  id: string
  direction: 'in' | 'out'
  channel: string
  status: string
  sender: string
  senderName: string | null
  subject: string
  text: string
  html: string | null
  at: string
  followsTicketId: string | null
  /** The reference of the closed ticket this message follows up (T-1042). */
  followsReference: string | null
  attachments: { id: string; filename: string; contentType: string; size: number; refused: string | null }[]
}

/** The reference customers see for a ticket: T- and its number (older tickets: T- and 8 characters of the id). */
export const ticketReference = (t: { id: string; number?: number | null }) =>
  t.number ? `T-${t.number}` : `T-${t.id.replace(/^t_/, '').slice(0, 8)}`

export const getConversation = (ticketId: string) =>
  request<{ reference: string; messages: ConversationMessage[] }>('GET', `/tickets/${ticketId}/conversation`)
export const replyToCustomer = (ticketId: string, text: string) =>
  request<ConversationMessage>('POST', `/tickets/${ticketId}/conversation`, { text })

/** An attachment's bytes, fetched with the user's credentials and handed to the browser as a download. */
export async function downloadAttachment(id: string, filename: string): Promise<void> {
  const token = getToken()
  const res = await fetch(`/api/attachments/${id}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  })
  if (!res.ok) throw new Error(`${res.status}`)
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export const listConnections = () => request<Connection[]>('GET', '/channels')
export const createConnection = (body: Partial<Connection>) => request<Connection>('POST', '/channels', body)
export const updateConnection = (id: string, body: Record<string, unknown>) =>
  request<Connection>('PATCH', `/channels/${id}`, body)
export const deleteConnection = (id: string) => request<void>('DELETE', `/channels/${id}`)
export const sendTestMessage = (id: string) =>
  request<{ ticketId: string; reference: string }>('POST', `/channels/${id}/test`, {})

export interface PhoneLookup {
  phone: string
  customers: Customer[]
  openTickets: { id: string; subject: string; reference: string; customerId: string; createdAt: string }[]
}
export const lookupPhone = (phone: string) =>
  request<PhoneLookup>('GET', `/channels/phone/lookup?phone=${encodeURIComponent(phone)}`)

/** The public pages: no account, no token sent. */
export async function publicRequest<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api/public${path}`, {
    method,
    headers: body !== undefined ? { 'content-type': 'application/json' } : {},
    body: body !== undefined ? JSON.stringify(body) : undefined,
  })
  const data = await res.json()
  if (!res.ok) throw Object.assign(new Error(data.detail ?? res.statusText), { problem: data })
  return data as T
}

export interface PublicForm {
  slug: string
  title: string
  language: string
  fields: AskedField[]
}
/** An SOP field a form asks of the customer: its type decides the input. */
export interface AskedField {
  name: string
  label: string
  type: string
  options?: { value: string; label: string }[]
}
export interface PublicStatus {
  reference: string
  language: string
  subject: string
  status: 'open' | 'closed'
  createdAt: string
  updatedAt: string
  messages: { direction: 'in' | 'out'; at: string; text: string; from: string | null }[]
}
export const getPublicForm = (slug: string) => publicRequest<PublicForm>('GET', `/forms/${slug}`)
export const submitPublicForm = (slug: string, body: Record<string, unknown>) =>
  publicRequest<{ reference: string; token: string }>('POST', `/forms/${slug}`, body)
export const getPublicStatus = (token: string) => publicRequest<PublicStatus>('GET', `/status/${token}`)
export const replyOnStatus = (token: string, text: string) =>
  publicRequest<{ reference: string }>('POST', `/status/${token}/replies`, { text })
