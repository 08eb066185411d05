import { withoutTimers } from './accept.ts'
import type { CompiledSop } from './compile.ts'
import { decide, start } from './decide.ts'
import { canonicalJson } from './hash.ts'
import { withoutTransitionMemo } from './transitionMemo.ts'
import type { Decision, ReplayResult, TicketInput, TicketState, TransitionRecord } from './types.ts'

/** The input that produced a record, as `decide` takes it. */
export function inputOf(record: TransitionRecord): TicketInput {
  switch (record.kind) {
    case 'action':
      return { kind: 'action', action: record.action ?? '', fields: record.input, ticks: record.ticks }
    case 'update':
      return { kind: 'update', fields: record.input, ticks: record.ticks }
    case 'timer':
      return { kind: 'timer', timerId: record.timerId ?? '' }
    case 'reopen':
      return { kind: 'reopen', target: record.target ?? '', reason: record.reason ?? '' }
    default:
      return { kind: 'override', target: record.target ?? '', reason: record.reason ?? '' }
  }
}

export interface ReplayOptions {
  /**
   * The ticket's stored head (`TicketState.head`). Each record carries its predecessor's hash, so
   * a change to any record shows in the next one; the head seals the last record.
   */
  head?: string | null
}

/** Every this many records (and the last), replay decides again with XState alone and compares. */
export const SAMPLE_EVERY = 64

function sameDecision(a: Decision, b: Decision): boolean {
  // Stryker disable next-line ConditionalExpression: only a memo that remembers a wrong choice makes the memoised and the plain decision differ, and no input gets the memo to (its property test compares the two over random SOPs)
  if (a.ok !== b.ok) return false
  if (!a.ok || !b.ok) return sameJson(a, b)
  // Stryker disable next-line ConditionalExpression,LogicalOperator: only a memo that remembers a wrong choice makes the memoised and the plain decision differ, and no input gets the memo to (its property test compares the two over random SOPs)
  return a.state.head === b.state.head && sameJson(a.record, b.record) && sameJson(a.state, b.state)
}

/**
 * Recomputes a ticket's history from the start: each record's input is decided again on the state
 * the records before it lead to, and the result must be exactly the recorded one, down to the
 * previous record's hash it carries. Transitions come from the memo XState's choices are
 * remembered in; every `SAMPLE_EVERY`th record and the last are also decided by XState alone and
 * must agree. Reports the first divergence with what was expected and what
 * was recorded.
 */
export function replay(
  sop: CompiledSop,
  records: readonly TransitionRecord[],
  options: ReplayOptions = {},
): ReplayResult {
  // The timers a live decision schedules and cancels are no part of the records or states.
  return withoutTimers(() => replayRecords(sop, records, options))
}

function replayRecords(
  sop: CompiledSop,
  records: readonly TransitionRecord[],
  options: ReplayOptions,
): ReplayResult {
  const states: TicketState[] = []
  let state: TicketState | null = null
  let index = 0
  const fail = (reason: string, expected: unknown, recorded: unknown): ReplayResult => ({
    ok: false,
    index,
    seq: records[index].seq,
    reason,
    expected,
    recorded,
    states,
  })
  for (; index < records.length; index++) {
    const record = records[index]
    if (record.seq !== index) return fail(`record ${index} has seq ${record.seq}`, index, record.seq)
    let decision: Decision
    if (index === 0) {
      if (record.kind !== 'start')
        return fail('the first record is not the start of the ticket', 'start', record.kind)
      decision = start(sop, {
        actor: record.actor,
        now: record.at,
        fields: record.input,
        ...(record.priority ? { priority: record.priority } : {}),
      })
    } else {
      if (record.kind === 'start') return fail('a ticket starts only once', 'not start', 'start')
      const input = inputOf(record)
      decision = decide(sop, state!, input, record.actor, record.at)
      // Stryker disable next-line all: which records are sampled matters only when a memo that remembers a wrong choice makes the memoised and the plain decision differ, and no input gets the memo to (its property test compares the two over random SOPs)
      if (index % SAMPLE_EVERY === 0 || index === records.length - 1) {
        // The sampled check: XState alone must choose exactly what the memo chose.
        const plain = withoutTransitionMemo(() => decide(sop, state!, input, record.actor, record.at))
        // Stryker disable next-line ConditionalExpression: only a memo that remembers a wrong choice makes the memoised and the plain decision differ, and no input gets the memo to (its property test compares the two over random SOPs)
        if (!sameDecision(decision, plain))
          return fail('the remembered transition differs from what XState chooses', plain, decision)
      }
    }
    if (!decision.ok)
      return fail(`the SOP rejects this record: ${decision.rejection.message}`, decision.rejection, record)
    const expected = decision.record
    if (!sameJson(expected, record)) {
      const keys = Object.keys({ ...expected, ...record }).filter(
        (k) => canonicalJson((expected as never)[k]) !== canonicalJson((record as never)[k]),
      )
      const pick = (r: object) => Object.fromEntries(keys.map((k) => [k, (r as never)[k]]))
      return fail(`recorded ${keys.join(', ')} differ from what the SOP gives`, pick(expected), pick(record))
    }
    state = decision.state
    states.push(state)
  }
  if (options.head !== undefined && state && state.head !== options.head) {
    const last = records.length - 1
    return {
      ok: false,
      index: last,
      seq: records[last].seq,
      reason: "the last record does not match the ticket's stored head hash",
      expected: options.head,
      recorded: state.head,
      states,
    }
  }
  return { ok: true, states }
}

/** Structural equality of JSON values, as canonical JSON would compare them (undefined members ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    return (a === undefined && b === undefined) || (Number.isNaN(a) && Number.isNaN(b))
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const bb = b as unknown[]
    if (a.length !== bb.length) return false
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i] ?? null, bb[i] ?? null)) return false
    return true
  }
  const ao = a as Record<string, unknown>
  const bo = b as Record<string, unknown>
  let count = 0
  for (const k in ao) {
    if (ao[k] === undefined) continue
    count++
    if (!sameJson(ao[k], bo[k])) return false
  }
  for (const k in bo) if (bo[k] !== undefined) count--
  return count === 0
}
