import type { AnyMachineSnapshot } from 'xstate'
import { accept, snapshotOf } from './accept.ts'
import { type CompiledSop, EVENT_GOTO } from './compile.ts'
import { reject } from './inputChecks.ts'
import { pureTransition } from './pureTransition.ts'
import { transition } from './transitionMemo.ts'
import type { Actor, Decision, TicketInput, TicketState } from './types.ts'

/** An override moves the ticket to any step, with a reason. */
export function decideOverride(
  sop: CompiledSop,
  state: TicketState,
  input: Extract<TicketInput, { kind: 'override' }>,
  actor: Actor,
  now: string,
): Decision {
  if (!sop.steps.has(input.target)) {
    return reject({
      code: 'unknown_step',
      message: `There is no step "${input.target}" in this SOP`,
      stepId: input.target,
    })
  }
  if (!input.reason?.trim()) {
    return reject({ code: 'invalid_input', message: 'An override needs a reason', stepId: input.target })
  }
  const [snapshot, actions] = transition(sop, state, () => snapshotOf(sop, state), {
    type: `${EVENT_GOTO}${input.target}`,
  })
  return accept(sop, state, snapshot, actions, {
    kind: 'override',
    actor,
    now,
    action: null,
    timerId: null,
    input: {},
    ticks: {},
    target: input.target,
    reason: input.reason,
    breach: null,
  })
}

/**
 * Reopens a closed ticket at a step (a customer wrote again and the SOP says to reopen): the
 * ticket leaves the end step it reached and enters the target as an override would.
 */
export function decideReopen(
  sop: CompiledSop,
  state: TicketState,
  input: Extract<TicketInput, { kind: 'reopen' }>,
  actor: Actor,
  now: string,
): Decision {
  if (state.status !== 'closed')
    return reject({ code: 'invalid_input', message: 'Only a closed ticket can be reopened' })
  const step = sop.steps.get(input.target)
  if (!step || step.kind === 'end') {
    return reject({
      code: 'unknown_step',
      message: step
        ? `Step "${input.target}" is an end step: a ticket cannot be reopened there`
        : `There is no step "${input.target}" in this SOP`,
      stepId: input.target,
    })
  }
  if (!input.reason?.trim())
    return reject({ code: 'invalid_input', message: 'A reopen needs a reason', stepId: input.target })
  // The finished machine takes no events: resume it where it ended, then move to the target.
  const ended = { ...snapshotOf(sop, state), status: 'active' } as AnyMachineSnapshot
  const [snapshot, actions] = pureTransition(sop.machine, ended, {
    type: `${EVENT_GOTO}${input.target}`,
  })
  return accept(sop, state, snapshot, actions, {
    kind: 'reopen',
    actor,
    now,
    action: null,
    timerId: null,
    input: {},
    ticks: {},
    target: input.target,
    reason: input.reason,
    breach: null,
  })
}
