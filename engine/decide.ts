import type { AnyMachineSnapshot } from 'xstate'
import { slaDueMs, slaHeld, slaTimerId, updateClocks } from './clocks.ts'
import { type CompiledSop, EVENT_AFTER, EVENT_GOTO, EVENT_SLA, EVENT_UPDATE } from './compile.ts'
import { alignToWindow, outsideWindow } from './contactWindow.ts'
import type { Outcome, Step, Transition } from './document.ts'
import { type DurationClock, dueAfter, dueAfterMs } from './due.ts'
import { canonicalJson } from './hash.ts'
import {
  clockTarget,
  policyDueMs,
  policyTimerId,
  raisedPriority,
  updatePolicy,
  warnDueMs,
  warnTimerId,
} from './policy.ts'
import { pureInitialTransition, pureTransition } from './pureTransition.ts'
import type {
  Accepted,
  Actor,
  Decision,
  FieldChange,
  FieldValue,
  Priority,
  Rejection,
  TicketContext,
  TicketInput,
  TicketState,
  TimerRecord,
  TransitionRecord,
} from './types.ts'
import { triggerOf, valueFitsType } from './validate.ts'

/** Snapshots already resolved for a state object, so a chain of decisions resolves each once. */
const snapshots = new WeakMap<TicketState, AnyMachineSnapshot>()

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
  const [snapshot, actions] = pureInitialTransition(sop.machine, {
    fields: { ...fields },
    priority: options.priority ?? 'normal',
  })
  const empty: TicketState = {
    sopHash: sop.hash,
    value: {},
    context: { fields: {}, priority: 'normal', queue: null, role: null },
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

function decideAction(
  sop: CompiledSop,
  state: TicketState,
  input: Extract<TicketInput, { kind: 'action' }>,
  actor: Actor,
  now: string,
  onlyCheck = false,
): Decision | CheckResult {
  const fields = input.fields ?? {}
  const ticks = input.ticks ?? {}
  const bad = checkFields(sop, fields) ?? checkTicks(sop, state, ticks)
  if (bad) return bad

  const activeIds = activeSteps(state)
  const candidates = actionTransitions(sop, activeIds).filter((t) => t.action === input.action)
  if (!candidates.length) {
    const allowed = [...new Set(actionTransitions(sop, activeIds).map((t) => t.action!))]
    return reject({
      code: 'action_not_allowed',
      message: `"${input.action}" is not an action of the current step; allowed: ${allowed.join(', ') || 'none'}`,
      stepId: leaves(state.value)[0],
      allowed,
    })
  }
  const permitted = candidates.filter((t) => roleAllowed(sop, t, actor))
  if (!permitted.length) {
    const roles = [...new Set(candidates.flatMap((t) => rolesFor(sop, t)))]
    return reject({
      code: 'role_not_permitted',
      message: `Role "${actor.role}" may not take "${input.action}"; it needs: ${roles.join(', ')}`,
      stepId: candidates[0].from,
      transitionId: candidates[0].id,
      roles,
    })
  }
  const merged = { ...state.context.fields, ...fields }
  const enabled = permitted.filter((t) => sop.guards.get(t.id)?.(merged) ?? true)
  if (!enabled.length) {
    const guards = permitted.map((t) => ({ transitionId: t.id, guard: t.guard ?? '' }))
    return reject({
      code: 'guard_failed',
      message: `"${input.action}" is not possible with the ticket's data: ${guards.map((g) => g.guard).join(' / ')} is false`,
      stepId: permitted[0].from,
      transitionId: permitted[0].id,
      guards,
    })
  }

  const [snapshot, actions] = pureTransition(sop.machine, snapshotOf(sop, state), {
    type: input.action,
    role: actor.role,
    ...(actor.roles?.length ? { roles: actor.roles } : {}),
    fields,
  })
  const taken = takenIds(actions)
  const first = sop.transitions.get(taken[0])
  if (!first) {
    return reject({
      code: 'guard_failed',
      message: `"${input.action}" is not possible with the ticket's data`,
      allowed: [],
    })
  }
  if (!first.skipRequirements) {
    const source = sop.steps.get(first.from)!
    const missingFields = source.requiredFields.filter((name) => isEmpty(merged[name]))
    if (missingFields.length) {
      const labels = missingFields.map((n) => sop.fields.get(n)?.label ?? n)
      return reject({
        code: 'missing_fields',
        message: `Fill in before leaving "${source.title}": ${labels.join(', ')}`,
        stepId: source.id,
        missing: missingFields,
      })
    }
    const done = new Set([...(state.checklist[source.id] ?? []), ...(ticks[source.id] ?? [])])
    const missingItems = source.checklist.filter((c) => c.required && !done.has(c.id))
    if (missingItems.length) {
      return reject({
        code: 'checklist_incomplete',
        message: `Complete the checklist of "${source.title}": ${missingItems.map((c) => c.text).join('; ')}`,
        stepId: source.id,
        missing: missingItems.map((c) => c.id),
      })
    }
  }
  if (first.window) {
    const next = outsideWindow(sop, first.window, merged, now)
    if (next) {
      return reject({
        code: 'outside_contact_window',
        message: `"${input.action}" contacts the customer, who may not be contacted now; next allowed at ${next}`,
        stepId: first.from,
        transitionId: first.id,
        nextAllowedAt: next,
      })
    }
  }
  if (onlyCheck) return CHECKED
  return accept(sop, state, snapshot, actions, {
    kind: 'action',
    actor,
    now,
    action: input.action,
    timerId: null,
    input: fields,
    ticks,
    target: null,
    reason: null,
    breach: null,
  })
}

function decideUpdate(
  sop: CompiledSop,
  state: TicketState,
  input: Extract<TicketInput, { kind: 'update' }>,
  actor: Actor,
  now: string,
): Decision {
  const fields = input.fields ?? {}
  const ticks = input.ticks ?? {}
  const bad =
    checkFields(sop, fields) ?? checkTicks(sop, state, ticks) ?? checkUpdateRoles(sop, state, input, actor)
  if (bad) return bad
  const [snapshot, actions] = pureTransition(sop.machine, snapshotOf(sop, state), {
    type: EVENT_UPDATE,
    fields,
  })
  return accept(sop, state, snapshot, actions, {
    kind: 'update',
    actor,
    now,
    action: null,
    timerId: null,
    input: fields,
    ticks,
    target: null,
    reason: null,
    breach: null,
  })
}

/** Hash of a transition record (its canonical JSON, which includes the previous record's hash). */
export function recordHash(sop: CompiledSop, record: TransitionRecord): string {
  return sop.sha256(canonicalJson(record))
}

type CheckResult = { ok: true; checked: true }
const CHECKED: CheckResult = { ok: true, checked: true }

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
  const result = decideAction(sop, state, input, actor, now, true)
  return result.ok ? null : result.rejection
}

/** Timer ids: `sla:<stepId>:<entry seq>` and `delay:<transitionId>:<entry seq>`. */
export function timerId(kind: 'sla' | 'delay', id: string, seq: number): string {
  return `${kind}:${id}:${seq}`
}

function decideTimer(sop: CompiledSop, state: TicketState, id: string, actor: Actor, now: string): Decision {
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
    const [snapshot, actions] = pureTransition(sop.machine, snapshotOf(sop, state), {
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
    ? pureTransition(sop.machine, snapshotOf(sop, state), { type: `${EVENT_SLA}${step.id}` })
    : [snapshotOf(sop, state), []]
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
    ? pureTransition(sop.machine, snapshotOf(sop, state), { type: `${EVENT_GOTO}${target.escalateTo}` })
    : [snapshotOf(sop, state), []]
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

function decideOverride(
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
  const [snapshot, actions] = pureTransition(sop.machine, snapshotOf(sop, state), {
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
function decideReopen(
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

interface RecordBase {
  kind: TransitionRecord['kind']
  actor: Actor
  now: string
  action: string | null
  timerId: string | null
  input: Record<string, FieldValue>
  ticks: Record<string, string[]>
  target: string | null
  reason: string | null
  breach: TransitionRecord['breach']
  warning?: TransitionRecord['warning']
  priority?: TransitionRecord['priority']
}

/** Builds the accepted decision from XState's next snapshot and the actions it returned. */
function accept(
  sop: CompiledSop,
  state: TicketState,
  snapshot: AnyMachineSnapshot,
  actions: readonly { type: string; params?: unknown }[],
  base: RecordBase,
): Accepted {
  const seq = state.seq
  const entered: string[] = []
  const exited: string[] = []
  for (const a of actions) {
    if (a.type === 'entered') entered.push((a.params as { stepId: string }).stepId)
    else if (a.type === 'exited') exited.push((a.params as { stepId: string }).stepId)
  }
  const context = snapshot.context as TicketContext
  const closed = snapshot.status === 'done'
  const to = leaves(snapshot.value)

  const active: TicketState['active'] = { ...state.active }
  const checklist: TicketState['checklist'] = { ...state.checklist }
  for (const [stepId, items] of Object.entries(base.ticks)) {
    if (active[stepId]) checklist[stepId] = [...new Set([...(checklist[stepId] ?? []), ...items])]
  }
  // Apply entries and exits in the order XState took them: a decision is entered and left in
  // the same step, and a group's end step is left when the group completes.
  const cancel: string[] = []
  for (const a of actions) {
    if (a.type === 'entered') {
      active[(a.params as { stepId: string }).stepId] = { enteredAt: base.now, seq }
    } else if (a.type === 'exited') {
      const id = (a.params as { stepId: string }).stepId
      const entry = active[id]
      if (entry && entry.seq !== seq) cancel.push(...timerIdsOf(sop, id, entry))
      delete active[id]
      delete checklist[id]
    }
  }
  const nowMs = Date.parse(base.now)
  // A finished machine exits everything; the ticket stays at the end step it reached.
  if (closed) for (const id of to) active[id] ??= { enteredAt: base.now, seq }
  const clocks = updateClocks(sop, state, active, seq, base.now, closed)
  const policy = updatePolicy(sop, state.policy, {
    kind: base.kind,
    now: base.now,
    seq,
    taken: takenIds(actions).flatMap((id) => sop.transitions.get(id) ?? []),
    firedTimer: /^(policy|warn):/.test(base.timerId ?? '') ? base.timerId : null,
    closed,
    priority: context.priority,
    fields: context.fields,
    pausedBefore: state.pausedSince,
    pausedAfter: clocks.pausedSince !== undefined,
  })
  const schedule: TimerRecord[] = [...clocks.schedule, ...policy.schedule]
  cancel.push(...clocks.cancel, ...policy.cancel)
  for (const [id, entry] of Object.entries(active)) {
    if (closed) {
      if (entry.seq !== seq) cancel.push(...timerIdsOf(sop, id, entry))
    } else if (entry.seq === seq) {
      const held = slaHeld(sop, id, clocks.pausedSince !== undefined)
      schedule.push(...timersOf(sop, id, seq, nowMs, context.fields).filter((t) => !held || t.kind !== 'sla'))
    }
  }
  const outcome: Outcome | null = closed
    ? (to.map((id) => sop.steps.get(id)?.outcome).find(Boolean) ?? null)
    : null
  // Keys in sorted order, so the record is already in canonical form for hashing.
  const record: TransitionRecord = {
    action: base.action,
    actor: base.actor,
    at: base.now,
    breach: base.breach,
    entered,
    exited,
    fieldChanges: diffFields(state.context.fields, context.fields),
    from: leaves(state.value),
    input: base.input,
    kind: base.kind,
    outcome,
    prev: state.head,
    reason: base.reason,
    seq,
    status: closed ? 'closed' : 'open',
    target: base.target,
    ticks: base.ticks,
    timerId: base.timerId,
    to,
    transitions: takenIds(actions),
    ...(base.warning ? { warning: base.warning } : {}),
    ...(base.priority ? { priority: base.priority } : {}),
  }
  const next: TicketState = {
    sopHash: sop.hash,
    value: snapshot.value as TicketState['value'],
    context,
    status: closed ? 'closed' : 'open',
    outcome,
    active,
    checklist,
    seq: seq + 1,
    head: recordHash(sop, record),
    ...(clocks.pausedSince ? { pausedSince: clocks.pausedSince } : {}),
    ...(policy.policy ? { policy: policy.policy } : {}),
  }
  snapshots.set(next, snapshot)
  return { ok: true, state: next, record, timers: { schedule, cancel } }
}

/** The timers a step has while it is active, entered at record `seq` (due times when `now` is given). */
interface TimerSpec {
  kind: 'sla' | 'delay'
  ref: string
  transitionId: string | null
  /** The duration and how it is counted (business or wall-clock time). */
  duration: string
  clock: DurationClock
  /** For delays: the contact window the due time moves into. */
  window?: string
}

/** The timers each step has while active, worked out once per compiled SOP. */
const timerSpecs = new WeakMap<CompiledSop, Map<string, TimerSpec[]>>()

function specsOf(sop: CompiledSop, stepId: string): TimerSpec[] {
  let bySop = timerSpecs.get(sop)
  if (!bySop) {
    bySop = new Map()
    timerSpecs.set(sop, bySop)
  }
  let specs = bySop.get(stepId)
  if (!specs) {
    specs = []
    const step = sop.steps.get(stepId)
    if (step?.sla)
      specs.push({ kind: 'sla', ref: stepId, transitionId: null, duration: step.sla.due, clock: step.sla })
    for (const t of sop.outgoing.get(stepId) ?? []) {
      if (t.after)
        specs.push({
          kind: 'delay',
          ref: t.id,
          transitionId: t.id,
          duration: t.after,
          clock: t,
          window: t.window,
        })
    }
    bySop.set(stepId, specs)
  }
  return specs
}

/** Ids of the timers an active step has now. */
function timerIdsOf(sop: CompiledSop, stepId: string, entry: TicketState['active'][string]): string[] {
  return specsOf(sop, stepId).map((spec) =>
    spec.kind === 'sla' ? slaTimerId(stepId, entry) : timerId(spec.kind, spec.ref, entry.seq),
  )
}

/** The timers a step entered at record `seq`, at `nowMs`, schedules. */
function timersOf(
  sop: CompiledSop,
  stepId: string,
  seq: number,
  nowMs: number,
  fields: Record<string, FieldValue>,
): TimerRecord[] {
  return specsOf(sop, stepId).map((spec) => ({
    id: timerId(spec.kind, spec.ref, seq),
    kind: spec.kind,
    stepId,
    transitionId: spec.transitionId,
    dueAt: new Date(
      alignToWindow(sop, spec.window, fields, dueAfterMs(sop, nowMs, spec.duration, spec.clock)),
    ).toISOString(),
  }))
}

function snapshotOf(sop: CompiledSop, state: TicketState): AnyMachineSnapshot {
  let snapshot = snapshots.get(state)
  if (!snapshot) {
    snapshot = sop.machine.resolveState({ value: state.value as never, context: state.context })
    snapshots.set(state, snapshot)
  }
  return snapshot
}

function takenIds(actions: readonly { type: string; params?: unknown }[]): string[] {
  const ids: string[] = []
  for (const a of actions) if (a.type === 'taken') ids.push((a.params as { id: string }).id)
  return ids
}

/** Leaf step ids of an XState state value, in document order of the value. */
export function leaves(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (!value || typeof value !== 'object') return []
  const out: string[] = []
  for (const [key, child] of Object.entries(value)) {
    const below = leaves(child)
    if (below.length) out.push(...below)
    else out.push(key)
  }
  return out
}

/** Every active step id (leaves and their containers). */
export function activeSteps(state: TicketState): string[] {
  return Object.keys(state.active)
}

/** Action transitions per set of active steps, worked out once per compiled SOP. */
const actionsByActive = new WeakMap<CompiledSop, Map<string, Transition[]>>()

/** Action transitions out of the given active steps, innermost first. */
export function actionTransitions(sop: CompiledSop, active: readonly string[]): Transition[] {
  let bySop = actionsByActive.get(sop)
  if (!bySop) {
    bySop = new Map()
    actionsByActive.set(sop, bySop)
  }
  const key = active.join('\n')
  let found = bySop.get(key)
  if (!found) {
    const ordered = [...new Set(active)].sort(
      (a, b) => (sop.ancestors.get(b)?.length ?? 0) - (sop.ancestors.get(a)?.length ?? 0),
    )
    found = ordered.flatMap((id) => (sop.outgoing.get(id) ?? []).filter((t) => triggerOf(t) === 'action'))
    bySop.set(key, found)
  }
  return found
}

export function rolesFor(sop: CompiledSop, t: Transition): string[] {
  return t.roles ?? sop.steps.get(t.from)?.roles ?? []
}

export function roleAllowed(sop: CompiledSop, t: Transition, role: string | Actor): boolean {
  const roles = rolesFor(sop, t)
  return !roles.length || qualifies(roles, role)
}

/** Whether an actor holds one of these roles: their built-in role or one of their organisation roles. */
export function qualifies(roles: readonly string[], who: string | Actor): boolean {
  if (typeof who === 'string') return roles.includes(who)
  return roles.includes(who.role) || (who.roles ?? []).some((r) => roles.includes(r))
}

/**
 * Step roles bind updates as they bind actions: a step's checklist is ticked only by its roles, and
 * fields are written only by a role allowed in one of the current steps (any role when a current
 * step names none).
 */
function checkUpdateRoles(
  sop: CompiledSop,
  state: TicketState,
  input: Extract<TicketInput, { kind: 'update' }>,
  actor: Actor,
): Decision | null {
  for (const stepId of Object.keys(input.ticks ?? {})) {
    const roles = sop.steps.get(stepId)?.roles ?? []
    if (roles.length && !qualifies(roles, actor)) {
      return reject({
        code: 'role_not_permitted',
        message: `Role "${actor.role}" may not tick the checklist of step "${stepId}"; it needs: ${roles.join(', ')}`,
        stepId,
        roles: [...roles],
      })
    }
  }
  const names = Object.keys(input.fields ?? {})
  if (!names.length) return null
  const steps = Object.keys(state.active)
    .map((id) => sop.steps.get(id))
    .filter((s): s is Step => !!s && s.kind !== 'group' && s.kind !== 'parallel')
  if (!steps.length || steps.some((s) => !s.roles.length || qualifies(s.roles, actor))) return null
  const roles = [...new Set(steps.flatMap((s) => s.roles))]
  return reject({
    code: 'role_not_permitted',
    message: `Role "${actor.role}" may not write fields in step "${steps[0].id}"; it needs: ${roles.join(', ')}`,
    stepId: steps[0].id,
    roles,
    fields: names.map((field) => ({ field, message: 'not writable by this role in the current step' })),
  })
}

export function isEmpty(v: FieldValue | undefined): boolean {
  return v === undefined || v === null || v === ''
}

function checkFields(sop: CompiledSop, fields: Record<string, unknown>): Decision | null {
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) {
    return reject({ code: 'invalid_input', message: 'Field values must be an object of field name to value' })
  }
  const unknown = Object.keys(fields).filter((k) => !sop.fields.has(k))
  if (unknown.length) {
    return reject({
      code: 'unknown_field',
      message: `Not a field of this SOP: ${unknown.join(', ')}`,
      fields: unknown.map((field) => ({ field, message: 'not a field of this SOP' })),
    })
  }
  const wrong: { field: string; message: string }[] = []
  for (const [name, value] of Object.entries(fields)) {
    const f = sop.fields.get(name)!
    if (!valueFitsType(f, value)) {
      const expected =
        f.type === 'choice'
          ? `one of ${(f.options ?? []).map((o) => o.value).join(', ')}`
          : `a ${f.type === 'longtext' ? 'text' : f.type}`
      wrong.push({ field: name, message: `${f.label} must be ${expected}` })
    }
  }
  if (wrong.length) {
    return reject({
      code: 'invalid_field_value',
      message: wrong.map((w) => w.message).join('; '),
      fields: wrong,
    })
  }
  return null
}

function checkTicks(sop: CompiledSop, state: TicketState, ticks: Record<string, unknown>): Decision | null {
  for (const [stepId, items] of Object.entries(ticks ?? {})) {
    const step: Step | undefined = sop.steps.get(stepId)
    if (!step || !state.active[stepId]) {
      return reject({
        code: 'invalid_input',
        message: `Checklist ticks for "${stepId}", which is not a current step`,
        stepId,
      })
    }
    if (!Array.isArray(items))
      return reject({
        code: 'invalid_input',
        message: `Checklist ticks for "${stepId}" must be a list`,
        stepId,
      })
    const unknown = items.filter((i) => !step.checklist.some((c) => c.id === i))
    if (unknown.length) {
      return reject({
        code: 'invalid_input',
        message: `Step "${stepId}" has no checklist item ${unknown.join(', ')}`,
        stepId,
        missing: unknown.map(String),
      })
    }
  }
  return null
}

/**
 * The changed fields, by field name: a record is the same whatever the order of the members of
 * its input (an evidence bundle holds it as canonical JSON, its members sorted).
 */
function diffFields(before: Record<string, FieldValue>, after: Record<string, FieldValue>): FieldChange[] {
  const changes: FieldChange[] = []
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const a = before[key] ?? null
    const b = after[key] ?? null
    if (a !== b) changes.push({ field: key, from: a, to: b })
  }
  return changes
}

function reject(rejection: Rejection): Decision {
  return { ok: false, rejection }
}
