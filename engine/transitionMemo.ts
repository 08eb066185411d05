import type { AnyMachineSnapshot, EventObject, StateValue } from 'xstate'
import { actionGuard, applyEffects, type CompiledSop, EVENT_UPDATE } from './compile.ts'
import { type GuardEval, recordingGuards } from './guardProbe.ts'
import { pureInitialTransition, pureTransition } from './pureTransition.ts'
import type { FieldValue, TicketContext, TicketState } from './types.ts'
import { triggerOf } from './validate.ts'

type Action = { type: string; params?: unknown }

/** Where a transition leads: XState's next snapshot, or the same three parts rebuilt from the memo. */
export interface Moved {
  value: StateValue
  context: TicketContext
  status: string
}

export type TransitionEvent = EventObject & {
  role?: string
  roles?: readonly string[]
  fields?: Record<string, FieldValue>
}

/** One remembered choice: the guards XState evaluated with their results, and what it chose. */
interface Choice {
  guards: readonly GuardEval[]
  value: StateValue
  status: string
  actions: readonly Action[]
  /** Whether the machine merged the event's fields into the ticket (the `input` action ran). */
  input: boolean
  /** Taken transition ids, in order: their effects are applied to the context in this order. */
  taken: readonly string[]
}

interface SopMemo {
  byKey: Map<string, Choice[]>
  size: number
  /** Transitions answered from a remembered choice. */
  hits: number
  /** Fields some guard of the SOP reads (by name, as it appears in the guard text). */
  guardReads: ReadonlySet<string>
}

/** At most this many remembered choices per SOP version, and per key. */
const MAX_CHOICES = 20_000
const MAX_PER_KEY = 64

const memos = new WeakMap<CompiledSop, SopMemo>()
let enabled = true

function memoOf(sop: CompiledSop): SopMemo {
  let memo = memos.get(sop)
  if (!memo) {
    const reads = new Set<string>()
    const guardTexts = sop.document.transitions.flatMap((t) => (t.guard ? [t.guard] : []))
    for (const name of sop.fields.keys()) {
      const word = new RegExp(`(^|[^A-Za-z0-9_])${name.replace(/[^A-Za-z0-9_]/g, '\\$&')}([^A-Za-z0-9_]|$)`)
      if (guardTexts.some((g) => word.test(g))) reads.add(name)
    }
    memo = { byKey: new Map(), size: 0, hits: 0, guardReads: reads }
    memos.set(sop, memo)
  }
  return memo
}

/** Initial transitions per machine, by their input; at most this many per machine. */
const initials = new WeakMap<object, Map<string, [AnyMachineSnapshot, readonly Action[]]>>()
const MAX_INITIALS = 256

/**
 * XState's initial transition for a new ticket's fields and priority, remembered per SOP version:
 * it is a pure function of the machine and its input, keyed here on that input exactly (the
 * fields in their given order, so the context is the same object shape XState would build).
 */
export function initialTransition(
  sop: CompiledSop,
  input: { fields: Record<string, FieldValue>; priority: string },
): [AnyMachineSnapshot, readonly Action[]] {
  if (!enabled) return pureInitialTransition(sop.machine, input)
  let bySop = initials.get(sop.machine)
  if (!bySop) {
    bySop = new Map()
    initials.set(sop.machine, bySop)
  }
  const key = `${input.priority}\n${JSON.stringify(input.fields)}`
  let known = bySop.get(key)
  if (!known) {
    known = pureInitialTransition(sop.machine, input)
    // JSON drops undefined members and writes -0 as 0: such inputs are not told apart by the key.
    const exact = Object.values(input.fields).every((v) => v !== undefined && !Object.is(v, -0))
    if (exact && bySop.size < MAX_INITIALS) bySop.set(key, known)
  }
  return known
}

/** What the memos of an SOP version hold: remembered choices, their reuses, and initial transitions. */
export function transitionMemoStats(sop: CompiledSop): { choices: number; hits: number; initials: number } {
  const memo = memos.get(sop)
  return { choices: memo?.size ?? 0, hits: memo?.hits ?? 0, initials: initials.get(sop.machine)?.size ?? 0 }
}

/** Runs `fn` with every transition chosen by XState itself, none from the memo (replay's sampled check). */
export function withoutTransitionMemo<T>(fn: () => T): T {
  const outer = enabled
  enabled = false
  try {
    return fn()
  } finally {
    enabled = outer
  }
}

/**
 * XState's transition on a ticket's snapshot, remembered per SOP version. A choice is keyed on
 * exactly what XState looked at to make it: the state value, the event type, the actor's roles
 * and every guard it evaluated with its result. A remembered choice is reused only when each of
 * those guards gives the same result again; its context is rebuilt with the machine's own merge
 * (the event's fields, then each taken transition's effects). A choice whose effects set a field
 * some guard reads is never remembered, since a later guard in it saw a value the key lacks.
 * `actionGuards` are results the caller already has for this event's action guards (roles, then
 * the CEL guard over the merged fields), by transition id; they stand in for evaluating those again.
 * `merged` is the caller's copy of the ticket's fields with the event's merged over them, if it has one.
 */
export function transition(
  sop: CompiledSop,
  state: TicketState,
  snapshot: () => AnyMachineSnapshot,
  event: TransitionEvent,
  actionGuards?: ReadonlyMap<string, boolean>,
  merged?: Record<string, FieldValue>,
): [Moved | AnyMachineSnapshot, readonly Action[]] {
  if (!enabled) return pureTransition(sop.machine, snapshot(), event)
  const memo = memoOf(sop)
  // Stryker disable next-line ConditionalExpression: a string value written as JSON is as unique a key, only longer
  const value = typeof state.value === 'string' ? state.value : JSON.stringify(state.value)
  // The actor narrows the choices to try; each try evaluates the actor's role checks again anyway.
  // Stryker disable next-line StringLiteral,LogicalOperator: the role checks of a remembered choice are evaluated again for this actor, so an actor left out of the key, or written another way, only makes more choices to try
  const actor = `${event.role ?? ''}\n${event.roles?.join('\n') ?? ''}`
  const key = `${value}\n${event.type}\n${actor}`
  const known = memo.byKey.get(key)
  if (known) {
    for (const choice of known) {
      let same = true
      for (const g of choice.guards) {
        let result = g.action ? actionGuards?.get(g.id) : undefined
        if (result === undefined) {
          // After an action its fields are merged in; no effect of a remembered choice sets a field a guard reads.
          if (!g.action)
            merged ??= event.fields ? { ...state.context.fields, ...event.fields } : state.context.fields
          result = evaluate(sop, g, event, state.context.fields, merged)
        }
        if (result !== g.result) {
          same = false
          break
        }
      }
      if (same) {
        memo.hits++
        return [rebuild(sop, state.context, choice, event, merged), choice.actions]
      }
    }
  }
  const [[next, actions], guards] = recordingGuards(() => pureTransition(sop.machine, snapshot(), event))
  const taken = actions.flatMap((a) => (a.type === 'taken' ? [(a.params as { id: string }).id] : []))
  if (memo.size < MAX_CHOICES && (known?.length ?? 0) < MAX_PER_KEY && !setsGuardRead(sop, memo, taken)) {
    const first = sop.transitions.get(taken[0] ?? '')
    const choice: Choice = {
      guards,
      value: next.value,
      status: next.status,
      actions,
      input: event.type === EVENT_UPDATE || (!!first && triggerOf(first) === 'action'),
      taken,
    }
    if (known) known.push(choice)
    else memo.byKey.set(key, [choice])
    memo.size++
  }
  return [next, actions]
}

/** A remembered guard evaluated again, as the machine evaluates it. */
function evaluate(
  sop: CompiledSop,
  g: GuardEval,
  event: TransitionEvent,
  fields: Record<string, FieldValue>,
  merged: Record<string, FieldValue> | undefined,
): boolean {
  if (g.action) return actionGuard(sop, g.id, event, fields)
  return sop.guards.get(g.id)?.(merged ?? fields) ?? true
}

function setsGuardRead(sop: CompiledSop, memo: SopMemo, taken: readonly string[]): boolean {
  for (const id of taken) {
    for (const e of sop.transitions.get(id)?.effects ?? []) {
      if (e.type === 'set' && memo.guardReads.has(e.field)) return true
    }
  }
  return false
}

/**
 * The context the machine would reach: the event's fields merged in, then the effects in order.
 * `merged` is that merge of the fields when the caller already made it.
 */
function rebuild(
  sop: CompiledSop,
  before: TicketContext,
  choice: Choice,
  event: TransitionEvent,
  merged: Record<string, FieldValue> | undefined,
): Moved {
  let context = before
  if (choice.input && event.fields)
    context = { ...context, fields: merged ?? { ...context.fields, ...event.fields } }
  for (const id of choice.taken) {
    const effects = sop.transitions.get(id)?.effects
    if (effects?.length) context = applyEffects(context, effects)
  }
  return { value: choice.value, context, status: choice.status }
}
