import { describe, expect, it } from 'vitest'
import {
  compile,
  type Decision,
  decide,
  type SopDocumentInput,
  SopError,
  SYSTEM_ACTOR,
  start,
  type TicketState,
  validate,
} from '../../engine/index.ts'

const agent = { id: 'u-agent', role: 'agent' }
const at = (hhmm: string) => `2026-03-02T${hhmm}:00.000Z`

/**
 * Actions named like the machine's own events would be: `work` (a step with an SLA), `boss` (a
 * step overrides go to) and `later` (a delayed transition out of the step the action leaves).
 */
type Doc = SopDocumentInput & Required<Pick<SopDocumentInput, 'steps' | 'transitions'>>

const doc = (): Doc => ({
  schema: 'sopflow/v1',
  id: 'named',
  title: 'Named alike',
  department: 'Care',
  purpose: 'Actions named like steps and transitions.',
  fields: [],
  initial: 'work',
  steps: [
    { id: 'work', kind: 'task', title: 'Work', sla: { due: 'PT1H', escalateTo: 'boss' } },
    { id: 'boss', kind: 'task', title: 'Boss', roles: ['supervisor'] },
    { id: 'wait', kind: 'wait', title: 'Wait' },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
    { id: 'gone', kind: 'end', title: 'Gone', outcome: 'no_response' },
  ],
  transitions: [
    { id: 'w_work', from: 'work', to: 'done', action: 'work', label: 'Work it off' },
    { id: 'w_boss', from: 'work', to: 'done', action: 'boss', label: 'Boss it' },
    { id: 'w_wait', from: 'work', to: 'wait', action: 'park', label: 'Park' },
    { id: 'w_again', from: 'work', to: 'work', action: 'again', label: 'Again' },
    { id: 'later', from: 'wait', to: 'gone', after: 'PT2H', label: 'Gone quiet' },
    { id: 'back', from: 'wait', to: 'work', action: 'later', label: 'Later' },
    { id: 'b_done', from: 'boss', to: 'done', action: 'finish', label: 'Finish' },
  ],
})
const sop = compile(doc())

function ok(d: Decision): TicketState {
  if (!d.ok) throw new Error(`rejected: ${d.rejection.code}: ${d.rejection.message}`)
  return d.state
}
function accepted(d: Decision) {
  if (!d.ok) throw new Error(`rejected: ${d.rejection.code}: ${d.rejection.message}`)
  return d
}
const opened = () => ok(start(sop, { actor: agent, now: at('09:00') }))
const act = (s: TicketState, action: string, now = at('09:05')) =>
  accepted(decide(sop, s, { kind: 'action', action }, agent, now))

describe('the compiled machine keeps its own events apart from the actions', () => {
  it('takes an action named like a step with an SLA, and the SLA timer of that step, each its own way', () => {
    expect(act(opened(), 'work').state.outcome).toBe('resolved')
    const breach = accepted(
      decide(sop, opened(), { kind: 'timer', timerId: 'sla:work:0' }, SYSTEM_ACTOR, at('10:00')),
    )
    expect(breach.record).toMatchObject({ transitions: ['sla:work'], exited: ['work'], entered: ['boss'] })
    expect(breach.state.value).toBe('boss')
  })

  it('takes an action named like a step, and an override to that step, each its own way', () => {
    expect(act(opened(), 'boss').state.outcome).toBe('resolved')
    const moved = accepted(
      decide(
        sop,
        opened(),
        { kind: 'override', target: 'boss', reason: 'Customer asked for a manager' },
        agent,
        at('09:05'),
      ),
    )
    expect(moved.record).toMatchObject({ transitions: ['goto:boss'], exited: ['work'], entered: ['boss'] })
  })

  it('takes an action named like a delayed transition, and that transition when it falls due, each its own way', () => {
    const waiting = act(opened(), 'park').state
    expect(act(waiting, 'later', at('09:10')).state.value).toBe('work')
    const gone = accepted(
      decide(sop, waiting, { kind: 'timer', timerId: 'delay:later:1' }, SYSTEM_ACTOR, at('11:05')),
    )
    expect(gone.record.transitions).toEqual(['later'])
    expect(gone.state.outcome).toBe('no_response')
  })

  it('leaves and enters again a step a transition leads back to, restarting its SLA', () => {
    const again = act(opened(), 'again')
    expect(again.record).toMatchObject({ transitions: ['w_again'], exited: ['work'], entered: ['work'] })
    expect(again.state.active.work).toEqual({ enteredAt: at('09:05'), seq: 1 })
    expect(again.timers.cancel).toContain('sla:work:0')
    expect(again.timers.schedule.map((t) => t.id)).toContain('sla:work:1')
  })

  it('enters again a step whose SLA escalates to itself, restarting the SLA', () => {
    const self = doc()
    self.steps[0] = { ...self.steps[0], roles: ['agent'], sla: { due: 'PT1H', escalateTo: 'work' } }
    self.transitions.push({ id: 'w_ask', from: 'work', to: 'boss', action: 'ask', label: 'Ask the boss' })
    const s = compile(self)
    const first = ok(start(s, { actor: agent, now: at('09:00') }))
    const breach = accepted(
      decide(s, first, { kind: 'timer', timerId: 'sla:work:0' }, SYSTEM_ACTOR, at('10:00')),
    )
    expect(breach.record).toMatchObject({ transitions: ['sla:work'], exited: ['work'], entered: ['work'] })
    expect(breach.state.active.work).toEqual({ enteredAt: at('10:00'), seq: 1 })
    expect(breach.timers.schedule.map((t) => t.id)).toContain('sla:work:1')
  })

  it('leaves and enters again the current step when an override names it', () => {
    const moved = accepted(
      decide(
        sop,
        opened(),
        { kind: 'override', target: 'work', reason: 'Start the call again' },
        agent,
        at('09:05'),
      ),
    )
    expect(moved.record).toMatchObject({ transitions: ['goto:work'], exited: ['work'], entered: ['work'] })
    expect(moved.state.active.work.seq).toBe(1)
  })
})

describe('compile refuses an invalid document', () => {
  it('with every error in its message, not the warnings, and the id the document gives', () => {
    const bad = doc()
    bad.transitions.push({ id: 'nowhere', from: 'work', to: 'missing', action: 'jump', label: 'Jump' })
    bad.steps.push({ id: 'odd', kind: 'end', title: 'Odd' } as never)
    bad.glossary = [
      { term: 'SLA', definition: 'Service level' },
      { term: 'SLA', definition: 'Again' },
    ]
    const diagnostics = validate(bad).diagnostics
    const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)
    expect(errors.length).toBeGreaterThan(1)
    expect(diagnostics.some((d) => d.severity === 'warning')).toBe(true)
    let thrown: unknown
    try {
      compile(bad)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(SopError)
    expect(thrown).toMatchObject({
      code: 'invalid_document',
      id: 'named',
      message: `The SOP document is invalid: ${errors.join('; ')}`,
      diagnostics,
    })
  })

  it('naming no id when the input has none to give', () => {
    for (const input of [null, 'text', { id: 7 }]) {
      expect(() => compile(input)).toThrow(SopError)
      try {
        compile(input)
      } catch (e) {
        expect((e as SopError).id).toBeNull()
      }
    }
  })
})
