import { describe, expect, it } from 'vitest'
import {
  type Accepted,
  compile,
  type Decision,
  decide,
  type SopDocumentInput,
  start,
} from '../../engine/index.ts'

const doc = (): SopDocumentInput => ({
  schema: 'sopflow/v1',
  id: 'reopened',
  title: 'Reopened',
  department: 'Care',
  purpose: 'Owe the customer again after a reopen.',
  initial: 'work',
  steps: [
    { id: 'work', kind: 'task', title: 'Work' },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [{ id: 'finish', from: 'work', to: 'done', action: 'finish' }],
  policy: {
    targets: [
      { metric: 'first_reply', due: 'PT1H' },
      { metric: 'next_reply', due: 'PT2H' },
      { metric: 'resolution', due: 'P1D' },
    ],
  },
})
const agent = { id: 'u1', role: 'agent' }
const T0 = '2026-03-02T09:00:00.000Z'
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString()
function ok(d: Decision): Accepted {
  if (!d.ok) throw new Error(`rejected: ${d.rejection.code}: ${d.rejection.message}`)
  return d
}

describe('policy clocks of a reopened ticket', () => {
  it('start the next reply and the resolution again, not the first reply', () => {
    const sop = compile(doc())
    const first = ok(start(sop, { actor: agent, now: T0 }))
    const done = ok(decide(sop, first.state, { kind: 'action', action: 'finish' }, agent, at(10)))
    expect(done.state.status).toBe('closed')
    const again = ok(
      decide(sop, done.state, { kind: 'reopen', target: 'work', reason: 'wrote again' }, agent, at(60)),
    )
    expect(Object.keys(again.state.policy ?? {}).sort()).toEqual(['next_reply', 'resolution'])
    expect(again.timers.schedule.map((t) => [t.stepId, t.dueAt]).sort()).toEqual([
      ['next_reply', at(180)],
      ['resolution', at(60 + 24 * 60)],
    ])
  })
})
