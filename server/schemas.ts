import { z } from 'zod'
import { CHANNELS, OUTCOMES } from '../engine/index.ts'
import { DRILL_KEYS } from './services/metrics.ts'
import { ROLES, SEGMENTS, TICKET_SORTS } from './storage/types.ts'

/** A date (2026-03-02) or an instant (2026-03-02T08:00:00Z). */
const instant = z
  .string()
  .refine(
    (v) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(v) && !Number.isNaN(Date.parse(v)),
    {
      message: 'must be a date (2026-03-02) or an ISO-8601 instant (2026-03-02T08:00:00Z)',
    },
  )
const metricsQuery = z.object({
  sop: z.string().optional(),
  version: z.coerce.number().int().positive().optional(),
  from: instant.optional(),
  to: instant.optional(),
  channel: z.enum(CHANNELS).optional(),
  team: z.string().optional(),
  /** `exclude`: only the customers' own answers count, not those an agent entered (a phone survey). */
  agentSurveys: z.enum(['include', 'exclude']).optional(),
})

/** Request schemas: used to validate input and to generate the OpenAPI document. */
const fieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()])
const ticks = z.record(z.string(), z.array(z.string()))
const version = z.number().int().nonnegative().describe('The ticket version the client last saw')
const priority = z.enum(['low', 'normal', 'high', 'urgent'])

export const schemas = {
  sopCreate: z.object({ document: z.record(z.string(), z.unknown()) }).strict(),
  sopSave: z
    .object({
      document: z.record(z.string(), z.unknown()),
      baseRevision: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe(
          'The draft revision this document was edited from (from GET or the last PUT). When given and the stored draft has a newer revision, nothing is saved and the answer is 409 `draft_conflict` with `params.revision`, the current revision. Without it the save always applies.',
        ),
    })
    .strict(),
  sopValidate: z.object({ document: z.unknown().optional() }).strict(),
  customer: z
    .object({
      name: z.string().trim().min(1).max(200),
      phone: z.string().trim().max(50).nullish(),
      email: z.string().trim().email().max(200).nullish().or(z.literal('')),
      address: z.string().trim().max(500).nullish(),
      segment: z.enum(SEGMENTS).nullish(),
    })
    .strict(),
  survey: z
    .object({
      ticketId: z.string().nullish(),
      csat: z.number().int().min(1).max(5).nullish(),
      nps: z.number().int().min(0).max(10).nullish(),
      ces: z.number().int().min(1).max(7).nullish(),
      comment: z.string().max(2000).nullish(),
    })
    .strict(),
  ticketCreate: z
    .object({
      sopId: z.string().min(1),
      channel: z.enum(CHANNELS),
      customerId: z.string().nullish(),
      subject: z.string().trim().min(1).max(300),
      priority: priority.optional(),
      fields: z.record(z.string(), fieldValue).optional(),
      queue: z.string().max(100).nullish(),
      assignToMe: z.boolean().optional().describe('Assign the new ticket to the user who creates it'),
    })
    .strict(),
  action: z
    .object({
      action: z.string().min(1),
      fields: z.record(z.string(), fieldValue).optional(),
      ticks: ticks.optional(),
      version,
    })
    .strict(),
  update: z
    .object({ fields: z.record(z.string(), fieldValue).optional(), ticks: ticks.optional(), version })
    .strict(),
  override: z
    .object({ target: z.string().min(1), reason: z.string().trim().min(1).max(2000), version })
    .strict(),
  claim: z.object({ version }).strict(),
  assign: z
    .object({ userId: z.string().nullish(), queue: z.string().max(100).nullish(), version })
    .strict()
    .refine((v) => v.userId !== undefined || v.queue !== undefined, 'Give a userId or a queue'),
  note: z
    .object({
      text: z.string().trim().min(1).max(10_000),
      visibility: z.enum(['internal', 'customer']).default('internal'),
    })
    .strict(),
  userCreate: z
    .object({
      name: z.string().trim().min(1).max(200),
      role: z.enum(ROLES),
      team: z.string().max(100).nullish(),
    })
    .strict(),
  ticketQuery: z.object({
    status: z.enum(['open', 'closed']).optional(),
    step: z.string().optional(),
    assignee: z.string().optional(),
    queue: z
      .string()
      .optional()
      .describe(
        "A queue's name, or `me`: the caller's work queue (unassigned work of their team's steps, and unteamed work for their roles)",
      ),
    team: z.string().optional().describe('Only tickets whose current steps name this team as responsible'),
    channel: z.enum(CHANNELS).optional(),
    sop: z.string().optional(),
    customer: z.string().optional(),
    overdue: z.enum(['true', 'false']).optional(),
    unassigned: z.enum(['true', 'false']).optional(),
    q: z
      .string()
      .max(200)
      .optional()
      .describe('Text in the ticket number or subject, or the customer name, phone or e-mail'),
    sort: z.enum(TICKET_SORTS).optional().describe('urgency (default), due, priority or created'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  }),
  metricsQuery,
  metricsTicketsQuery: metricsQuery.extend({ figure: z.enum(DRILL_KEYS) }),
  auditQuery: z.object({
    q: z.string().trim().max(200).optional(),
    sop: z.string().optional(),
    version: z.coerce.number().int().positive().optional(),
    status: z.enum(['open', 'closed']).optional(),
    outcome: z.enum(OUTCOMES).optional(),
    channel: z.enum(CHANNELS).optional(),
    assignee: z.string().optional(),
    from: instant.optional(),
    to: instant.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  }),
}
