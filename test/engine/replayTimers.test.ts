import { describe, expect, it } from 'vitest'
import {
  type Accepted,
  compile,
  type Decision,
  decide,
  paths,
  replay,
  start,
  type TransitionRecord,
} from '../../engine/index.ts'
import { sampleSop } from './fixtures.ts'

const sop = compile(sampleSop())

const ok = (d: Decision): Accepted => {
  if (!d.ok) throw new Error(d.rejection.message)
  return d
}

/** Every path of the sample SOP played live: its records, states and the timers each decision gave. */
function playAll() {
  return paths(sop).map((path) => {
    const first = ok(start(sop, { actor: { id: 'u1', role: 'agent' }, now: path.startAt }))
    const decisions = [first]
    for (const step of path.inputs)
      decisions.push(ok(decide(sop, decisions.at(-1)!.state, step.input, step.actor, step.at)))
    return decisions
  })
}

describe('replay and timers', () => {
  it('reaches the live states while leaving timers out, and live decisions after it still give theirs', () => {
    const live = playAll()
    const timers = live.flatMap((d) => d.map((x) => x.timers))
    // The sample SOP schedules and cancels timers along its paths (SLA and a delayed reply).
    expect(timers.some((t) => t.schedule.length > 0)).toBe(true)
    expect(timers.some((t) => t.cancel.length > 0)).toBe(true)
    for (const decisions of live) {
      const records: TransitionRecord[] = JSON.parse(JSON.stringify(decisions.map((d) => d.record)))
      const r = replay(sop, records, { head: decisions.at(-1)!.state.head })
      expect(r.ok).toBe(true)
      expect(r.states).toEqual(decisions.map((d) => d.state))
    }
    // A replay that stops at a divergence leaves the timers on too.
    const broken: TransitionRecord[] = JSON.parse(JSON.stringify(live[0].map((d) => d.record)))
    broken[1].to = ['nowhere']
    expect(replay(sop, broken).ok).toBe(false)
    const again = playAll().flatMap((d) => d.map((x) => x.timers))
    expect(again).toEqual(timers)
  })
})
