import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type Actor,
  type CompiledSop,
  compile,
  decide,
  type FieldValue,
  prompt,
  SYSTEM_ACTOR,
  start,
  type TicketInput,
  type TicketState,
  type TimerRecord,
} from '../../engine/index.ts'
import { withoutTransitionMemo } from '../../engine/transitionMemo.ts'
import { ACTORS, buildDocument, type Move, moveArb, shapeArb } from './generatedSops.ts'

/** The input a move stands for on this state: a due timer, or an action from the prompt with random data. */
function inputOf(
  sop: CompiledSop,
  state: TicketState,
  timers: Map<string, TimerRecord>,
  m: Move,
  now: number,
): [TicketInput, Actor] | null {
  const due = [...timers.values()].filter((t) => Date.parse(t.dueAt) <= now)
  if (m.timer && due.length) return [{ kind: 'timer', timerId: due[m.pick % due.length].id }, SYSTEM_ACTOR]
  const actions = prompt(sop, state, null, new Date(now).toISOString()).actions
  if (!actions.length) return null
  const fields: Record<string, FieldValue> = {
    level: m.level,
    category: ['billing', 'technical'][m.category],
    vip: m.vip,
  }
  // Ticks only on some moves, so a step's requirements sometimes hold and sometimes do not.
  const ticks =
    m.level % 2
      ? Object.fromEntries(
          Object.keys(state.active)
            .filter((id) => sop.steps.get(id)?.checklist.length)
            .map((id) => [id, sop.steps.get(id)!.checklist.map((c) => c.id)]),
        )
      : {}
  const input: TicketInput = m.vip
    ? { kind: 'action', action: actions[m.pick % actions.length].action, fields, ticks }
    : m.minutes % 3
      ? { kind: 'action', action: actions[m.pick % actions.length].action, fields: { level: m.level }, ticks }
      : { kind: 'update', fields: { level: m.level } }
  return [input, ACTORS[m.actor]]
}

/**
 * Plays the moves on a new ticket, deciding each with the memo and with XState alone on the same
 * state: the two decisions and the two prompts must be equal. Returns how many were compared.
 */
function compareHistory(sop: CompiledSop, moves: Move[]): number {
  let now = Date.parse('2026-05-01T08:00:00.000Z')
  const first = start(sop, { actor: ACTORS[0], now: new Date(now).toISOString() })
  if (!first.ok) throw new Error(first.rejection.message)
  let state = first.state
  const timers = new Map(first.timers.schedule.map((t) => [t.id, t]))
  let compared = 0
  for (const m of moves) {
    if (state.status === 'closed') break
    now += m.minutes * 60_000
    const at = new Date(now).toISOString()
    const chosen = inputOf(sop, state, timers, m, now)
    if (!chosen) continue
    const [input, actor] = chosen
    const plainPrompt = withoutTransitionMemo(() => prompt(sop, state, actor, at))
    expect(prompt(sop, state, actor, at)).toEqual(plainPrompt)
    const plain = withoutTransitionMemo(() => decide(sop, state, input, actor, at))
    const memoised = decide(sop, state, input, actor, at)
    expect(memoised).toEqual(plain)
    compared++
    if (!memoised.ok) continue
    for (const id of memoised.timers.cancel) timers.delete(id)
    for (const t of memoised.timers.schedule) timers.set(t.id, t)
    state = memoised.state
  }
  return compared
}

describe('transition memo', () => {
  it('gives the same decisions and prompts as XState alone over random SOPs and histories', () => {
    let compared = 0
    fc.assert(
      fc.property(
        shapeArb,
        fc.array(fc.array(moveArb, { maxLength: 25 }), { minLength: 2, maxLength: 4 }),
        (shape, histories) => {
          // Several tickets on one compiled SOP: later ones meet the choices earlier ones left.
          const sop = compile(buildDocument(shape))
          for (const moves of histories) compared += compareHistory(sop, moves)
        },
      ),
      { numRuns: 200 },
    )
    expect(compared).toBeGreaterThan(500)
  })

  it('does not reuse a branch whose effect sets a field the decision after it reads', () => {
    // Jumps set the category to billing on their way to the decision, whose first branch reads
    // it: a second ticket with vip set must take that branch, though its category before was not billing.
    const shape = {
      tasks: 2,
      ends: 3,
      extra: [0, 0, 1, 1, 1].map((from) => ({ from, to: 0, guard: 0 })),
      decisionAfter: 0,
      waitAfter: 0,
      roles: [0, 0],
      sla: [false, false],
      group: false,
    }
    const move = { pick: 0, actor: 0, level: 0, category: 0, vip: false, minutes: 1, timer: false }
    const sop = compile(buildDocument(shape))
    expect(compareHistory(sop, [move, move])).toBe(2)
    const vipMove = { ...move, pick: 18, level: 3, category: 1, vip: true }
    expect(compareHistory(sop, [move, move, vipMove])).toBe(3)
  })
})
