// The ticket service first: it loads the services in the order the server does.
import '../../server/services/tickets.ts'
import { describe, expect, it } from 'vitest'
import { compile, type TicketState } from '../../engine/index.ts'
import { applyState, boundValues, isEmptyValue, orgRolesRecord } from '../../server/services/applyState.ts'
import type { Customer, TicketRow } from '../../server/storage/types.ts'
import { example } from './helpers.ts'

// The rules by which a ticket's row follows its engine state: the steps listed, the deadline, the
// queue and the assignee through escalations and team rules, the closing time, and bound fields.

const doc = example('support-ticket')
/** The support SOP with `close_out` given to the billing team, and `manager_review` to supervisors only. */
const withTeam = {
  ...doc,
  steps: doc.steps.map((s: { id: string }) =>
    s.id === 'close_out'
      ? { ...s, team: 'billing' }
      : s.id === 'manager_review'
        ? { ...s, roles: ['supervisor'] }
        : s,
  ),
}
const sop = compile(withTeam)
const T0 = '2026-03-02T08:00:00.000Z'
const NOW = '2026-03-02T09:30:00.000Z'
const plus = (ms: number) => new Date(Date.parse(T0) + ms).toISOString()

const state = (
  steps: string[],
  extra: { status?: string; outcome?: string | null; context?: Record<string, unknown> } = {},
): TicketState =>
  ({
    sopHash: sop.hash,
    value: steps[0] ?? 'resolved',
    status: steps.length ? 'open' : 'closed',
    outcome: steps.length ? null : 'resolved',
    active: Object.fromEntries(steps.map((id, i) => [id, { enteredAt: T0, seq: i + 1 }])),
    checklist: {},
    ...extra,
    context: { fields: {}, priority: 'normal', ...extra.context },
  }) as unknown as TicketState

const row = (extra: Partial<TicketRow> = {}): TicketRow =>
  ({
    id: 't_1',
    sopId: doc.id,
    sopVersion: 1,
    sopHash: sop.hash,
    channel: 'email',
    customerId: null,
    subject: 'Parcel lost',
    status: 'open',
    outcome: null,
    priority: 'normal',
    assigneeId: null,
    queue: null,
    version: 3,
    createdAt: T0,
    updatedAt: T0,
    closedAt: null,
    dueAt: null,
    steps: ['diagnose'],
    auditSeq: 3,
    auditHead: 'h',
    number: 1,
    ...extra,
  }) as TicketRow

describe('a ticket row after its state moved', () => {
  it('lists the work steps only (not their groups), with the state’s status, outcome, priority and the time', () => {
    const next = applyState(
      sop,
      row(),
      state(['identification', 'identify'], { context: { priority: 'high' } }),
      NOW,
    )
    expect(next).toMatchObject({
      steps: ['identify'],
      status: 'open',
      outcome: null,
      priority: 'high',
      updatedAt: NOW,
    })
    const parallel = applyState(sop, row(), state(['refund', 'refund_payment', 'process_refund']), NOW)
    expect(parallel.steps).toEqual(['process_refund'])
  })

  it('is due at the earliest deadline of its steps with an SLA; closed, or with none, it is due never', () => {
    // diagnose: 4 hours; manager_review: 1 hour; both entered at T0.
    expect(applyState(sop, row(), state(['diagnose', 'manager_review']), NOW).dueAt).toBe(plus(3_600_000))
    expect(applyState(sop, row(), state(['manager_review', 'diagnose']), NOW).dueAt).toBe(plus(3_600_000))
    expect(applyState(sop, row(), state(['diagnose']), NOW).dueAt).toBe(plus(4 * 3_600_000))
    expect(applyState(sop, row(), state(['identify']), NOW).dueAt).toBeNull()
    expect(applyState(sop, row({ dueAt: plus(1) }), state([]), NOW).dueAt).toBeNull()
    const closedAtStep = state(['diagnose'], {
      status: 'closed',
      outcome: 'resolved',
    })
    expect(applyState(sop, row(), closedAtStep, NOW).dueAt).toBeNull()
  })

  it('takes the queue the state names, else its role, else the one it had; a new queue lets the assignee go', () => {
    const held = row({ assigneeId: 'u_ann', queue: 'billing' })
    expect(
      applyState(sop, held, state(['diagnose'], { context: { queue: 'fraud', role: 'x' } }), NOW),
    ).toMatchObject({
      queue: 'fraud',
      assigneeId: null,
    })
    expect(applyState(sop, held, state(['diagnose'], { context: { role: 'senior_agent' } }), NOW).queue).toBe(
      'senior_agent',
    )
    expect(applyState(sop, held, state(['diagnose']), NOW, 'agent')).toMatchObject({
      queue: 'billing',
      assigneeId: 'u_ann',
    })
  })

  it('an escalation to steps the assignee may not do goes to their first role’s queue; one they may do keeps them', () => {
    const ann = row({ assigneeId: 'u_ann' })
    expect(applyState(sop, ann, state(['manager_review']), NOW, 'agent')).toMatchObject({
      assigneeId: null,
      queue: 'supervisor',
    })
    expect(applyState(sop, ann, state(['manager_review']), NOW, ['agent', 'supervisor'])).toMatchObject({
      assigneeId: 'u_ann',
      queue: null,
    })
    // Roles unknown (none held): nothing is decided by them.
    expect(applyState(sop, ann, state(['manager_review']), NOW).assigneeId).toBe('u_ann')
  })

  it('work at a team’s steps lets an assignee of another team go, keeps one of that team, and applies only when asked', () => {
    const ann = row({ assigneeId: 'u_ann', steps: ['propose'] })
    const closeOut = state(['close_out'])
    expect(applyState(sop, ann, closeOut, NOW, 'agent', 'hanoi').assigneeId).toBeNull()
    expect(applyState(sop, ann, closeOut, NOW, 'agent', null).assigneeId).toBeNull()
    expect(applyState(sop, ann, closeOut, NOW, 'agent', 'billing').assigneeId).toBe('u_ann')
    expect(applyState(sop, ann, closeOut, NOW, 'agent').assigneeId).toBe('u_ann')
    // Steps that name no team keep any assignee.
    expect(applyState(sop, ann, state(['propose']), NOW, 'agent', 'hanoi').assigneeId).toBe('u_ann')
  })

  it('an unheld ticket in no queue moving to steps none of its previous steps’ roles may do lands in their queue', () => {
    expect(applyState(sop, row({ steps: ['diagnose'] }), state(['manager_review']), NOW).queue).toBe(
      'supervisor',
    )
    // The previous steps shared a role with the new ones: no queue.
    expect(applyState(sop, row({ steps: ['close_out'] }), state(['manager_review']), NOW).queue).toBeNull()
    // A queue it is in already, or an assignee, stays as it is.
    expect(
      applyState(sop, row({ steps: ['diagnose'], queue: 'vip' }), state(['manager_review']), NOW).queue,
    ).toBe('vip')
    expect(
      applyState(sop, row({ steps: ['diagnose'], assigneeId: 'u_ann' }), state(['manager_review']), NOW)
        .queue,
    ).toBeNull()
    // No previous steps with roles (a new ticket): no queue.
    expect(applyState(sop, row({ steps: [] }), state(['manager_review']), NOW).queue).toBeNull()
  })

  it('closes at the time it first closed; open again, it has no closing time', () => {
    expect(applyState(sop, row(), state([]), NOW).closedAt).toBe(NOW)
    expect(applyState(sop, row({ closedAt: T0, status: 'closed' }), state([]), NOW).closedAt).toBe(T0)
    expect(
      applyState(sop, row({ closedAt: T0, status: 'closed' }), state(['diagnose']), NOW).closedAt,
    ).toBeNull()
  })
})

describe('records and bound values', () => {
  it('records the assignee’s roles only when organisation roles are among them', () => {
    expect(orgRolesRecord(null)).toEqual({})
    expect(orgRolesRecord(['agent'])).toEqual({})
    expect(orgRolesRecord(['agent', 'billing'])).toEqual({ assigneeRoles: ['agent', 'billing'] })
  })

  it('a value is empty when missing, null or an empty string; zero and false are values', () => {
    for (const v of [undefined, null, '']) expect(isEmptyValue(v), String(v)).toBe(true)
    for (const v of [0, false, ' ', 'x']) expect(isEmptyValue(v as never), String(v)).toBe(false)
  })

  it('fills fields bound to the customer’s details and to the ticket’s subject and channel, leaving empty ones out', () => {
    const bound = compile({
      ...doc,
      fields: [
        ...doc.fields,
        { name: 'about', label: 'About', type: 'text', bind: 'ticket.subject' },
        { name: 'via', label: 'Via', type: 'text', bind: 'ticket.channel' },
        { name: 'who', label: 'Who', type: 'text', bind: 'customer.name' },
        { name: 'mail', label: 'Mail', type: 'email', bind: 'customer.email' },
      ],
    })
    const customer = { id: 'c_1', name: 'Nguyen Van An', email: '', phone: null } as unknown as Customer
    expect(boundValues(bound, { customer, subject: 'Parcel lost', channel: 'chat' })).toEqual({
      about: 'Parcel lost',
      via: 'chat',
      who: 'Nguyen Van An',
    })
    expect(boundValues(bound, { customer: null, subject: 'Parcel lost', channel: 'chat' })).toEqual({
      about: 'Parcel lost',
      via: 'chat',
    })
  })
})
