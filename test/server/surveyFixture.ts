import { importSop } from '../../server/start.ts'
import type { setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>

/** A small SOP that surveys customers: one task, resolved or cancelled. */
export function surveySop(survey: Record<string, unknown>, language = 'en', id = 'quick-help') {
  return {
    schema: 'sopflow/v1',
    id,
    title: 'Quick help',
    department: 'Support',
    purpose: 'Answer a short question',
    language,
    survey,
    initial: 'answer',
    steps: [
      { id: 'answer', kind: 'task', title: 'Answer the question' },
      { id: 'done', kind: 'end', title: 'Answered', outcome: 'resolved' },
      { id: 'dropped', kind: 'end', title: 'Dropped', outcome: 'cancelled' },
    ],
    transitions: [
      { id: 't_done', from: 'answer', to: 'done', action: 'resolve', label: 'Resolve' },
      { id: 't_drop', from: 'answer', to: 'dropped', action: 'cancel', label: 'Cancel' },
    ],
  }
}

export async function publishSurveySop(c: Ctx, survey: Record<string, unknown>, language = 'en') {
  const r = await importSop(c.storage, surveySop(survey, language), c.users.admin, c.clock().toISOString())
  if (r.version === null) throw new Error('the survey SOP did not publish')
}

/** A customer with an e-mail address and a ticket of theirs, taken by the agent. */
export async function customerTicket(c: Ctx, name: string, customerId?: string) {
  let id = customerId
  if (!id) {
    const customer = await c.call('POST', '/api/customers', c.tokens.agent, {
      name,
      email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.org`,
    })
    if (customer.status !== 201) throw new Error(JSON.stringify(customer.body))
    id = customer.body.id as string
  }
  const t = await c.call('POST', '/api/tickets', c.tokens.agent, {
    sopId: 'quick-help',
    channel: 'email',
    subject: `Question of ${name}`,
    customerId: id,
    assignToMe: true,
  })
  if (t.status !== 201) throw new Error(JSON.stringify(t.body))
  return { ticketId: t.body.ticket.id as string, customerId: id }
}

export async function act(c: Ctx, ticketId: string, action: 'resolve' | 'cancel') {
  const r = await c.call('POST', `/api/tickets/${ticketId}/actions`, c.tokens.agent, { action, version: 1 })
  if (r.status !== 200) throw new Error(JSON.stringify(r.body))
  return r.body
}
