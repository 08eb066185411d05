import { describe, expect, it } from 'vitest'
import {
  type Actor,
  type CompiledSop,
  check,
  compile,
  type Decision,
  decide,
  type SopDocumentInput,
  start,
  type TicketInput,
  type TicketState,
} from '../../engine/index.ts'

const agent: Actor = { id: 'u-agent', role: 'agent' }
const T0 = '2026-03-02T09:00:00.000Z'
const T1 = '2026-03-02T09:05:00.000Z'

/** One task ending at `end`. */
function oneStep(title: string): CompiledSop {
  const doc: SopDocumentInput = {
    schema: 'sopflow/v1',
    id: 'one-step',
    title,
    department: 'Care',
    purpose: 'A single task.',
    fields: [{ name: 'note', label: 'Note', type: 'text' }],
    initial: 'work',
    steps: [
      { id: 'work', kind: 'task', title: 'Work' },
      { id: 'end', kind: 'end', title: 'End', outcome: 'resolved' },
    ],
    transitions: [{ id: 'finish', from: 'work', to: 'end', action: 'finish', label: 'Finish' }],
  }
  return compile(doc)
}

function ok(d: Decision): TicketState {
  if (!d.ok) throw new Error(`rejected: ${d.rejection.code}: ${d.rejection.message}`)
  return d.state
}

const finish: Extract<TicketInput, { kind: 'action' }> = { kind: 'action', action: 'finish' }

describe('decide and check: what they refuse before any step is looked at', () => {
  it('records the priority a ticket starts at only when it is not normal', () => {
    const sop = oneStep('One')
    const plain = start(sop, { actor: agent, now: T0 })
    const normal = start(sop, { actor: agent, now: T0, priority: 'normal' })
    const high = start(sop, { actor: agent, now: T0, priority: 'high' })
    if (!plain.ok || !normal.ok || !high.ok) throw new Error('not started')
    expect(plain.record).not.toHaveProperty('priority')
    expect(normal.record).not.toHaveProperty('priority')
    expect(normal.state.head).toBe(plain.state.head)
    expect(high.record.priority).toBe('high')
    expect(high.state.context.priority).toBe('high')
    expect(high.state.head).not.toBe(plain.state.head)
  })

  it('refuses a ticket pinned to another version of the SOP, in decide and in check', () => {
    const v1 = oneStep('One')
    const v2 = oneStep('One, revised')
    const state = ok(start(v1, { actor: agent, now: T0 }))
    const refused = decide(v2, state, finish, agent, T1)
    expect(refused).toMatchObject({
      ok: false,
      rejection: { code: 'invalid_input', message: 'The ticket is pinned to another version of this SOP' },
    })
    expect(check(v2, state, finish, agent, T1)).toEqual({
      code: 'invalid_input',
      message: 'The ticket is pinned to another version of this SOP',
    })
    expect(check(v1, state, finish, agent, T1)).toBeNull()
    expect(ok(decide(v1, state, finish, agent, T1)).status).toBe('closed')
  })

  it('refuses anything but a reopening on a closed ticket, naming its outcome or "ended"', () => {
    const sop = oneStep('One')
    const ended = ok(decide(sop, ok(start(sop, { actor: agent, now: T0 })), finish, agent, T1))
    // A stored state closed without an outcome (no end step of a valid SOP leaves one so).
    for (const [closed, named] of [
      [ended, 'resolved'],
      [{ ...ended, outcome: null }, 'ended'],
    ] as const) {
      expect(decide(sop, closed, { kind: 'update', fields: { note: 'late' } }, agent, T1)).toMatchObject({
        ok: false,
        rejection: {
          code: 'ticket_closed',
          message: `The ticket is closed (${named}); nothing more can be done in it`,
        },
      })
      expect(check(sop, closed, finish, agent, T1)).toEqual({
        code: 'ticket_closed',
        message: 'The ticket is closed',
      })
    }
  })

  it('refuses an input of no known kind, naming it', () => {
    const sop = oneStep('One')
    const state = ok(start(sop, { actor: agent, now: T0 }))
    const odd = { kind: 'teleport' } as unknown as TicketInput
    expect(decide(sop, state, odd, agent, T1)).toMatchObject({
      ok: false,
      rejection: { code: 'invalid_input', message: 'Unknown input kind "teleport"' },
    })
  })

  it('check answers null for an action that would be accepted and the refusal for one that would not', () => {
    const sop = oneStep('One')
    const state = ok(start(sop, { actor: agent, now: T0 }))
    expect(check(sop, state, finish, agent, T1)).toBeNull()
    expect(check(sop, state, { kind: 'action', action: 'jump' }, agent, T1)).toMatchObject({
      code: 'action_not_allowed',
      allowed: ['finish'],
    })
  })
})
