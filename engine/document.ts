import { z } from 'zod'
import { timeKindSchema } from './calendar.ts'
import { isDuration } from './duration.ts'
import { surveyPolicySchema } from './survey.ts'
import { replyTemplateSchema } from './templates.ts'

/** The schema id every SOP document of this format carries. */
export const SOP_SCHEMA_ID = 'sopflow/v1'

const id = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'must start with a letter and hold only letters, digits, "_" and "-"')

/** ISO-8601 duration such as PT2H, P1D, PT30M, P1DT4H. */
export const isoDuration = z.string().refine(isDuration, 'must be an ISO-8601 duration such as PT2H or P1D')

export const CHANNELS = ['phone', 'email', 'chat', 'web', 'social', 'walk-in', 'ivr', 'sms'] as const
export const channelSchema = z.enum(CHANNELS)
export type Channel = z.infer<typeof channelSchema>

export const FIELD_TYPES = [
  'text',
  'longtext',
  'number',
  'boolean',
  'choice',
  'date',
  'email',
  'phone',
] as const
export const fieldTypeSchema = z.enum(FIELD_TYPES)
export type FieldType = z.infer<typeof fieldTypeSchema>

/**
 * Where a bound ticket field takes its value: a property of the ticket's customer or a value
 * entered at intake. The server fills bound fields when the ticket is created.
 */
export const BIND_TARGETS = [
  'customer.name',
  'customer.phone',
  'customer.email',
  'customer.address',
  'ticket.subject',
  'ticket.channel',
] as const
export const bindTargetSchema = z.enum(BIND_TARGETS, {
  error: () => `must be one of ${BIND_TARGETS.join(', ')}`,
})
export type BindTarget = z.infer<typeof bindTargetSchema>

export const ticketFieldSchema = z.object({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'must be lower_snake_case (used in CEL guards as ticket.<name>)'),
  label: z.string().min(1),
  type: fieldTypeSchema,
  options: z.array(z.object({ value: z.string().min(1), label: z.string().min(1) })).optional(),
  personal: z.boolean().default(false),
  description: z.string().optional(),
  /** Filled from the customer or the intake form, so the agent does not type it again. */
  bind: bindTargetSchema.optional(),
})
export type TicketField = z.infer<typeof ticketFieldSchema>

export const STEP_KINDS = ['task', 'decision', 'wait', 'group', 'parallel', 'end'] as const
export const stepKindSchema = z.enum(STEP_KINDS)
export type StepKind = z.infer<typeof stepKindSchema>

export const OUTCOMES = [
  'resolved',
  'escalated',
  'cancelled',
  'no_response',
  'transferred',
  'sold',
  'lost',
] as const
export const outcomeSchema = z.enum(OUTCOMES)
export type Outcome = z.infer<typeof outcomeSchema>

export const checklistItemSchema = z.object({
  id,
  text: z.string().min(1),
  required: z.boolean().default(true),
})
export type ChecklistItem = z.infer<typeof checklistItemSchema>

export const slaSchema = z.object({
  /** Due within this duration of entering the step. */
  due: isoDuration,
  /** On breach: move the ticket to this step (an escalation). */
  escalateTo: id.optional(),
  /** On breach: notify this role. */
  notify: z.string().min(1).optional(),
  /** Counted in `business` time (the calendar's open hours) or `calendar` (wall-clock) time, the default. */
  time: timeKindSchema.optional(),
  /** The calendar business time counts in (else the SOP's `calendar`). */
  calendar: id.optional(),
})
export type Sla = z.infer<typeof slaSchema>

/**
 * What a `wait` step waits for. `customer`: the customer's answer (confirming a fix, choosing an
 * option) — part of the same contact, so first contact resolution still holds. `third_party`:
 * someone outside the desk (a courier, a payment provider, a technical team) — the contact is
 * interrupted and the ticket no longer counts as resolved at first contact.
 */
export const WAIT_KINDS = ['customer', 'third_party'] as const
export const waitKindSchema = z.enum(WAIT_KINDS)
export type WaitKind = z.infer<typeof waitKindSchema>

export const stepSchema = z.object({
  id,
  kind: stepKindSchema,
  title: z.string().min(1),
  /** The containing group or parallel step; absent for top-level steps. */
  parent: id.optional(),
  /** For `group` steps: the child step entered first. */
  initial: id.optional(),
  /** Markdown shown to the agent. */
  instructions: z.string().default(''),
  checklist: z.array(checklistItemSchema).default([]),
  /** Ticket fields that must be filled before the ticket leaves this step by an action. */
  requiredFields: z.array(z.string()).default([]),
  /** Roles allowed to act in this step; empty means any signed-in role that works tickets. */
  roles: z.array(z.string().min(1)).default([]),
  /**
   * The team (department) responsible for this step, by its id; unset means any team. Work in the
   * step is assigned only to members of this team. The server knows the teams, not the engine.
   */
  team: z.string().min(1).max(100).optional(),
  sla: slaSchema.optional(),
  /** For `end` steps: how the ticket ends. */
  outcome: outcomeSchema.optional(),
  /** For `wait` steps: who the ticket waits for (see `WAIT_KINDS`); unset means no interruption. */
  waitKind: waitKindSchema.optional(),
  /**
   * For `wait` steps: while the ticket waits here, the SLAs of its other active steps pause, and
   * resume (rescheduled by the open time they lay paused) when it leaves. Typically true when
   * waiting on the customer; for a third party as the desk decides.
   */
  pausesClocks: z.boolean().optional(),
})
export type Step = z.infer<typeof stepSchema>

export const effectSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('set'),
    field: z.string(),
    value: z.union([z.string(), z.number(), z.boolean()]),
  }),
  z.object({ type: z.literal('priority'), value: z.enum(['low', 'normal', 'high', 'urgent']) }),
  z.object({
    type: z.literal('assign'),
    role: z.string().min(1).optional(),
    queue: z.string().min(1).optional(),
  }),
])
export type Effect = z.infer<typeof effectSchema>

export const transitionSchema = z.object({
  id,
  from: id,
  to: id,
  /**
   * The action an agent takes (a slug such as `confirm_identity`). Without `action` and `after`
   * the transition is automatic: a decision's branch, or a group/parallel step's completion.
   */
  action: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'must be lower_snake_case')
    .optional(),
  /** Taken by itself this long after the step was entered (an ISO-8601 duration). */
  after: isoDuration.optional(),
  /** How `after` is counted: `business` (the calendar's open hours) or `calendar` (wall-clock), the default. */
  time: timeKindSchema.optional(),
  /** The calendar a business-time `after` counts in (else the SOP's `calendar`). */
  calendar: id.optional(),
  /**
   * A contact window (a calendar of the times the customer may be contacted): an action is refused
   * outside it, naming the next allowed time; a delay is moved to the next allowed time.
   */
  window: id.optional(),
  label: z.string().default(''),
  /** CEL expression over `ticket.<field>`; the transition is only taken when it is true. */
  guard: z.string().optional(),
  effects: z.array(effectSchema).default([]),
  /** Roles allowed to take this action, narrowing the step's roles. */
  roles: z.array(z.string().min(1)).optional(),
  /**
   * Take this action without the step's required fields and checklist (an escalation, a
   * cancellation): the step is left unfinished on purpose.
   */
  skipRequirements: z.boolean().default(false),
  /** The step's main way forward, drawn as its primary action (else its first action that does not skip). */
  primary: z.boolean().optional(),
  /** The action answers the customer: it stops the first-reply and next-reply clocks. */
  reply: z.boolean().optional(),
  /** The action records a message from the customer: it starts the next-reply clock. */
  customerMessage: z.boolean().optional(),
})
export type Transition = z.infer<typeof transitionSchema>

export const layoutSchema = z.object({
  nodes: z
    .record(
      z.string(),
      z.object({
        x: z.number(),
        y: z.number(),
        width: z.number().optional(),
        height: z.number().optional(),
      }),
    )
    .default({}),
  edges: z
    .record(
      z.string(),
      z.object({
        sourceHandle: z.string().optional(),
        targetHandle: z.string().optional(),
      }),
    )
    .default({}),
})
export type Layout = z.infer<typeof layoutSchema>

/** A share between 0 and 1 (0.8 = 80 %). */
const share = z.number().min(0).max(1)

/**
 * The service targets the SOP states, shown beside the supervisor's figures. Times are ISO-8601
 * durations, rates shares between 0 and 1, survey scores on their own scales.
 */
export const targetsSchema = z
  .object({
    /** First response time: at most this long (average). */
    frt: isoDuration.optional(),
    /** Average total handling time: at most this long. */
    atht: isoDuration.optional(),
    /** First contact resolution rate: at least this share. */
    fcr: share.optional(),
    /** SLA breach rate: at most this share of tickets. */
    slaBreachRate: share.optional(),
    /** Average CSAT (1–5): at least this. */
    csat: z.number().min(1).max(5).optional(),
    /** Net promoter score (−100…100): at least this. */
    nps: z.number().int().min(-100).max(100).optional(),
    /** Average customer effort (1–7, lower is easier): at most this. */
    ces: z.number().min(1).max(7).optional(),
  })
  .strict()
export type Targets = z.infer<typeof targetsSchema>

export const sopDocumentSchema = z.object({
  schema: z.literal(SOP_SCHEMA_ID),
  id,
  title: z.string().min(1),
  department: z.string().min(1),
  purpose: z.string().min(1),
  description: z.string().default(''),
  owner: z.string().default(''),
  language: z.string().min(2).default('en'),
  channels: z.array(channelSchema).default([]),
  glossary: z.array(z.object({ term: z.string().min(1), definition: z.string().min(1) })).default([]),
  /** Service targets for the dashboard (optional). */
  targets: targetsSchema.optional(),
  /** The calendar business-time durations count in unless they name another. */
  calendar: id.optional(),
  /** Standard replies to the customer, per SOP or per step, with placeholders. */
  templates: z.array(replyTemplateSchema).optional(),
  /** Satisfaction surveys of a random sample of customers when tickets end. */
  survey: surveyPolicySchema.optional(),
  /** Ticket-level SLA targets: first reply, next reply and resolution, per priority. */
  policy: z
    .object({
      targets: z.array(
        z.object({
          metric: z.enum(['first_reply', 'next_reply', 'resolution']),
          /** The priorities it applies to; absent means every priority. The first target that applies wins. */
          priorities: z.array(z.enum(['urgent', 'high', 'normal', 'low'])).optional(),
          /**
           * The channels it applies to (`email`, `phone`…), matched against the field bound to
           * `ticket.channel`; absent means every channel.
           */
          channels: z.array(z.string().min(1)).min(1).optional(),
          due: isoDuration,
          time: timeKindSchema.optional(),
          calendar: id.optional(),
          /** On breach: notify this role. */
          notify: z.string().min(1).optional(),
          /** On breach: move the ticket to this step. */
          escalateTo: id.optional(),
          /** On breach: raise the ticket's priority to this (never lowers it). */
          raisePriority: z.enum(['urgent', 'high', 'normal']).optional(),
          /** Warn once when this share of the target has passed (0.75: at 75 %). */
          warnAt: z.number().gt(0).lt(1).optional(),
          /** Who the warning goes to: a role or a user id; absent means the ticket's assignee. */
          warnNotify: z.string().min(1).optional(),
        }),
      ),
    })
    .optional(),
  /** The ticket field holding the customer's IANA time zone: contact windows count in it when set. */
  customerTimeZoneField: z.string().optional(),
  /**
   * What a customer's message on a closed ticket does: `followUp` (the default) opens a new ticket
   * linked to it; `reopen` reopens it at `step` (the initial step when not given).
   */
  closedReply: z
    .object({ mode: z.enum(['reopen', 'followUp']), step: id.optional() })
    .strict()
    .optional(),
  fields: z.array(ticketFieldSchema).default([]),
  /** The top-level step a ticket starts in. */
  initial: id,
  steps: z.array(stepSchema).min(1),
  transitions: z.array(transitionSchema).default([]),
  layout: layoutSchema.default({ nodes: {}, edges: {} }),
})

/** A parsed SOP document (defaults applied). */
export type SopDocument = z.infer<typeof sopDocumentSchema>
/** An SOP document as written, before defaults are applied. */
export type SopDocumentInput = z.input<typeof sopDocumentSchema>
