import { request } from './client.ts'

export interface Customer {
  id: string
  name: string
  phone: string | null
  email: string | null
  address: string | null
  segment: string | null
}
export interface CustomerDetail extends Customer {
  tickets: { id: string; subject: string; status: string; outcome: string | null; createdAt: string }[]
  surveys: {
    id: string
    csat: number | null
    nps: number | null
    ces: number | null
    at: string
    /** `customer`: the customer answered on the survey page; otherwise the agent who entered it. */
    createdBy: string
  }[]
}

export const searchCustomers = (q: string) =>
  request<Customer[]>('GET', `/customers?q=${encodeURIComponent(q)}`)
export const getCustomer = (id: string) => request<CustomerDetail>('GET', `/customers/${id}`)
export const createCustomer = (body: Omit<Customer, 'id'>) => request<Customer>('POST', '/customers', body)
export const addSurvey = (
  customerId: string,
  body: {
    ticketId?: string | null
    csat?: number | null
    nps?: number | null
    ces?: number | null
    comment?: string | null
  },
) => request<{ id: string }>('POST', `/customers/${customerId}/surveys`, body)
