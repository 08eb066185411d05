import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureAdmin, importSop } from '../../server/start.ts'
import type { Storage, TicketFilter, TicketRow } from '../../server/storage/types.ts'
import { NOW, newTicket } from './commitFixtures.ts'
import { BACKENDS, type OpenedStorage } from './storageBackends.ts'

/**
 * The storage contract's team queues, run on every backend: which tickets a team's member may
 * read, which are a team's work, and which are in a person's work queue.
 */
const ROUTED = {
  schema: 'sopflow/v1',
  id: 'routed',
  title: 'Routed enquiry',
  department: 'Support',
  purpose: 'An enquiry is triaged, then handled by the team responsible for it.',
  fields: [],
  initial: 'triage',
  steps: [
    { id: 'triage', kind: 'task', title: 'Triage', roles: ['agent'] },
    { id: 'bill', kind: 'task', title: 'Correct the bill', roles: ['agent'], team: 'billing' },
    { id: 'approve', kind: 'task', title: 'Approve', roles: ['supervisor'], team: 'billing' },
    { id: 'callback', kind: 'task', title: 'Call back', roles: ['agent'], team: 'hanoi' },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    { id: 'to_billing', from: 'triage', to: 'bill', action: 'to_billing', label: 'Billing' },
    { id: 'to_approve', from: 'bill', to: 'approve', action: 'to_approve', label: 'Approve' },
    { id: 'to_callback', from: 'triage', to: 'callback', action: 'to_callback', label: 'Call back' },
    { id: 'approved', from: 'approve', to: 'done', action: 'approved', label: 'Approved' },
    { id: 'called', from: 'callback', to: 'done', action: 'called', label: 'Called' },
  ],
}

/** Tickets of the routed SOP at these steps (id, steps, assignee, queue, status). */
const PLAN: [string, string[], string | null, string | null, 'open' | 'closed'][] = [
  ['t_triage', ['triage'], null, null, 'open'],
  ['t_triage_q', ['triage'], null, 'hanoi', 'open'],
  ['t_triage_other_q', ['triage'], null, 'lisbon', 'open'],
  ['t_bill', ['bill'], null, null, 'open'],
  ['t_bill_held', ['bill'], 'u_billing_agent', null, 'open'],
  ['t_bill_closed', ['bill'], null, null, 'closed'],
  ['t_approve', ['approve'], null, null, 'open'],
  ['t_callback', ['callback'], null, null, 'open'],
  ['t_callback_held', ['callback'], 'u_hanoi_agent', null, 'open'],
]

describe.each(BACKENDS)('team queues on $name', (backend) => {
  let opened: OpenedStorage
  let storage: Storage
  beforeAll(async () => {
    await backend.setup()
    opened = await backend.open()
    storage = opened.storage
    await ensureAdmin(storage, NOW)
    const admin = (await storage.listUsers())[0]
    const version = (await importSop(storage, ROUTED, admin.id, NOW)).version as number
    for (const [id, team] of [
      ['u_billing_agent', 'billing'],
      ['u_hanoi_agent', 'hanoi'],
    ])
      await storage.createUser({ id, name: id, role: 'agent', team, createdAt: NOW }, `hash-${id}`, id)
    for (const [id, steps, assigneeId, queue, status] of PLAN) {
      const unit = newTicket(id, version, admin.id)
      const ticket: TicketRow = { ...unit.ticket, sopId: ROUTED.id, steps, assigneeId, queue, status }
      expect(await storage.commitTickets([{ ...unit, ticket, scheduleTimers: [] }])).toEqual([{ ok: true }])
    }
  }, 120_000)
  afterAll(async () => {
    await storage?.close()
    await backend.teardown()
  }, 60_000)

  const list = async (f: Partial<TicketFilter>) =>
    (await storage.listTickets({ now: NOW, limit: 100, offset: 0, ...f })).map((t) => t.id).sort()

  it("lists a team's work: the tickets whose current steps name the team", async () => {
    expect(await list({ team: 'billing' })).toEqual(['t_approve', 't_bill', 't_bill_closed', 't_bill_held'])
    expect(await list({ team: 'hanoi' })).toEqual(['t_callback', 't_callback_held'])
    expect(await list({ team: 'lisbon' })).toEqual([])
  })

  it("shows a team member their own tickets, their team's, and unassigned work of their team or of no team", async () => {
    expect(await list({ visibleTo: { userId: 'u_hanoi_agent', team: 'hanoi' } })).toEqual([
      't_callback',
      't_callback_held',
      't_triage',
      't_triage_other_q',
      't_triage_q',
    ])
    expect(await list({ visibleTo: { userId: 'u_billing_agent', team: 'billing' }, status: 'open' })).toEqual(
      ['t_approve', 't_bill', 't_bill_held', 't_triage', 't_triage_other_q', 't_triage_q'],
    )
  })

  it("puts open unassigned work in a member's queue by the step's team and roles, or by queue name when no team is named", async () => {
    expect(await list({ workQueue: { team: 'billing', roles: ['agent'] } })).toEqual(['t_bill', 't_triage'])
    expect(await list({ workQueue: { team: 'hanoi', roles: ['agent'] } })).toEqual([
      't_callback',
      't_triage',
      't_triage_q',
    ])
    // A person in no team: unteamed work their roles allow, or in a queue named after their role.
    expect(await list({ workQueue: { team: null, roles: ['agent'] } })).toEqual(['t_triage'])
    expect(await list({ workQueue: { team: null, roles: ['auditor'] } })).toEqual([])
  })

  it("gives a team's lead all of the team's unassigned open work, whatever roles its steps allow", async () => {
    expect(await list({ workQueue: { team: 'billing', roles: ['supervisor'], lead: true } })).toEqual([
      't_approve',
      't_bill',
    ])
    expect(await list({ workQueue: { team: 'billing', roles: ['supervisor'] } })).toEqual(['t_approve'])
  })
})
