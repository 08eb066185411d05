import { describe, expect, it } from 'vitest'
import {
  channelOf,
  compile,
  policyTargetIndex,
  raisedPriority,
  type SopDocumentInput,
  start,
} from '../../engine/index.ts'

const doc = (): SopDocumentInput => ({
  schema: 'sopflow/v1',
  id: 'channels',
  title: 'Channels',
  department: 'Care',
  purpose: 'Targets per channel.',
  initial: 'work',
  fields: [
    { name: 'note', label: 'Note', type: 'text' },
    { name: 'via', label: 'Via', type: 'text', bind: 'ticket.channel' },
  ],
  steps: [
    { id: 'work', kind: 'task', title: 'Work' },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [{ id: 'finish', from: 'work', to: 'done', action: 'finish' }],
  policy: {
    targets: [
      { metric: 'resolution', channels: ['phone'], due: 'PT1H', warnAt: 0.5 },
      { metric: 'resolution', priorities: ['urgent'], due: 'PT2H' },
      { metric: 'resolution', due: 'PT8H' },
    ],
  },
})

describe('policy targets per channel', () => {
  const sop = compile(doc())

  it('reads the channel from the field bound to it, not from another field', () => {
    expect(channelOf(sop, { note: 'email', via: 'phone' })).toBe('phone')
    expect(channelOf(sop, { note: 'email' })).toBeNull()
    expect(channelOf(sop, { note: 'email', via: '' })).toBeNull()
    expect(channelOf(sop, { via: null })).toBeNull()
  })

  it('has no channel when no field is bound to it', () => {
    const plain = compile({
      ...doc(),
      fields: [{ name: 'via', label: 'Via', type: 'text' }],
      policy: undefined,
    })
    expect(channelOf(plain, { via: 'phone' })).toBeNull()
  })

  it('applies a target naming channels only to a ticket from one of them', () => {
    expect(policyTargetIndex(sop, 'resolution', 'normal', 'phone')).toBe(0)
    expect(policyTargetIndex(sop, 'resolution', 'normal', 'email')).toBe(2)
    expect(policyTargetIndex(sop, 'resolution', 'normal', null)).toBe(2)
    expect(policyTargetIndex(sop, 'resolution', 'normal')).toBe(2)
    expect(policyTargetIndex(sop, 'resolution', 'urgent', null)).toBe(1)
    expect(policyTargetIndex(sop, 'first_reply', 'urgent', 'phone')).toBe(-1)
  })

  it('raises a priority only upwards', () => {
    expect(raisedPriority('normal', 'urgent')).toBe('urgent')
    expect(raisedPriority('high', 'low')).toBe('high')
    expect(raisedPriority('high', 'high')).toBe('high')
    expect(raisedPriority('low', undefined)).toBe('low')
  })

  it('schedules the warning and the breach of the target a new ticket counts against, as policy timers', () => {
    const opened = start(sop, {
      actor: { id: 'u1', role: 'agent' },
      now: '2026-03-02T09:00:00.000Z',
      fields: { via: 'phone' },
    })
    if (!opened.ok) throw new Error(opened.rejection.message)
    expect(opened.timers.schedule).toEqual([
      expect.objectContaining({
        kind: 'policy',
        stepId: 'resolution',
        transitionId: null,
        dueAt: '2026-03-02T09:30:00.000Z',
      }),
      expect.objectContaining({
        kind: 'policy',
        stepId: 'resolution',
        transitionId: null,
        dueAt: '2026-03-02T10:00:00.000Z',
      }),
    ])
  })
})
