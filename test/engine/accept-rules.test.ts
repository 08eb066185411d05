import { describe, expect, it } from 'vitest'
import { withoutTimers } from '../../engine/accept.ts'
import {
  compile,
  type Decision,
  decide,
  type SopDocumentInput,
  start,
  type TicketInput,
  type TicketState,
} from '../../engine/index.ts'

const agent = { id: 'u-agent', role: 'agent' }
const at = (hhmm: string) => `2026-03-02T${hhmm}:00.000Z`

/** Work (an SLA, a checklist) and a wait that gives up after two hours; both can close the ticket. */
const doc: SopDocumentInput = {
  schema: 'sopflow/v1',
  id: 'accepted',
  title: 'Accepted',
  department: 'Care',
  purpose: 'What an accepted decision changes.',
  fields: [{ name: 'note', label: 'Note', type: 'text' }],
  initial: 'work',
  steps: [
    {
      id: 'work',
      kind: 'task',
      title: 'Work',
      sla: { due: 'PT1H', notify: 'supervisor' },
      checklist: [
        { id: 'a', text: 'A', required: false },
        { id: 'b', text: 'B', required: false },
      ],
    },
    { id: 'wait', kind: 'wait', title: 'Wait' },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
    { id: 'gone', kind: 'end', title: 'Gone', outcome: 'no_response' },
  ],
  transitions: [
    { id: 'reply', from: 'work', to: 'wait', action: 'reply', label: 'Reply' },
    { id: 'back', from: 'wait', to: 'work', action: 'back', label: 'Back' },
    { id: 'close', from: 'wait', to: 'done', action: 'close', label: 'Close' },
    { id: 'finish', from: 'work', to: 'done', action: 'finish', label: 'Finish' },
    { id: 'timeout', from: 'wait', to: 'gone', after: 'PT2H', label: 'Gone quiet' },
  ],
}
const sop = compile(doc)

function accepted(d: Decision) {
  if (!d.ok) throw new Error(`rejected: ${d.rejection.code}: ${d.rejection.message}`)
  return d
}
const opened = (): TicketState => accepted(start(sop, { actor: agent, now: at('09:00') })).state
const run = (s: TicketState, input: TicketInput, now: string) => accepted(decide(sop, s, input, agent, now))
const act = (s: TicketState, action: string, now: string) => run(s, { kind: 'action', action }, now)

describe('what an accepted decision changes', () => {
  it("keeps each step's ticks together, once each, and drops them when the step is left", () => {
    const one = run(opened(), { kind: 'update', ticks: { work: ['a'] } }, at('09:01'))
    expect(one.state.checklist).toEqual({ work: ['a'] })
    const two = run(one.state, { kind: 'update', ticks: { work: ['b', 'a'] } }, at('09:02'))
    expect(two.state.checklist).toEqual({ work: ['a', 'b'] })
    expect(two.record.ticks).toEqual({ work: ['b', 'a'] })
    const left = act(two.state, 'reply', at('09:03'))
    expect(left.state.checklist).toEqual({})
    const ticksAfter = run(left.state, { kind: 'update', fields: { note: 'x' } }, at('09:04'))
    expect(ticksAfter.state.checklist).toEqual({})
  })

  it('cancels the timers of the step it leaves and schedules those of the step it enters', () => {
    const waiting = act(opened(), 'reply', at('09:05'))
    expect(waiting.timers.cancel).toEqual(['sla:work:0'])
    expect(waiting.timers.schedule.map((t) => [t.id, t.dueAt])).toEqual([['delay:timeout:1', at('11:05')]])
    const back = act(waiting.state, 'back', at('09:10'))
    expect(back.timers.cancel).toEqual(['delay:timeout:1'])
    expect(back.timers.schedule.map((t) => [t.id, t.dueAt])).toEqual([['sla:work:2', at('10:10')]])
  })

  it('cancels every timer when it closes the ticket, and keeps the end step active', () => {
    const waiting = act(opened(), 'reply', at('09:05'))
    const closed = act(waiting.state, 'close', at('09:20'))
    expect(closed.timers.cancel).toEqual(['delay:timeout:1'])
    expect(closed.timers.schedule).toEqual([])
    expect(closed.state).toMatchObject({ status: 'closed', outcome: 'resolved' })
    expect(closed.state.active).toEqual({ done: { enteredAt: at('09:20'), seq: 2 } })
    const finished = act(opened(), 'finish', at('09:30'))
    expect(finished.timers.cancel).toEqual(['sla:work:0'])
    expect(finished.state.active).toEqual({ done: { enteredAt: at('09:30'), seq: 1 } })
  })

  it('records which fields changed, from what to what', () => {
    const set = run(opened(), { kind: 'update', fields: { note: 'first' } }, at('09:01'))
    expect(set.record.fieldChanges).toEqual([{ field: 'note', from: null, to: 'first' }])
    const same = run(set.state, { kind: 'update', fields: { note: 'first' } }, at('09:02'))
    expect(same.record.fieldChanges).toEqual([])
    const changed = run(same.state, { kind: 'update', fields: { note: 'second' } }, at('09:03'))
    expect(changed.record.fieldChanges).toEqual([{ field: 'note', from: 'first', to: 'second' }])
  })

  it('inside withoutTimers (replay) decides the same state and record with no timers, and only there', () => {
    const s = opened()
    const live = act(s, 'reply', at('09:03'))
    const quiet = withoutTimers(() => act(s, 'reply', at('09:03')))
    expect(quiet.timers).toEqual({ schedule: [], cancel: [] })
    expect(quiet.state).toEqual(live.state)
    expect(quiet.record).toEqual(live.record)
    expect(live.timers.schedule.map((t) => t.id)).toEqual(['delay:timeout:1'])
    // Nested, and after a throw, the outer setting comes back.
    expect(() =>
      withoutTimers(() =>
        withoutTimers(() => {
          throw new Error('x')
        }),
      ),
    ).toThrow('x')
    expect(act(s, 'reply', at('09:03')).timers.cancel).toEqual(['sla:work:0'])
    withoutTimers(() => {
      withoutTimers(() => undefined)
      expect(act(s, 'reply', at('09:03')).timers.cancel).toEqual([])
    })
  })
})
