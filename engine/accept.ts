import type { AnyMachineSnapshot } from 'xstate'
import { leaves } from './actionTransitions.ts'
import { slaHeld, slaTimerId, updateClocks } from './clocks.ts'
import type { CompiledSop } from './compile.ts'
import { alignToWindow } from './contactWindow.ts'
import type { Outcome, Transition } from './document.ts'
import { type DurationClock, dueAfterMs } from './due.ts'
import { canonicalJson } from './hash.ts'
import { updatePolicy } from './policy.ts'
import type { Moved } from './transitionMemo.ts'
import type {
  Accepted,
  Actor,
  FieldChange,
  FieldValue,
  TicketContext,
  TicketState,
  TimerRecord,
  TransitionRecord,
} from './types.ts'

/** Snapshots already resolved for a state object, so a chain of decisions resolves each once. */
const snapshots = new WeakMap<TicketState, AnyMachineSnapshot>()

/** Whether accept works out the timers to schedule and cancel (replay has no use for them). */
let timersWanted = true

/**
 * Runs `fn` with decisions that leave their timers out (`timers` empty): replay recomputes records
 * and states, never the timers a live ticket would schedule.
 */
export function withoutTimers<T>(fn: () => T): T {
  const outer = timersWanted
  timersWanted = false
  try {
    return fn()
  } finally {
    timersWanted = outer
  }
}

/** Hash of a transition record (its canonical JSON, which includes the previous record's hash). */
export function recordHash(sop: CompiledSop, record: TransitionRecord): string {
  return sop.sha256(canonicalJson(record))
}

/**
 * The canonical JSON of a record `accept` built: its members are in sorted order and its lists
 * hold strings, so JSON.stringify writes it canonically once the members a caller gave (actor,
 * input, ticks, breach and the plain values) are flat and sorted too. Input and ticks out of order
 * are written from sorted copies; anything else unusual goes through `canonicalJson`.
 */
function builtRecordJson(record: TransitionRecord): string {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a fast-path check: its surviving mutants only send a record down canonicalJson, which writes the same bytes (those that would write other bytes are killed by the record-hash tests)
  if (record.priority !== undefined || record.warning !== undefined) return canonicalJson(record)
  // Stryker disable BooleanLiteral,ConditionalExpression,LogicalOperator: these members are strings or null, so plain() is true; a fast-path check: its surviving mutants only send a record down canonicalJson, which writes the same bytes (those that would write other bytes are killed by the record-hash tests)
  if (
    !plain(record.action) ||
    !plain(record.at) ||
    !plain(record.kind) ||
    !plain(record.outcome) ||
    !plain(record.prev) ||
    !plain(record.reason) ||
    !plain(record.target) ||
    !plain(record.timerId) ||
    // Stryker restore BooleanLiteral,ConditionalExpression,LogicalOperator
    !flatAndSorted(record.actor) ||
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator,BooleanLiteral: a fast-path check: its surviving mutants only send a record down canonicalJson, which writes the same bytes (those that would write other bytes are killed by the record-hash tests)
    (record.breach !== null && !flatAndSorted(record.breach))
  )
    return canonicalJson(record)
  // Stryker disable next-line BooleanLiteral,ConditionalExpression,LogicalOperator: field values are never objects, so the check is false for every change and its mutants either agree or only take the canonicalJson path
  for (const c of record.fieldChanges) if (!plain(c.from) || !plain(c.to)) return canonicalJson(record)
  const input = flatAndSorted(record.input) ? record.input : sortedCopy(record.input)
  const ticks = flatAndSorted(record.ticks) ? record.ticks : sortedCopy(record.ticks)
  // Stryker disable next-line BooleanLiteral,ConditionalExpression,LogicalOperator: a fast-path check: its surviving mutants only send a record down canonicalJson, which writes the same bytes (those that would write other bytes are killed by the record-hash tests)
  if (!input || !ticks) return canonicalJson(record)
  return JSON.stringify(
    // Stryker disable next-line ConditionalExpression: a copy with the same members in the same order writes the same bytes
    input === record.input && ticks === record.ticks ? record : { ...record, input, ticks },
  )
}

/** A value JSON writes the same wherever it stands: not an object (null is one of them). */
// Stryker disable next-line BlockStatement: an emptied body answers undefined (not plain), which only sends the record down canonicalJson
function plain(value: unknown): boolean {
  // Stryker disable next-line all: a fast-path check: its surviving mutants only send a record down canonicalJson, which writes the same bytes (those that would write other bytes are killed by the record-hash tests)
  return typeof value !== 'object' || value === null
}

/** An object with its keys in sorted order, each holding a plain value or a list of plain values. */
// Stryker disable next-line BlockStatement: an emptied body answers undefined (not flat), which only sends the record down canonicalJson or a sorted copy
function flatAndSorted(value: object): boolean {
  return flat(value, true)
}

/** Whether an object's members are plain values or lists of them (and, if `sorted`, in sorted key order). */
// Stryker disable next-line BlockStatement: an emptied body answers undefined (not flat), which only sends the record down canonicalJson
function flat(value: object, sorted: boolean): boolean {
  // Stryker disable next-line BooleanLiteral,ConditionalExpression: a fast-path check: its surviving mutants only send a record down canonicalJson, which writes the same bytes (those that would write other bytes are killed by the record-hash tests)
  if (!plainObject(value)) return false
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  // Stryker disable next-line EqualityOperator: one step past the last key reads an undefined member, which is plain
  for (let i = 0; i < keys.length; i++) {
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: a fast-path check: its surviving mutants only send a record down canonicalJson, which writes the same bytes (those that would write other bytes are killed by the record-hash tests)
    if (sorted && i > 0 && keys[i - 1] > keys[i]) return false
    const v = record[keys[i]]
    // Stryker disable next-line BooleanLiteral,ConditionalExpression,BlockStatement: a fast-path check: its surviving mutants only send a record down canonicalJson, which writes the same bytes (those that would write other bytes are killed by the record-hash tests)
    if (!plain(v)) {
      // Stryker disable next-line BooleanLiteral,ConditionalExpression: a fast-path check: its surviving mutants only send a record down canonicalJson, which writes the same bytes (those that would write other bytes are killed by the record-hash tests)
      if (!Array.isArray(v)) return false
      // Stryker disable next-line BooleanLiteral,ConditionalExpression: a fast-path check: its surviving mutants only send a record down canonicalJson, which writes the same bytes (those that would write other bytes are killed by the record-hash tests)
      for (const item of v) if (!plain(item)) return false
    }
  }
  // Stryker disable next-line BooleanLiteral: answering not flat only sends the record down canonicalJson
  return true
}

/** A sorted copy of a flat object (null when it is not flat: the caller writes it the long way). */
// Stryker disable next-line BlockStatement: an emptied body answers undefined, which sends the record down canonicalJson
function sortedCopy<T extends object>(value: T): T | null {
  // Stryker disable next-line BooleanLiteral,ConditionalExpression: a fast-path check: its surviving mutants only send a record down canonicalJson, which writes the same bytes (those that would write other bytes are killed by the record-hash tests)
  if (!flat(value, false)) return null
  const record = value as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(record).sort()) out[key] = record[key]
  return out as T
}

/** An object JSON writes member by member: no array, no Date or other class, no toJSON. */
// Stryker disable next-line BlockStatement: an emptied body answers undefined (not plain), which only sends the record down canonicalJson
function plainObject(value: unknown): boolean {
  // Stryker disable next-line all: every caller passes an object (actor, input, ticks, a non-null breach), so the test is false, and its mutants either agree or answer not plain (the canonicalJson path)
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value)
  return (
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: accepting a class instance is caught by the toJSON test or writes its own members like canonicalJson (keys checked or copied sorted); rejecting one only takes the canonicalJson path
    (proto === Object.prototype || proto === null) &&
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: the prototype test already turns away inherited toJSON, and an own toJSON is called on the record or on its sorted copy alike; rejecting only takes the canonicalJson path
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  )
}

/** Timer ids: `sla:<stepId>:<entry seq>` and `delay:<transitionId>:<entry seq>`. */
export function timerId(kind: 'sla' | 'delay', id: string, seq: number): string {
  return `${kind}:${id}:${seq}`
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
export function accept(
  sop: CompiledSop,
  state: TicketState,
  snapshot: Moved | AnyMachineSnapshot,
  actions: readonly { type: string; params?: unknown }[],
  base: RecordBase,
): Accepted {
  const seq = state.seq
  const context = snapshot.context as TicketContext
  const closed = snapshot.status === 'done'
  const to = leaves(snapshot.value)

  let checklist = state.checklist
  const tickIds = Object.keys(base.ticks)
  // Stryker disable next-line ConditionalExpression: with no ticks the copy holds the same checklist
  if (tickIds.length) {
    checklist = { ...checklist }
    for (const stepId of tickIds) {
      // Stryker disable next-line ConditionalExpression: checkTicks has refused ticks of a step that is not current
      if (state.active[stepId])
        checklist[stepId] = [...new Set([...(checklist[stepId] ?? []), ...base.ticks[stepId]])]
    }
  }
  // Apply entries and exits in the order XState took them: a decision is entered and left in
  // the same step, and a group's end step is left when the group completes. The steps are kept
  // in a Map (a step entered again goes last, as on an object) and the object is built from it:
  // deleting members of an object would make every later copy of it slow.
  const steps = new Map<string, TicketState['active'][string]>()
  for (const id of Object.keys(state.active)) steps.set(id, state.active[id])
  const entered: string[] = []
  const exited: string[] = []
  const taken: string[] = []
  const cancel: string[] = []
  for (const a of actions) {
    if (a.type === 'entered') {
      const id = (a.params as { stepId: string }).stepId
      entered.push(id)
      steps.set(id, { enteredAt: base.now, seq })
    } else if (a.type === 'exited') {
      const id = (a.params as { stepId: string }).stepId
      exited.push(id)
      const entry = steps.get(id)
      if (timersWanted && entry && entry.seq !== seq) cancel.push(...timerIdsOf(sop, id, entry))
      steps.delete(id)
    } else if (a.type === 'taken') taken.push((a.params as { id: string }).id)
  }
  const active: TicketState['active'] = {}
  for (const [id, entry] of steps) active[id] = entry
  if (exited.some((id) => Object.hasOwn(checklist, id))) {
    const kept: TicketState['checklist'] = {}
    for (const id of Object.keys(checklist)) if (!exited.includes(id)) kept[id] = checklist[id]
    checklist = kept
  }
  // A finished machine exits everything; the ticket stays at the end step it reached.
  if (closed) for (const id of to) active[id] ??= { enteredAt: base.now, seq }
  const clocks = updateClocks(sop, state, active, seq, base.now, closed)
  const policy = updatePolicy(sop, state.policy, {
    kind: base.kind,
    now: base.now,
    seq,
    taken: transitionsOf(sop, taken),
    // Stryker disable next-line Regex: only policy and warning timer ids start with policy or warn, so a looser pattern picks the same ones
    firedTimer: base.timerId !== null && /^(policy|warn):/.test(base.timerId) ? base.timerId : null,
    closed,
    priority: context.priority,
    fields: context.fields,
    pausedBefore: state.pausedSince,
    pausedAfter: clocks.pausedSince !== undefined,
  })
  const schedule: TimerRecord[] = []
  if (timersWanted) {
    schedule.push(...clocks.schedule, ...policy.schedule)
    cancel.push(...clocks.cancel, ...policy.cancel)
    let nowMs: number | undefined
    for (const id of Object.keys(active)) {
      const entry = active[id]
      if (closed) {
        if (entry.seq !== seq) cancel.push(...timerIdsOf(sop, id, entry))
      } else if (entry.seq === seq) {
        const specs = specsOf(sop, id)
        if (!specs.length) continue
        nowMs ??= Date.parse(base.now)
        const held = slaHeld(sop, id, clocks.pausedSince !== undefined)
        for (const spec of specs)
          if (!held || spec.kind !== 'sla') schedule.push(timerOf(sop, spec, id, seq, nowMs, context.fields))
      }
    }
  }
  const outcome: Outcome | null = closed
    ? (to.map((id) => sop.steps.get(id)?.outcome).find(Boolean) ?? null)
    : null
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
    transitions: taken,
  }
  // Stryker disable next-line ConditionalExpression: an absent member and one set to undefined write the same JSON and compare equal
  if (base.warning) record.warning = base.warning
  if (base.priority) record.priority = base.priority
  const next: TicketState = {
    sopHash: sop.hash,
    value: snapshot.value as TicketState['value'],
    context,
    status: closed ? 'closed' : 'open',
    outcome,
    active,
    checklist,
    seq: seq + 1,
    head: sop.sha256(builtRecordJson(record)),
  }
  // Stryker disable next-line ConditionalExpression: an absent member and one set to undefined write the same JSON and compare equal
  if (clocks.pausedSince) next.pausedSince = clocks.pausedSince
  // Stryker disable next-line ConditionalExpression: an absent member and one set to undefined write the same JSON and compare equal
  if (policy.policy) next.policy = policy.policy
  // A choice rebuilt from the memo is no XState snapshot: the next decision resolves one if it needs it.
  // Stryker disable next-line ConditionalExpression,StringLiteral: a cache: working it out again gives the same value; it only saves time
  if ('machine' in snapshot) snapshots.set(next, snapshot)
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

/** The timer a step entered at record `seq`, at `nowMs`, schedules for one of its specs. */
function timerOf(
  sop: CompiledSop,
  spec: TimerSpec,
  stepId: string,
  seq: number,
  nowMs: number,
  fields: Record<string, FieldValue>,
): TimerRecord {
  return {
    id: timerId(spec.kind, spec.ref, seq),
    kind: spec.kind,
    stepId,
    transitionId: spec.transitionId,
    dueAt: new Date(
      alignToWindow(sop, spec.window, fields, dueAfterMs(sop, nowMs, spec.duration, spec.clock)),
    ).toISOString(),
  }
}

export function snapshotOf(sop: CompiledSop, state: TicketState): AnyMachineSnapshot {
  let snapshot = snapshots.get(state)
  // Stryker disable next-line ConditionalExpression: a cache: working it out again gives the same value; it only saves time
  if (!snapshot) {
    snapshot = sop.machine.resolveState({ value: state.value as never, context: state.context })
    snapshots.set(state, snapshot)
  }
  return snapshot
}

/** The SOP's transitions by id, in order (an id the SOP lacks is left out). */
function transitionsOf(sop: CompiledSop, ids: readonly string[]): Transition[] {
  const out: Transition[] = []
  for (const id of ids) {
    const t = sop.transitions.get(id)
    if (t) out.push(t)
  }
  return out
}

export function takenIds(actions: readonly { type: string; params?: unknown }[]): string[] {
  const ids: string[] = []
  for (const a of actions) if (a.type === 'taken') ids.push((a.params as { id: string }).id)
  return ids
}

/**
 * The changed fields, by field name: a record is the same whatever the order of the members of
 * its input (an evidence bundle holds it as canonical JSON, its members sorted).
 */
function diffFields(before: Record<string, FieldValue>, after: Record<string, FieldValue>): FieldChange[] {
  const changes: FieldChange[] = []
  if (before === after) return changes
  const changed: string[] = []
  for (const key of Object.keys(after)) if ((before[key] ?? null) !== (after[key] ?? null)) changed.push(key)
  for (const key of Object.keys(before)) {
    if (!Object.hasOwn(after, key) && (before[key] ?? null) !== (after[key] ?? null)) changed.push(key)
  }
  for (const key of changed.sort())
    changes.push({ field: key, from: before[key] ?? null, to: after[key] ?? null })
  return changes
}
