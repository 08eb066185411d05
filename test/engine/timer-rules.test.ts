import { describe, expect, it } from 'vitest'
import {
  compile,
  type Decision,
  decide,
  type SopDocumentInput,
  SYSTEM_ACTOR,
  start,
  type TicketState,
} from '../../engine/index.ts'

const agent = { id: 'u-agent', role: 'agent' }
const at = (hhmm: string) => `2026-03-02T${hhmm}:00.000Z`

/** Work has a one-hour SLA with nobody to escalate to; the wait gives up after two hours. */
const doc: SopDocumentInput = {
  schema: 'sopflow/v1',
  id: 'timed',
  title: 'Timed',
  department: 'Care',
  purpose: 'An SLA and a delayed transition.',
  fields: [{ name: 'note', label: 'Note', type: 'text' }],
  initial: 'work',
  steps: [
    { id: 'work', kind: 'task', title: 'Work', sla: { due: 'PT1H', notify: 'supervisor' } },
    { id: 'wait', kind: 'wait', title: 'Wait' },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
    { id: 'gone', kind: 'end', title: 'Gone', outcome: 'no_response' },
  ],
  transitions: [
    { id: 'reply', from: 'work', to: 'wait', action: 'reply', label: 'Reply' },
    { id: 'back', from: 'wait', to: 'work', action: 'back', label: 'Back' },
    { id: 'timeout', from: 'wait', to: 'gone', after: 'PT2H', label: 'Gone quiet' },
    { id: 'finish', from: 'work', to: 'done', action: 'finish', label: 'Finish' },
  ],
}
const sop = compile(doc)

function ok(d: Decision): TicketState {
  if (!d.ok) throw new Error(`rejected: ${d.rejection.code}: ${d.rejection.message}`)
  return d.state
}
const opened = () => ok(start(sop, { actor: agent, now: at('09:00') }))
const act = (s: TicketState, action: string, now: string) =>
  ok(decide(sop, s, { kind: 'action', action }, agent, now))
const fire = (s: TicketState, timerId: string, now: string) =>
  decide(sop, s, { kind: 'timer', timerId }, SYSTEM_ACTOR, now)

describe('timer inputs: which ids are timers, which no longer apply, which are not due', () => {
  it('refuses ids that are no timer id', () => {
    const s = opened()
    for (const id of [
      'sla:work',
      'sla:work:x',
      'sla:a:b:0',
      'xsla:work:0',
      'sla:work:0x',
      'delay:timeout:1@2',
      'sla:work:0@x',
      'later:work:0',
      'xpolicy:first_reply:0',
    ]) {
      expect(fire(s, id, at('12:00'))).toMatchObject({
        ok: false,
        rejection: { code: 'invalid_input', message: `"${id}" is not a timer id` },
      })
    }
  })

  it('refuses a delay timer of a transition that is not delayed, or of a step since left', () => {
    const waiting = act(opened(), 'reply', at('09:05'))
    for (const ref of ['reply', 'nosuch']) {
      expect(fire(waiting, `delay:${ref}:1`, at('12:00'))).toMatchObject({
        ok: false,
        rejection: {
          code: 'timer_stale',
          message: `Timer "delay:${ref}:1" names no delayed transition`,
          transitionId: ref,
        },
      })
    }
    const back = act(waiting, 'back', at('09:10'))
    expect(fire(back, 'delay:timeout:1', at('12:00'))).toMatchObject({
      ok: false,
      rejection: {
        code: 'timer_stale',
        message: 'Timer "delay:timeout:1" no longer applies: step "wait" was left',
        stepId: 'wait',
      },
    })
    // Entered again at record 3: the timer of the first entry is stale, that of the second is not.
    const again = act(back, 'reply', at('09:15'))
    expect(fire(again, 'delay:timeout:1', at('12:00'))).toMatchObject({
      ok: false,
      rejection: { code: 'timer_stale' },
    })
    expect(ok(fire(again, 'delay:timeout:3', at('12:00'))).outcome).toBe('no_response')
  })

  it('refuses a delay timer before its due time and takes it at the due time', () => {
    const waiting = act(opened(), 'reply', at('09:05'))
    expect(fire(waiting, 'delay:timeout:1', at('11:04'))).toMatchObject({
      ok: false,
      rejection: {
        code: 'timer_not_due',
        message: 'Timer "delay:timeout:1" is due at 2026-03-02T11:05:00.000Z, not before',
      },
    })
    const gone = ok(fire(waiting, 'delay:timeout:1', at('11:05')))
    expect(gone).toMatchObject({ status: 'closed', outcome: 'no_response' })
  })

  it('refuses an SLA timer of a step without an SLA, of a step since left, or of another entry', () => {
    const s = opened()
    const waiting = act(s, 'reply', at('09:05'))
    for (const ref of ['wait', 'nosuch']) {
      expect(fire(waiting, `sla:${ref}:1`, at('12:00'))).toMatchObject({
        ok: false,
        rejection: {
          code: 'timer_stale',
          message: `Timer "sla:${ref}:1" names no step with an SLA`,
          stepId: ref,
        },
      })
    }
    expect(fire(waiting, 'sla:work:0', at('12:00'))).toMatchObject({
      ok: false,
      rejection: {
        code: 'timer_stale',
        message: 'Timer "sla:work:0" no longer applies: step "work" was left',
        stepId: 'work',
      },
    })
    // The entry was never resumed after a pause: an id of a resumed SLA is not its timer.
    expect(fire(s, 'sla:work:0@3', at('12:00'))).toMatchObject({
      ok: false,
      rejection: {
        code: 'timer_stale',
        message: 'Timer "sla:work:0@3" no longer applies: the SLA of step "work" was paused',
        stepId: 'work',
      },
    })
  })

  it('refuses an SLA timer before its due time and records the breach at it, naming nobody to escalate to', () => {
    const s = opened()
    expect(fire(s, 'sla:work:0', at('09:59'))).toMatchObject({
      ok: false,
      rejection: {
        code: 'timer_not_due',
        message: 'Timer "sla:work:0" is due at 2026-03-02T10:00:00.000Z, not before',
      },
    })
    const breached = fire(s, 'sla:work:0', at('10:00'))
    if (!breached.ok) throw new Error(breached.rejection.message)
    expect(breached.record.breach).toStrictEqual({ escalateTo: null, notify: 'supervisor', stepId: 'work' })
    expect(breached.record.transitions).toEqual([])
    expect(breached.state).toMatchObject({ status: 'open', value: 'work' })
  })

  it('refuses a policy timer of a ticket that has no policy clocks, naming the clock', () => {
    const s = opened()
    for (const [id, words] of [
      ['policy:first_reply:0', 'first reply'],
      ['warn:resolution:0', 'resolution'],
    ]) {
      expect(fire(s, id, at('12:00'))).toMatchObject({
        ok: false,
        rejection: {
          code: 'timer_stale',
          message: `Timer "${id}" no longer applies: the ${words} clock stopped, was paused or has warned`,
        },
      })
    }
  })
})
