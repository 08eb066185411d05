import { describe, expect, it } from 'vitest'
import {
  compile,
  type Decision,
  decide,
  type SopDocumentInput,
  start,
  type TicketState,
} from '../../engine/index.ts'
import { transitionMemoStats } from '../../engine/transitionMemo.ts'

// The transition memo keys a remembered choice on the state, the event and the actor. Keys that
// run together (a step `wor` with the action `kfix`, a step `work` with `fix`), and states that
// differ only inside a group, must never share a choice.

const at = (mm: string) => `2026-03-02T09:${mm}:00.000Z`

const doc: SopDocumentInput & Required<Pick<SopDocumentInput, 'steps' | 'transitions'>> = {
  schema: 'sopflow/v1',
  id: 'memo-keys',
  title: 'Memo keys',
  department: 'Care',
  purpose: 'Keys that run together.',
  initial: 'start',
  steps: [
    { id: 'start', kind: 'task', title: 'Start' },
    { id: 'wor', kind: 'task', title: 'Wor' },
    { id: 'work', kind: 'task', title: 'Work' },
    { id: 'g', kind: 'group', title: 'Group', initial: 'one' },
    { id: 'one', kind: 'task', title: 'One', parent: 'g' },
    { id: 'two', kind: 'task', title: 'Two', parent: 'g' },
    { id: 'g_end', kind: 'end', title: 'Group end', parent: 'g' },
    { id: 'end_a', kind: 'end', title: 'A', outcome: 'resolved' },
    { id: 'end_b', kind: 'end', title: 'B', outcome: 'sold' },
    { id: 'end_c', kind: 'end', title: 'C', outcome: 'lost' },
    { id: 'end_g', kind: 'end', title: 'G', outcome: 'transferred' },
  ],
  transitions: [
    { id: 'to_wor', from: 'start', to: 'wor', action: 'to_wor' },
    { id: 'to_work', from: 'start', to: 'work', action: 'to_work' },
    { id: 'to_g', from: 'start', to: 'g', action: 'to_g' },
    { id: 'wor_kfix', from: 'wor', to: 'end_a', action: 'kfix' },
    { id: 'work_fix', from: 'work', to: 'end_b', action: 'fix' },
    { id: 'work_fixa', from: 'work', to: 'end_c', action: 'fixa' },
    { id: 'one_next', from: 'one', to: 'two', action: 'next' },
    { id: 'two_next', from: 'two', to: 'g_end', action: 'next' },
    { id: 'g_done', from: 'g', to: 'end_g' },
  ],
}

function ok(d: Decision): TicketState {
  if (!d.ok) throw new Error(`rejected: ${d.rejection.code}: ${d.rejection.message}`)
  return d.state
}

/** A new ticket's state after the actions, each `action` or `action@role` (by an agent unless named). */
function run(sop: ReturnType<typeof compile>, ...steps: string[]): TicketState {
  let s = ok(start(sop, { actor: { id: 'u', role: 'agent' }, now: at('00') }))
  steps.forEach((step, i) => {
    const [action, role = 'agent'] = step.split('@')
    s = ok(decide(sop, s, { kind: 'action', action }, { id: 'u', role }, at(String(i + 1).padStart(2, '0'))))
  })
  return s
}

describe('transition memo keys', () => {
  it('keeps apart a state and an event whose names run together', () => {
    const sop = compile(doc)
    expect(run(sop, 'to_wor', 'kfix').outcome).toBe('resolved')
    expect(run(sop, 'to_work', 'fix').outcome).toBe('sold')
    // Both again: now from remembered choices, with the same outcomes.
    const hitsBefore = transitionMemoStats(sop).hits
    expect(run(sop, 'to_wor', 'kfix').outcome).toBe('resolved')
    expect(run(sop, 'to_work', 'fix').outcome).toBe('sold')
    expect(transitionMemoStats(sop).hits).toBeGreaterThan(hitsBefore)
  })

  it('keeps apart an event and a role whose names run together', () => {
    const sop = compile(doc)
    expect(run(sop, 'to_work', 'fix').outcome).toBe('sold')
    expect(run(sop, 'to_work', 'fixa@gent').outcome).toBe('lost')
  })

  it('keeps apart states that differ only inside a group', () => {
    const sop = compile(doc)
    expect(run(sop, 'to_g', 'next').value).toEqual({ g: 'two' })
    const done = run(sop, 'to_g', 'next', 'next')
    expect(done.outcome).toBe('transferred')
    expect(done.status).toBe('closed')
  })
})
