import { Hono } from 'hono'
import { type AppEnv, teamScope } from '../auth/roles.ts'
import { jsonBody, notFound, Problem, parse } from '../http/problem.ts'
import { schemas } from '../schemas.ts'
import { newId } from '../services/crypto.ts'
import type { Clock } from '../services/tickets.ts'
import type { Storage } from '../storage/types.ts'

/** Customers: contact details, segment, their tickets and satisfaction results. */
export function customerRoutes(storage: Storage, clock: Clock) {
  const app = new Hono<AppEnv>()
  const now = () => clock().toISOString()

  app.get('/', async (c) => c.json(await storage.searchCustomers(c.req.query('q') ?? null, 50)))

  app.post('/', async (c) => {
    const body = parse(schemas.customer, await jsonBody(c))
    const at = now()
    const customer = {
      id: newId('c'),
      name: body.name,
      phone: body.phone || null,
      email: body.email || null,
      address: body.address || null,
      segment: body.segment ?? null,
      createdAt: at,
      updatedAt: at,
    }
    await storage.createCustomer(customer)
    return c.json(customer, 201)
  })

  app.get('/:id', async (c) => {
    const customer = await storage.getCustomer(c.req.param('id'))
    if (!customer) throw notFound('Customer', c.req.param('id'))
    const [tickets, surveys] = await Promise.all([
      storage.listTickets({
        customerId: customer.id,
        visibleTo: teamScope(c.get('user')) ?? undefined,
        now: now(),
        limit: 100,
        offset: 0,
      }),
      storage.listSurveys({ customerId: customer.id }),
    ])
    return c.json({
      ...customer,
      tickets: tickets.map(({ state: _s, ...t }) => t),
      surveys,
    })
  })

  app.put('/:id', async (c) => {
    const existing = await storage.getCustomer(c.req.param('id'))
    if (!existing) throw notFound('Customer', c.req.param('id'))
    const body = parse(schemas.customer, await jsonBody(c))
    const customer = {
      ...existing,
      name: body.name,
      phone: body.phone || null,
      email: body.email || null,
      address: body.address || null,
      segment: body.segment ?? null,
      updatedAt: now(),
    }
    await storage.updateCustomer(customer)
    return c.json(customer)
  })

  app.post('/:id/surveys', async (c) => {
    const customer = await storage.getCustomer(c.req.param('id'))
    if (!customer) throw notFound('Customer', c.req.param('id'))
    const body = parse(schemas.survey, await jsonBody(c))
    if (body.ticketId) {
      const ticket = await storage.getTicket(body.ticketId)
      if (!ticket) throw notFound('Ticket', body.ticketId)
      if (ticket.customerId !== customer.id)
        throw new Problem(
          422,
          'survey_other_customer',
          `Ticket ${ticket.id} is not a ticket of customer ${customer.id}; a survey is attached only to the same customer's ticket`,
          { params: { ticketId: ticket.id, customerId: customer.id } },
        )
    }
    const survey = {
      id: newId('s'),
      customerId: customer.id,
      ticketId: body.ticketId ?? null,
      csat: body.csat ?? null,
      nps: body.nps ?? null,
      ces: body.ces ?? null,
      comment: body.comment ?? null,
      at: now(),
      createdBy: c.get('user').id,
    }
    await storage.addSurvey(survey)
    return c.json(survey, 201)
  })

  return app
}
