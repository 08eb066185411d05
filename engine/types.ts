import type { Outcome } from './document.ts'

/** A field value a ticket can hold. Dates are ISO strings; empty means absent. */
export type FieldValue = string | number | boolean | null

export type Priority = 'low' | 'normal' | 'high' | 'urgent'

/** Who acts: a user with a role, or the system (timers). */
export interface Actor {
  id: string
  role: string
  /** Organisation roles (e.g. `billing_specialist`) that qualify the actor for steps naming them. */
  roles?: string[]
}

export const SYSTEM_ACTOR: Actor = { id: 'system', role: 'system' }

/** The ticket data the SOP machine carries (its XState context). */
export interface TicketContext {
  fields: Record<string, FieldValue>
  priority: Priority
  /** Current assignment target set by `assign` effects. */
  queue: string | null
  role: string | null
}

/**
 * Everything the engine needs to decide a ticket's next action. JSON-serialisable: the caller
 * persists it as it is and hands it back for the next decision.
 */
export interface TicketState {
  /** Content hash of the SOP version the ticket is pinned to. */
  sopHash: string
  /** XState state value. */
  value: string | Record<string, unknown>
  context: TicketContext
  status: 'open' | 'closed'
  outcome: Outcome | null
  /**
   * Active steps (leaves and their containers), with the time and record number they were entered;
   * for an SLA that was paused, the open time it lay paused and the record that last resumed it.
   */
  active: Record<string, { enteredAt: string; seq: number; pausedMs?: number; resumed?: number }>
  /** Since when the ticket's SLA clocks are paused (a wait step that pauses them is active). */
  pausedSince?: string
  /** The ticket-level policy clocks running (first reply, next reply, resolution), by metric. */
  policy?: Record<
    string,
    {
      enteredAt: string
      seq: number
      target: number
      pausedMs?: number
      resumed?: number
      /** Its warning has fired. */
      warned?: boolean
    }
  >
  /** Checklist items ticked, per step id. */
  checklist: Record<string, string[]>
  /** How many records the ticket has: the next record's seq. */
  seq: number
  /** Hash of the last record (`recordHash`): the head of the ticket's record chain. */
  head: string | null
}

/** A timer the caller must persist and fire (through `decide` with a `timer` input) when due. */
export interface TimerRecord {
  /** Deterministic id: unique within a ticket. */
  id: string
  kind: 'sla' | 'delay' | 'policy'
  /** The step (for a policy timer: the metric). */
  stepId: string
  /** For `delay`: the delayed transition. */
  transitionId: string | null
  /** Absolute due time, ISO-8601. */
  dueAt: string
}

export interface FieldChange {
  field: string
  from: FieldValue
  to: FieldValue
}

/** What happened to a ticket; input enough to recompute it, and what it led to. */
export interface TransitionRecord {
  seq: number
  /** Hash of the previous record (null for the first): each record seals the history before it. */
  prev: string | null
  at: string
  kind: 'start' | 'action' | 'timer' | 'override' | 'update' | 'reopen'
  actor: Actor
  /** The action taken (kind `action`). */
  action: string | null
  /** The transitions taken, in order (an action may pass through decisions). */
  transitions: string[]
  /** The timer that fired (kind `timer`). */
  timerId: string | null
  /** Field values supplied with the input, as given. */
  input: Record<string, FieldValue>
  /** Checklist ticks supplied with the input: step id → item ids. */
  ticks: Record<string, string[]>
  /** The step moved to and why, for overrides and reopens. */
  target: string | null
  reason: string | null
  /** Active leaf steps before and after. */
  from: string[]
  to: string[]
  /** Steps exited and entered, in order. */
  exited: string[]
  entered: string[]
  fieldChanges: FieldChange[]
  /** SLA breached by this record (kind `timer` on an SLA timer). */
  breach: {
    stepId: string
    notify: string | null
    escalateTo: string | null
    /** For a ticket-level policy target: its metric. */
    policy?: string
  } | null
  /** The priority a ticket starts at, when not `normal` (kind `start`). */
  priority?: Priority
  /** A policy target's warning fired by this record (kind `timer` on a `warn:` timer). */
  warning?: {
    /** The metric warned about, the share of its target passed, and who is told (null: the assignee). */
    policy: string
    at: number
    notify: string | null
    stepId: string
    /** When the target itself falls due. */
    dueAt: string
  }
  status: 'open' | 'closed'
  outcome: Outcome | null
}

/** What the caller wants the ticket to do. */
export type TicketInput =
  | {
      kind: 'action'
      action: string
      fields?: Record<string, FieldValue>
      /** Checklist items ticked now: step id → item ids. */
      ticks?: Record<string, string[]>
    }
  /** Save field values and checklist ticks without leaving the step. */
  | { kind: 'update'; fields?: Record<string, FieldValue>; ticks?: Record<string, string[]> }
  | { kind: 'timer'; timerId: string }
  /** A supervisor moves the ticket to a step, recording why. */
  | { kind: 'override'; target: string; reason: string }
  /** A closed ticket is reopened at a step (the customer wrote again), recording why. */
  | { kind: 'reopen'; target: string; reason: string }

/** Every reason the engine gives for not accepting an input. */
export const REJECTION_CODES = [
  'ticket_closed',
  'action_not_allowed',
  'guard_failed',
  'missing_fields',
  'checklist_incomplete',
  'role_not_permitted',
  'invalid_field_value',
  'unknown_field',
  'timer_stale',
  'timer_not_due',
  'unknown_step',
  'invalid_input',
  'outside_contact_window',
] as const
export type RejectionCode = (typeof REJECTION_CODES)[number]

export interface Rejection {
  code: RejectionCode
  message: string
  /** The step or transition concerned. */
  stepId?: string
  transitionId?: string
  /** Actions that are allowed in the current step(s). */
  allowed?: string[]
  /** Missing required fields / checklist items, failed guards, bad fields. */
  missing?: string[]
  guards?: { transitionId: string; guard: string }[]
  fields?: { field: string; message: string }[]
  roles?: string[]
  /** For `outside_contact_window`: the next time the customer may be contacted (ISO). */
  nextAllowedAt?: string
}

export interface Accepted {
  ok: true
  state: TicketState
  record: TransitionRecord
  timers: { schedule: TimerRecord[]; cancel: string[] }
}

export interface Rejected {
  ok: false
  rejection: Rejection
}

export type Decision = Accepted | Rejected

/** What the agent sees for one active step. */
export interface StepPrompt {
  stepId: string
  kind: string
  title: string
  /** Titles of the containing groups, outermost first. */
  path: string[]
  instructions: string
  checklist: { id: string; text: string; required: boolean; done: boolean }[]
  requiredFields: {
    name: string
    label: string
    type: string
    options?: { value: string; label: string }[]
    bind?: string
    filled: boolean
  }[]
  roles: string[]
  enteredAt: string
  sla: {
    due: string
    dueAt: string
    breached: boolean
    escalateTo: string | null
    notify: string | null
    timerId: string
    /** The clock is paused (a wait step that pauses clocks is active); `dueAt` is then as if it resumed now. */
    paused?: boolean
  } | null
  /** Glossary entries whose term appears in the step's title, instructions or checklist. */
  glossary: { term: string; definition: string }[]
}

/** One action the SOP offers now, and whether this actor can take it. */
export interface ActionPrompt {
  action: string
  label: string
  stepId: string
  transitionIds: string[]
  available: boolean
  /** Why it is not available now (absent when available). */
  blocked: Rejection | null
  /**
   * How it is drawn: `primary` is the step's main way forward (the one marked `primary`, else its
   * first action that does not skip the requirements); `danger` leaves the step unfinished on purpose
   * (a cancellation, an escalation) or ends the ticket without resolving it; the rest are `secondary`.
   */
  tone: 'primary' | 'secondary' | 'danger'
  /** Ticket fields its guard reads. */
  guardFields: string[]
}

/** A ticket field the current step(s) may edit: required by a step, or read by an action's guard. */
export interface FieldPrompt {
  name: string
  label: string
  type: string
  options?: { value: string; label: string }[]
  /** Where a bound field takes its value (see `TicketField.bind`). */
  bind?: string
  filled: boolean
  /** Required by one of the current steps (else only read by a guard). */
  required: boolean
  /** The actions whose guards read it. */
  readBy: string[]
}

export interface TicketPrompt {
  status: 'open' | 'closed'
  outcome: Outcome | null
  steps: StepPrompt[]
  actions: ActionPrompt[]
  /** Every field the current step(s) may edit: their required fields, then fields their actions' guards read. */
  fields: FieldPrompt[]
  /** Delayed transitions waiting on the active steps. */
  pending: { transitionId: string; stepId: string; label: string; dueAt: string }[]
}

/** A way through an SOP from its start to one end step, playable with `decide`. */
export interface SopPath {
  endStepId: string
  outcome: Outcome | null
  /** Leaf steps visited, in order (the first is where a ticket starts). */
  steps: string[]
  /** When the ticket starts; then the inputs to play with `decide`, in order, each with its actor and time. */
  startAt: string
  inputs: { input: TicketInput; actor: Actor; at: string }[]
}

export type ReplayResult =
  | { ok: true; states: TicketState[] }
  | {
      ok: false
      /** Index in the records list and the record's seq. */
      index: number
      seq: number
      reason: string
      expected: unknown
      recorded: unknown
      /** States that did replay, before the divergence. */
      states: TicketState[]
    }
