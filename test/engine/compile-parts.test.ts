import { describe, expect, it } from 'vitest'
import {
  ALWAYS_OPEN,
  actionGuard,
  applyEffects,
  type Calendar,
  calendarSchema,
  calendarsDigest,
  calendarsNamed,
  canonicalJson,
  compile,
  decide,
  type SopDocumentInput,
  sha256Hex,
  sopDocumentSchema,
  start,
  type TicketContext,
} from '../../engine/index.ts'

const context = (): TicketContext =>
  ({
    fields: { note: 'a', count: 1 },
    priority: 'normal',
    role: 'agent',
    queue: 'main',
  }) as unknown as TicketContext

describe('effects of a transition', () => {
  it('sets a field, keeping the others', () => {
    const next = applyEffects(context(), [{ type: 'set', field: 'note', value: 'b' }])
    expect(next.fields).toEqual({ note: 'b', count: 1 })
    expect(next).toMatchObject({ priority: 'normal', role: 'agent', queue: 'main' })
  })

  it('sets the priority', () => {
    expect(applyEffects(context(), [{ type: 'priority', value: 'urgent' }])).toMatchObject({
      priority: 'urgent',
      fields: { note: 'a', count: 1 },
    })
  })

  it('assigns a role or a queue, keeping what it does not name', () => {
    expect(applyEffects(context(), [{ type: 'assign', role: 'lead' }])).toMatchObject({
      role: 'lead',
      queue: 'main',
    })
    expect(applyEffects(context(), [{ type: 'assign', queue: 'vip' }])).toMatchObject({
      role: 'agent',
      queue: 'vip',
    })
  })

  it('applies effects in order', () => {
    const next = applyEffects(context(), [
      { type: 'set', field: 'count', value: 2 },
      { type: 'set', field: 'count', value: 3 },
      { type: 'priority', value: 'low' },
    ])
    expect(next).toMatchObject({ fields: { count: 3 }, priority: 'low' })
  })
})

const doc = (): SopDocumentInput => ({
  schema: 'sopflow/v1',
  id: 'guarded',
  title: 'Guarded',
  department: 'Care',
  purpose: 'Who may act, and when.',
  fields: [{ name: 'amount', label: 'Amount', type: 'number' }],
  initial: 'work',
  steps: [
    { id: 'work', kind: 'task', title: 'Work', roles: ['agent'] },
    { id: 'open', kind: 'task', title: 'Open' },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    {
      id: 'approve',
      from: 'work',
      to: 'open',
      action: 'approve',
      roles: ['lead'],
      guard: 'ticket.amount > 10',
    },
    { id: 'finish', from: 'work', to: 'open', action: 'finish' },
    { id: 'close', from: 'open', to: 'done', action: 'close' },
  ],
})

describe('the guard of an action', () => {
  const sop = compile(doc())
  const guard = (id: string, event: Parameters<typeof actionGuard>[2], fields = {}) =>
    actionGuard(sop, id, event, fields)

  it('refuses a transition it does not know', () => {
    expect(guard('nowhere', { role: 'lead' })).toBe(false)
  })

  it('takes the transition’s roles before its step’s, by built-in or organisation role', () => {
    expect(guard('approve', { role: 'lead', fields: { amount: 20 } })).toBe(true)
    expect(guard('approve', { role: 'agent', roles: ['lead'], fields: { amount: 20 } })).toBe(true)
    expect(guard('approve', { role: 'agent', fields: { amount: 20 } })).toBe(false)
    expect(guard('approve', { roles: ['night'], fields: { amount: 20 } })).toBe(false)
    expect(guard('finish', { role: 'agent' })).toBe(true)
    expect(guard('finish', { role: 'lead' })).toBe(false)
    expect(guard('finish', { roles: ['agent'] })).toBe(true)
    expect(guard('close', { role: 'customer' })).toBe(true)
    expect(guard('close', {})).toBe(true)
  })

  it('reads the guard over the ticket’s fields, with the fields given with the action over them', () => {
    expect(guard('approve', { role: 'lead' }, { amount: 20 })).toBe(true)
    expect(guard('approve', { role: 'lead' }, { amount: 5 })).toBe(false)
    expect(guard('approve', { role: 'lead', fields: { amount: 20 } }, { amount: 5 })).toBe(true)
    expect(guard('approve', { role: 'lead', fields: { amount: 5 } }, { amount: 20 })).toBe(false)
  })
})

describe('the digest of the calendars an SOP counts in', () => {
  const desk: Calendar = calendarSchema.parse({
    id: 'desk',
    title: 'Desk',
    timeZone: 'UTC',
    week: { mon: [{ from: '09:00', to: '17:00' }] },
  })

  it('is none without calendars', () => {
    expect(calendarsDigest({})).toBeNull()
    expect(calendarsDigest(new Map())).toBeNull()
  })

  it('is the SHA-256 of the calendars by id, read from a map or a record alike', () => {
    const expected = sha256Hex(canonicalJson({ always: ALWAYS_OPEN, desk }))
    expect(calendarsDigest({ desk, always: ALWAYS_OPEN })).toBe(expected)
    expect(
      calendarsDigest(
        new Map([
          ['desk', desk],
          ['always', ALWAYS_OPEN],
        ]),
      ),
    ).toBe(expected)
  })

  it('covers the team calendars when there are any', () => {
    const expected = sha256Hex(canonicalJson({ calendars: { desk }, teams: { field: 'desk' } }))
    expect(calendarsDigest({ desk }, sha256Hex, { field: 'desk' })).toBe(expected)
    expect(calendarsDigest({ desk }, sha256Hex, new Map([['field', 'desk']]))).toBe(expected)
    expect(calendarsDigest({ desk }, sha256Hex, {})).toBe(sha256Hex(canonicalJson({ desk })))
  })
})

describe('the calendars a document counts in', () => {
  it('names each business-time clock’s calendar, else the SOP’s, and each contact window, sorted', () => {
    const doc = sopDocumentSchema.parse({
      schema: 'sopflow/v1',
      id: 'named',
      title: 'Named',
      department: 'Care',
      purpose: 'Name the calendars.',
      calendar: 'main',
      initial: 'work',
      steps: [
        { id: 'work', kind: 'task', title: 'Work', sla: { due: 'PT1H', time: 'business', calendar: 'zeta' } },
        {
          id: 'wait',
          kind: 'wait',
          title: 'Wait',
          sla: { due: 'PT1H', time: 'calendar', calendar: 'ignored' },
        },
        { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
      ],
      transitions: [
        { id: 'go', from: 'work', to: 'wait', action: 'go', window: 'office' },
        { id: 'late', from: 'wait', to: 'done', after: 'PT2H', time: 'business' },
        { id: 'later', from: 'wait', to: 'done', after: 'PT3H', time: 'business', calendar: 'alpha' },
      ],
      policy: { targets: [{ metric: 'resolution', due: 'P1D', time: 'business', calendar: 'policy_cal' }] },
    })
    expect(calendarsNamed(doc)).toEqual(['alpha', 'main', 'office', 'policy_cal', 'zeta'])
  })
})

describe('a decision listing its default branch first', () => {
  it('still takes a guarded branch whose guard holds, and the default otherwise', () => {
    const sop = compile({
      schema: 'sopflow/v1',
      id: 'route',
      title: 'Route',
      department: 'Care',
      purpose: 'Guarded branches first.',
      fields: [{ name: 'amount', label: 'Amount', type: 'number' }],
      initial: 'work',
      steps: [
        { id: 'work', kind: 'task', title: 'Work' },
        { id: 'route', kind: 'decision', title: 'Route' },
        { id: 'small', kind: 'end', title: 'Small', outcome: 'resolved' },
        { id: 'big', kind: 'end', title: 'Big', outcome: 'escalated' },
      ],
      transitions: [
        { id: 'check', from: 'work', to: 'route', action: 'check' },
        { id: 'to_small', from: 'route', to: 'small' },
        { id: 'to_big', from: 'route', to: 'big', guard: 'ticket.amount > 10' },
      ],
    })
    const agent = { id: 'u1', role: 'agent' }
    const first = start(sop, { actor: agent, now: '2026-03-02T09:00:00.000Z' })
    if (!first.ok) throw new Error('start')
    const end = (amount: number) => {
      const d = decide(
        sop,
        first.state,
        { kind: 'action', action: 'check', fields: { amount } },
        agent,
        '2026-03-02T09:01:00.000Z',
      )
      return d.ok ? d.state.value : d.rejection.code
    }
    expect(end(20)).toBe('big')
    expect(end(5)).toBe('small')
  })
})
