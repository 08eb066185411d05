import { accept, snapshotOf } from './accept.ts'
import { leaves } from './actionTransitions.ts'
import { slaDueMs, slaHeld, slaTimerId } from './clocks.ts'
import { type CompiledSop, EVENT_AFTER, EVENT_GOTO, EVENT_SLA } from './compile.ts'
import { alignToWindow } from './contactWindow.ts'
import { type DurationClock, dueAfter } from './due.ts'
import { reject } from './inputChecks.ts'
import { clockTarget, policyDueMs, policyTimerId, raisedPriority, warnDueMs, warnTimerId } from './policy.ts'
import { transition } from './transitionMemo.ts'
import type { Actor, Decision, FieldValue, TicketContext, TicketState } from './types.ts'

/** A due timer: a delayed transition, an SLA breach or a policy clock's warning or breach. */
export function decideTimer(
  sop: CompiledSop,
  state: TicketState,
  id: string,
  actor: Actor,
  now: string,
): Decision {
  if (/^(policy|warn):/.test(id)) return decidePolicyTimer(sop, state, id, actor, now)
  const m = /^(sla|delay):([^:@]+):(\d+)(?:@(\d+))?$/.exec(id)
  if (!m || (m[1] === 'delay' && m[4] !== undefined))
    return reject({ code: 'invalid_input', message: `"${id}" is not a timer id` })
  const [, kind, ref, seqText] = m
  const seq = Number(seqText)
  const base = {
    kind: 'timer' as const,
    actor,
    now,
    action: null,
    timerId: id,
    input: {},
    ticks: {},
    target: null,
    reason: null,
  }
  if (kind === 'delay') {
    const t = sop.transitions.get(ref)
    if (!t?.after)
      return reject({
        code: 'timer_stale',
        message: `Timer "${id}" names no delayed transition`,
        transitionId: ref,
      })
    const entry = state.active[t.from]
    if (entry?.seq !== seq) {
      return reject({
        code: 'timer_stale',
        message: `Timer "${id}" no longer applies: step "${t.from}" was left`,
        stepId: t.from,
      })
    }
    const notDue = checkDue(sop, id, entry.enteredAt, t.after, t, now, state.context.fields)
    if (notDue) return notDue
    const [snapshot, actions] = transition(sop, state, () => snapshotOf(sop, state), {
      type: `${EVENT_AFTER}${t.id}`,
    })
    return accept(sop, state, snapshot, actions, { ...base, breach: null })
  }
  const step = sop.steps.get(ref)
  if (!step?.sla)
    return reject({ code: 'timer_stale', message: `Timer "${id}" names no step with an SLA`, stepId: ref })
  const entry = state.active[step.id]
  if (entry?.seq !== seq) {
    return reject({
      code: 'timer_stale',
      message: `Timer "${id}" no longer applies: step "${step.id}" was left`,
      stepId: step.id,
    })
  }
  if (slaTimerId(step.id, entry) !== id || slaHeld(sop, step.id, Boolean(state.pausedSince))) {
    return reject({
      code: 'timer_stale',
      message: `Timer "${id}" no longer applies: the SLA of step "${step.id}" was paused`,
      stepId: step.id,
    })
  }
  const slaDue = new Date(slaDueMs(sop, step, entry)).toISOString()
  if (Date.parse(now) < Date.parse(slaDue))
    return reject({ code: 'timer_not_due', message: `Timer "${id}" is due at ${slaDue}, not before` })
  const breach = { escalateTo: step.sla.escalateTo ?? null, notify: step.sla.notify ?? null, stepId: step.id }
  const [snapshot, actions] = step.sla.escalateTo
    ? transition(sop, state, () => snapshotOf(sop, state), { type: `${EVENT_SLA}${step.id}` })
    : // Stryker disable next-line ArrayDeclaration: accept reads only actions of the types XState emits (entered, exited, taken); a stray string is none of them
      [snapshotOf(sop, state), []]
  return accept(sop, state, snapshot, actions, { ...base, breach })
}

function decidePolicyTimer(
  sop: CompiledSop,
  state: TicketState,
  id: string,
  actor: Actor,
  now: string,
): Decision {
  const metric = id.split(':')[1]
  const clock = state.policy?.[metric]
  const warn = id.startsWith('warn:')
  const current = clock && (warn ? !clock.warned && warnTimerId(metric, clock) : policyTimerId(metric, clock))
  if (!clock || current !== id || state.pausedSince) {
    return reject({
      code: 'timer_stale',
      message: `Timer "${id}" no longer applies: the ${metric.replace('_', ' ')} clock stopped, was paused or has warned`,
    })
  }
  const target = clockTarget(sop, clock)
  const dueAt = new Date(policyDueMs(sop, target, clock)).toISOString()
  const firesAt = warn ? new Date(warnDueMs(sop, target, clock)).toISOString() : dueAt
  if (Date.parse(now) < Date.parse(firesAt))
    return reject({ code: 'timer_not_due', message: `Timer "${id}" is due at ${firesAt}, not before` })
  const stepId = leaves(state.value)[0]
  if (warn) {
    const warning = { at: target.warnAt!, dueAt, notify: target.warnNotify ?? null, policy: metric, stepId }
    // Stryker disable next-line ArrayDeclaration: accept reads only actions of the types XState emits (entered, exited, taken); a stray string is none of them
    return accept(sop, state, snapshotOf(sop, state), [], {
      kind: 'timer',
      actor,
      now,
      action: null,
      timerId: id,
      input: {},
      ticks: {},
      target: null,
      reason: null,
      breach: null,
      warning,
    })
  }
  const breach = {
    escalateTo: target.escalateTo ?? null,
    notify: target.notify ?? null,
    policy: metric,
    stepId,
  }
  const [moved, actions] = target.escalateTo
    ? transition(sop, state, () => snapshotOf(sop, state), { type: `${EVENT_GOTO}${target.escalateTo}` })
    : // Stryker disable next-line ArrayDeclaration: accept reads only actions of the types XState emits (entered, exited, taken); a stray string is none of them
      [snapshotOf(sop, state), []]
  const context = moved.context as TicketContext
  const priority = raisedPriority(context.priority, target.raisePriority)
  const snapshot =
    priority === context.priority
      ? moved
      : sop.machine.resolveState({ value: moved.value as never, context: { ...context, priority } })
  return accept(sop, state, snapshot, actions, {
    kind: 'timer',
    actor,
    now,
    action: null,
    timerId: id,
    input: {},
    ticks: {},
    target: null,
    reason: null,
    breach,
  })
}

function checkDue(
  sop: CompiledSop,
  id: string,
  enteredAt: string,
  duration: string,
  clock: DurationClock & { window?: string },
  now: string,
  fields: Record<string, FieldValue>,
): Decision | null {
  const dueMs = alignToWindow(
    sop,
    clock.window,
    fields,
    Date.parse(dueAfter(sop, enteredAt, duration, clock)),
  )
  const dueAt = new Date(dueMs).toISOString()
  if (Date.parse(now) >= Date.parse(dueAt)) return null
  return reject({ code: 'timer_not_due', message: `Timer "${id}" is due at ${dueAt}, not before` })
}
