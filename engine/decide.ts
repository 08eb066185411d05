import { accept } from './accept.ts'
import type { CompiledSop } from './compile.ts'
import { decideAction, decideUpdate } from './decideAction.ts'
import { decideOverride, decideReopen } from './decideOverride.ts'
import { decideTimer } from './decideTimer.ts'
import { checkFields, reject } from './inputChecks.ts'
import { initialTransition } from './transitionMemo.ts'
import type { Actor, Decision, FieldValue, Priority, Rejection, TicketInput, TicketState } from './types.ts'

export { recordHash, timerId } from './accept.ts'
export {
  actionTransitions,
  activeSteps,
  leaves,
  qualifies,
  roleAllowed,
  rolesFor,
} from './actionTransitions.ts'
export { isEmpty } from './inputChecks.ts'

export interface StartOptions {
  actor: Actor
  /** ISO time the ticket starts. */
  now: string
  fields?: Record<string, FieldValue>
  priority?: Priority
}

/** Starts a ticket on an SOP: its initial state, first record and timers. */
export function start(sop: CompiledSop, options: StartOptions): Decision {
  const fields = options.fields ?? {}
  const bad = checkFields(sop, fields)
  if (bad) return bad
  const [snapshot, actions] = initialTransition(sop, {
    fields: { ...fields },
    priority: options.priority ?? 'normal',
  })
  const empty: TicketState = {
    sopHash: sop.hash,
    value: {},
    // Stryker disable next-line StringLiteral: accepting the first record reads only the fields of the state before it
    context: { fields: {}, priority: 'normal', queue: null, role: null },
    // Stryker disable next-line StringLiteral: accepting the first record does not read the status of the state before it
    status: 'open',
    outcome: null,
    active: {},
    checklist: {},
    seq: 0,
    head: null,
  }
  return accept(sop, empty, snapshot, actions, {
    kind: 'start',
    actor: options.actor,
    now: options.now,
    action: null,
    timerId: null,
    input: fields,
    ticks: {},
    target: null,
    reason: null,
    breach: null,
    // The priority it starts at chooses the policy targets: replay needs it.
    ...(options.priority && options.priority !== 'normal' ? { priority: options.priority } : {}),
  })
}

/**
 * Decides one input on a ticket: accepted with the next state, the record and the timers to
 * schedule and cancel, or rejected with a typed reason. Pure: nothing is executed or stored.
 */
export function decide(
  sop: CompiledSop,
  state: TicketState,
  input: TicketInput,
  actor: Actor,
  now: string,
): Decision {
  if (state.sopHash !== sop.hash) {
    return reject({ code: 'invalid_input', message: 'The ticket is pinned to another version of this SOP' })
  }
  if (input.kind === 'reopen') return decideReopen(sop, state, input, actor, now)
  if (state.status === 'closed') {
    return reject({
      code: 'ticket_closed',
      message: `The ticket is closed (${state.outcome ?? 'ended'}); nothing more can be done in it`,
    })
  }
  switch (input.kind) {
    case 'action':
      return decideAction(sop, state, input, actor, now) as Decision
    case 'update':
      return decideUpdate(sop, state, input, actor, now)
    case 'timer':
      return decideTimer(sop, state, input.timerId, actor, now)
    case 'override':
      return decideOverride(sop, state, input, actor, now)
    default:
      return reject({
        code: 'invalid_input',
        message: `Unknown input kind "${(input as { kind?: unknown }).kind}"`,
      })
  }
}

/**
 * Whether an action would be accepted now, and if not why: `decide` without building the record
 * and next state (the step prompt asks this for every action it lists).
 */
export function check(
  sop: CompiledSop,
  state: TicketState,
  input: Extract<TicketInput, { kind: 'action' }>,
  actor: Actor,
  now: string,
): Rejection | null {
  if (state.sopHash !== sop.hash)
    return { code: 'invalid_input', message: 'The ticket is pinned to another version of this SOP' }
  if (state.status === 'closed') return { code: 'ticket_closed', message: 'The ticket is closed' }
  // Stryker disable next-line BooleanLiteral: building the record too gives the same acceptance or refusal; it only costs time
  const result = decideAction(sop, state, input, actor, now, true)
  return result.ok ? null : result.rejection
}
