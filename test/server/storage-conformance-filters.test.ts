import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureAdmin, importSop } from '../../server/start.ts'
import { phoneDigits } from '../../server/storage/ticketQueries.ts'
import type { Storage, TicketRow } from '../../server/storage/types.ts'
import { fixture, NOW, newTicket } from './commitFixtures.ts'
import { BACKENDS, type OpenedStorage } from './storageBackends.ts'

/**
 * The filters of the ticket list, the audit search, the survey list and the customer search, run on
 * every backend: each filter on its own narrows to exactly its tickets, and an empty one is ignored.
 */
async function world(storage: Storage) {
  await ensureAdmin(storage, NOW)
  const admin = (await storage.listUsers())[0]
  const version = (await importSop(storage, fixture, admin.id, NOW)).version as number
  await storage.createCustomer({
    id: 'c_lan',
    name: 'Nguyễn Thị Lan',
    phone: '+84 90-555 0101',
    email: 'lan@example.com',
    address: null,
    segment: null,
    createdAt: NOW,
    updatedAt: '2026-03-01T00:00:00.000Z',
  })
  await storage.createCustomer({
    id: 'c_tom',
    name: 'Tomáš Novák',
    phone: null,
    email: 'tomas@example.cz',
    address: null,
    segment: null,
    createdAt: NOW,
    updatedAt: '2026-03-05T00:00:00.000Z',
  })
  const plan: [string, Partial<TicketRow>][] = [
    ['t1', { queue: 'billing', number: 1042, customerId: 'c_lan', createdAt: '2026-03-02T08:00:00.000Z' }],
    [
      't2',
      {
        queue: 'care',
        number: 7,
        status: 'closed',
        outcome: 'resolved',
        assigneeId: admin.id,
        createdAt: '2026-03-03T08:00:00.000Z',
      },
    ],
    ['t3', { queue: null, number: 1043, steps: ['other'], createdAt: '2026-03-04T08:00:00.000Z' }],
  ]
  for (const [id, change] of plan) {
    const unit = newTicket(id, version, admin.id)
    unit.ticket = { ...unit.ticket, subject: `Subject of ${id}`, ...change }
    expect(await storage.commitTickets([unit])).toEqual([{ ok: true }])
  }
  for (const [id, customerId, ticketId, at] of [
    ['s1', 'c_lan', 't1', '2026-03-02T09:00:00.000Z'],
    ['s2', 'c_lan', 't2', '2026-03-03T09:00:00.000Z'],
    ['s3', 'c_tom', null, '2026-03-04T09:00:00.000Z'],
  ] as const)
    await storage.addSurvey({
      id,
      customerId,
      ticketId,
      csat: 5,
      nps: null,
      ces: null,
      comment: null,
      at,
      createdBy: admin.id,
    })
  return { admin, version }
}

describe.each(BACKENDS)('storage filters on $name', (backend) => {
  let opened: OpenedStorage
  let storage: Storage
  let admin: Awaited<ReturnType<typeof world>>['admin']
  let version: number
  beforeAll(async () => {
    await backend.setup()
    opened = await backend.open()
    storage = opened.storage
    ;({ admin, version } = await world(storage))
  }, 120_000)
  afterAll(async () => {
    await storage?.close()
    await backend.teardown()
  }, 60_000)

  const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort()
  const list = (f: Partial<Parameters<Storage['listTickets']>[0]>) =>
    storage.listTickets({ now: '2026-03-02T11:00:00.000Z', limit: 50, offset: 0, ...f }).then(ids)

  it('narrows the ticket list by queue, SOP and current step', async () => {
    expect(await list({})).toEqual(['t1', 't2', 't3'])
    expect(await list({ queue: 'billing' })).toEqual(['t1'])
    expect(await list({ sopId: fixture.id })).toEqual(['t1', 't2', 't3'])
    expect(await list({ sopId: 'another-sop' })).toEqual([])
    expect(await list({ step: 'other' })).toEqual(['t3'])
    expect(await list({ step: 'nowhere' })).toEqual([])
  })

  it('finds a ticket by its reference (T-1042, #1042, 1042) and a customer by three or more digits of their phone', async () => {
    for (const text of ['T-1042', 't-1042', '#1042', '1042', '  T-1042  ', '#T-1042'])
      expect(await list({ search: text }), text).toEqual(['t1'])
    expect(await list({ search: 'T-7' })).toEqual(['t2'])
    expect(await list({ search: 'T-10420' })).toEqual([])
    expect(await list({ search: 'X1042' })).toEqual([])
    expect(await list({ search: '555' })).toEqual(['t1'])
    expect(await list({ search: '(90) 555' })).toEqual(['t1'])
    expect(await list({ search: '55' })).toEqual([])
    expect(await list({ search: '   ' })).toEqual(['t1', 't2', 't3'])
    expect(phoneDigits('+84 (90) 555-01.01')).toBe('84905550101')
    expect([phoneDigits('12'), phoneDigits('T-1042'), phoneDigits('555 x')]).toEqual(['', '', ''])
    expect(phoneDigits('123')).toBe('123')
  })

  it('narrows the audit search by SOP, version, status, outcome, assignee and period, ignoring empty filters', async () => {
    const s = async (q: Partial<Parameters<Storage['searchTickets']>[0]>) => {
      const r = await storage.searchTickets({ limit: 10, offset: 0, ...q })
      expect(r.rows).toHaveLength(r.total)
      return ids(r.rows)
    }
    expect(await s({ sopId: fixture.id })).toEqual(['t1', 't2', 't3'])
    expect(await s({ sopId: 'another-sop' })).toEqual([])
    expect(await s({ sopVersion: version })).toEqual(['t1', 't2', 't3'])
    expect(await s({ sopVersion: version + 1 })).toEqual([])
    expect(await s({ status: 'closed' })).toEqual(['t2'])
    expect(await s({ status: 'open' })).toEqual(['t1', 't3'])
    expect(await s({ outcome: 'resolved' })).toEqual(['t2'])
    expect(await s({ assigneeId: admin.id })).toEqual(['t2'])
    expect(await s({ to: '2026-03-03T08:00:00.000Z' })).toEqual(['t1'])
    expect(await s({ from: '2026-03-03T08:00:00.000Z', to: '2026-03-04T08:00:00.000Z' })).toEqual(['t2'])
    expect(await s({ q: 'T-1043' })).toEqual(['t3'])
    expect(await s({ q: '  ' })).toEqual(['t1', 't2', 't3'])
    expect(await s({ sopId: '', outcome: '', assigneeId: '' })).toEqual(['t1', 't2', 't3'])
  })

  it('narrows surveys by customer, ticket and period, newest first, and finds customers by text or latest change', async () => {
    const surveys = async (f: Parameters<Storage['listSurveys']>[0]) =>
      (await storage.listSurveys(f)).map((s) => s.id)
    expect(await surveys({})).toEqual(['s3', 's2', 's1'])
    expect(await surveys({ customerId: 'c_lan' })).toEqual(['s2', 's1'])
    expect(await surveys({ ticketIds: ['t1', 't2'] })).toEqual(['s2', 's1'])
    expect(await surveys({ ticketIds: [] })).toEqual([])
    expect(await surveys({ from: '2026-03-03T09:00:00.000Z' })).toEqual(['s3', 's2'])
    expect(await surveys({ to: '2026-03-03T09:00:00.000Z' })).toEqual(['s1'])
    const customers = async (text: string | null) =>
      (await storage.searchCustomers(text, 10)).map((c) => c.id)
    expect(await customers(null)).toEqual(['c_tom', 'c_lan'])
    expect(await customers('example')).toEqual(['c_lan', 'c_tom'])
    expect(await customers('.cz')).toEqual(['c_tom'])
    expect(await customers('555')).toEqual(['c_lan'])
  })
})
