import { type Context, Hono } from 'hono'
import { Liquid } from 'liquidjs'
import { type ReplyTemplate, templateProblems } from '../../engine/index.ts'
import type { AppEnv } from '../auth/identity.ts'
import { ticketReference } from '../channels/messages.ts'
import { Problem } from '../http/problem.ts'
import type { Op } from '../openapi/operations.ts'
import type { TicketService } from '../services/tickets.ts'
import type { Storage, TicketRow, User } from '../storage/types.ts'

/**
 * LiquidJS with strict variables and filters, and no way to reach files: the engine's validation
 * allows only output tags with known placeholders and text filters, and this refuses anything else.
 */
// Stryker disable ObjectLiteral,BooleanLiteral,ArrayDeclaration: defence in depth. Liquid only sees text
// that templateProblems passed (known placeholders, text filters, no tags), so no option changes an answer.
const liquid = new Liquid({
  strictVariables: true,
  strictFilters: true,
  ownPropertyOnly: true,
  relativeReference: false,
  root: [],
  partials: [],
  layouts: [],
  cache: 200,
})
// Stryker restore ObjectLiteral,BooleanLiteral,ArrayDeclaration

export interface TemplateValues {
  customer: { name: string }
  ticket: { reference: string }
  agent: { name: string }
  step: { title: string }
}

/** Fills a template's placeholders; a template the engine would refuse is refused here too. */
export async function renderTemplate(text: string, values: TemplateValues): Promise<string> {
  const problems = templateProblems(text)
  if (problems.length)
    throw new Problem(
      422,
      'template_invalid',
      `The template uses ${problems[0].kind} "${problems[0].value}"`,
      {
        params: { value: problems[0].value },
      },
    )
  try {
    return await liquid.parseAndRender(text, values)
  } catch (err) {
    // Strict variables and filters: whatever it cannot fill in is refused, never left empty.
    throw new Problem(
      422,
      'template_invalid',
      `The template cannot be filled in: ${(err as Error).message}`,
      {
        params: { value: (err as Error).message.slice(0, 200) },
      },
    )
  }
}

/** The templates offered in a ticket's current steps (and those for every step), filled in for it. */
export async function ticketTemplates(
  storage: Storage,
  tickets: TicketService,
  t: TicketRow,
  agent: User,
): Promise<{ id: string; title: string; text: string }[]> {
  const sop = await tickets.sopFor(t.sopId, t.sopVersion)
  const customer = t.customerId ? await storage.getCustomer(t.customerId) : null
  // Stryker disable next-line OptionalChaining: a ticket's steps are always steps of its SOP version
  const steps = t.steps.map((id) => sop.steps.get(id)?.title ?? id)
  const values: TemplateValues = {
    customer: { name: customer?.name ?? '' },
    ticket: { reference: ticketReference(t) },
    agent: { name: agent.name },
    step: { title: steps.join(', ') },
  }
  const offered = (sop.document.templates ?? []).filter(
    (x: ReplyTemplate) => !x.steps?.length || x.steps.some((s) => t.steps.includes(s)),
  )
  return Promise.all(
    offered.map(async (x) => ({ id: x.id, title: x.title, text: await renderTemplate(x.text, values) })),
  )
}

export function templateRoutes(
  storage: Storage,
  tickets: TicketService,
  readable: (c: Context<AppEnv>) => Promise<TicketRow>,
) {
  const app = new Hono<AppEnv>()
  app.get('/:id/reply-templates', async (c) =>
    c.json(await ticketTemplates(storage, tickets, await readable(c), c.get('user'))),
  )
  return app
}

export const templateOps: Op[] = [
  {
    method: 'get',
    path: '/api/tickets/{id}/reply-templates',
    summary: "The SOP's reply templates offered in the ticket's current steps, filled in for it",
    tag: 'Tickets',
    notes:
      'Placeholders (`{{ customer.name }}`, `{{ ticket.reference }}`, `{{ agent.name }}` — the caller —, `{{ step.title }}`) are filled in by LiquidJS with strict variables. The agent edits the text and sends it as a note to the customer.',
  },
]
