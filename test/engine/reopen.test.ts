import { describe, expect, it } from 'vitest'
import {
  type Accepted,
  type Actor,
  compile,
  type Decision,
  decide,
  replay,
  start,
  type TransitionRecord,
  validate,
} from '../../engine/index.ts'
import { sampleSop } from './fixtures.ts'

const sop = compile(sampleSop())
const agent: Actor = { id: 'u-agent', role: 'agent' }
const supervisor: Actor = { id: 'u-sup', role: 'supervisor' }
const channel: Actor = { id: 'channel:chat', role: 'agent' }
const T0 = '2026-03-02T09:00:00.000Z'
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString()

function ok(d: Decision): Accepted {
  if (!d.ok) throw new Error(`rejected: ${d.rejection.code}: ${d.rejection.message}`)
  return d
}

/** A ticket closed as resolved, with its records. */
function closed() {
  const first = ok(start(sop, { actor: agent, now: T0 }))
  const end = ok(
    decide(
      sop,
      first.state,
      { kind: 'override', target: 'resolved', reason: 'solved on the phone' },
      supervisor,
      at(5),
    ),
  )
  expect(end.state.status).toBe('closed')
  return { state: end.state, records: [first.record, end.record] }
}

describe('reopen', () => {
  it('takes a closed ticket out of its end step into the step named, open again, and records why', () => {
    const c = closed()
    const d = ok(
      decide(
        sop,
        c.state,
        { kind: 'reopen', target: 'intake', reason: 'customer wrote again' },
        channel,
        at(60),
      ),
    )
    expect(d.record).toMatchObject({
      kind: 'reopen',
      target: 'intake',
      reason: 'customer wrote again',
      from: ['resolved'],
      to: ['intake'],
      exited: ['resolved'],
      entered: ['intake'],
      status: 'open',
      outcome: null,
    })
    expect(d.state).toMatchObject({ status: 'open', outcome: null })
    expect(Object.keys(d.state.active)).toEqual(['intake'])
    // The step's SLA runs again from the reopen.
    expect(d.timers.schedule).toEqual([
      expect.objectContaining({ kind: 'sla', stepId: 'intake', dueAt: at(120) }),
    ])
    // And the ticket can be worked again.
    const next = decide(
      sop,
      d.state,
      { kind: 'override', target: 'explain', reason: 'known' },
      supervisor,
      at(61),
    )
    expect(next.ok).toBe(true)
  })

  it('enters a nested step through its group', () => {
    const c = closed()
    const d = ok(decide(sop, c.state, { kind: 'reopen', target: 'check', reason: 'again' }, channel, at(60)))
    expect(d.record.entered).toEqual(['investigate', 'check'])
    expect(d.record.to).toEqual(['check'])
  })

  it('replays, and a changed reopen target is a divergence', () => {
    const c = closed()
    const d = ok(
      decide(sop, c.state, { kind: 'reopen', target: 'explain', reason: 'again' }, channel, at(60)),
    )
    const records = [...c.records, d.record]
    expect(replay(sop, records, { head: d.state.head }).ok).toBe(true)
    const tampered: TransitionRecord[] = JSON.parse(JSON.stringify(records))
    tampered[2].target = 'intake'
    const r = replay(sop, tampered, { head: d.state.head })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.seq).toBe(2)
  })

  it('refuses an open ticket, an end step, an unknown step and an empty reason', () => {
    const c = closed()
    const open = ok(start(sop, { actor: agent, now: T0 })).state
    const refusal = (d: Decision) => (d.ok ? null : d.rejection.code)
    expect(
      refusal(decide(sop, open, { kind: 'reopen', target: 'intake', reason: 'x' }, channel, at(1))),
    ).toBe('invalid_input')
    expect(
      refusal(decide(sop, c.state, { kind: 'reopen', target: 'silent', reason: 'x' }, channel, at(9))),
    ).toBe('unknown_step')
    expect(
      refusal(decide(sop, c.state, { kind: 'reopen', target: 'mars', reason: 'x' }, channel, at(9))),
    ).toBe('unknown_step')
    expect(
      refusal(decide(sop, c.state, { kind: 'reopen', target: 'intake', reason: ' ' }, channel, at(9))),
    ).toBe('invalid_input')
    // Other inputs on the closed ticket are still refused as closed.
    expect(
      refusal(decide(sop, c.state, { kind: 'override', target: 'intake', reason: 'x' }, supervisor, at(9))),
    ).toBe('ticket_closed')
  })

  it('the SOP setting names a step that exists and is not an end step', () => {
    const at = (step: string) => validate({ ...sampleSop(), closedReply: { mode: 'reopen', step } })
    expect(at('intake').valid).toBe(true)
    for (const step of ['mars', 'resolved']) {
      const v = at(step)
      expect(v.valid).toBe(false)
      expect(v.diagnostics).toContainEqual(
        expect.objectContaining({ code: 'unknown_target', variant: 'reopen', params: { target: step } }),
      )
    }
  })
})
