import { afterEach, describe, expect, it } from 'vitest'
import { computeWorkload } from '../../server/services/workload.ts'
import { ensureAdmin, importSop } from '../../server/start.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import type { TicketRow } from '../../server/storage/types.ts'
import { fixture, NOW, newTicket } from './commitFixtures.ts'

/** The workload figures over tickets written straight to a real SQLite store. */
const MIN = 60_000
const minutesBefore = (m: number) => new Date(Date.parse(NOW) - m * MIN).toISOString()

let storage: SqliteStorage
afterEach(async () => {
  await storage?.close()
})

type Shape = Partial<Pick<TicketRow, 'assigneeId' | 'dueAt' | 'status'>> & { ageMin: number }

/** A store with the users named and one ticket per shape, created `ageMin` minutes before NOW. */
async function storeWith(users: { id: string; name: string; team: string | null }[], tickets: Shape[]) {
  storage = new SqliteStorage(':memory:', { writerThread: false })
  await ensureAdmin(storage, NOW)
  const admin = (await storage.listUsers())[0]
  for (const u of users)
    await storage.createUser({ ...u, role: 'agent', createdAt: NOW }, `hash-${u.id}`, 'test')
  const version = (await importSop(storage, fixture, admin.id, NOW)).version as number
  const units = tickets.map((shape, i) => {
    const unit = newTicket(`t_${String(i).padStart(2, '0')}`, version, admin.id)
    const { ageMin, ...rest } = shape
    const createdAt = minutesBefore(ageMin)
    unit.ticket = { ...unit.ticket, assigneeId: null, dueAt: null, ...rest, createdAt }
    return unit
  })
  const outcomes = await storage.commitTickets(units)
  expect(outcomes.every((o) => o.ok)).toBe(true)
  return storage
}

const ann = { id: 'u_ann', name: 'Ann', team: 'praha' }
const bob = { id: 'u_bob', name: 'Bob', team: 'hanoi' }
const cyd = { id: 'u_cyd', name: 'Cyd', team: null }

describe('the workload per agent and team', () => {
  it('lists the busiest agent first and the tickets nobody has last, whatever the order they were created in', async () => {
    // Created oldest first: nobody's ticket, then Cyd (1), Ann (3), Bob (2).
    const s = await storeWith(
      [ann, bob, cyd],
      [
        { ageMin: 90 },
        { ageMin: 80, assigneeId: cyd.id },
        { ageMin: 70, assigneeId: ann.id },
        { ageMin: 60, assigneeId: bob.id },
        { ageMin: 50, assigneeId: ann.id },
        { ageMin: 40, assigneeId: bob.id },
        { ageMin: 30, assigneeId: ann.id },
      ],
    )
    const w = await computeWorkload(s, {}, NOW)
    expect(w.total).toBe(7)
    expect(w.agents.map((a) => [a.id, a.name, a.open])).toEqual([
      [ann.id, 'Ann', 3],
      [bob.id, 'Bob', 2],
      [cyd.id, 'Cyd', 1],
      [null, null, 1],
    ])
    // Teams by the assignee's team; Cyd has none, so her ticket joins nobody's.
    expect(w.teams.map((t) => [t.id, t.name, t.open])).toEqual([
      ['praha', 'praha', 3],
      ['hanoi', 'hanoi', 2],
      [null, null, 2],
    ])
    expect(w.agents[0]).toEqual({
      id: ann.id,
      name: 'Ann',
      open: 3,
      overdue: 0,
      oldestMs: 70 * MIN,
      avgAgeMs: 50 * MIN,
    })
  })

  it('counts a ticket overdue when its deadline is now or past, not when it is later or has none', async () => {
    const later = new Date(Date.parse(NOW) + MIN).toISOString()
    const s = await storeWith(
      [ann],
      [
        { ageMin: 40, assigneeId: ann.id, dueAt: NOW },
        { ageMin: 30, assigneeId: ann.id, dueAt: minutesBefore(1) },
        { ageMin: 20, assigneeId: ann.id, dueAt: later },
        { ageMin: 10, assigneeId: ann.id, dueAt: null },
      ],
    )
    const w = await computeWorkload(s, {}, NOW)
    expect(w.agents.map((a) => [a.id, a.open, a.overdue])).toEqual([[ann.id, 4, 2]])
    expect(w.teams.map((t) => [t.id, t.open, t.overdue])).toEqual([['praha', 4, 2]])
  })

  it('names an assignee who is no longer among the users by their id, in nobody’s team, which stays last though larger', async () => {
    const s = await storeWith(
      [ann],
      [
        { ageMin: 20, assigneeId: ann.id },
        { ageMin: 15, assigneeId: 'u_gone' },
        { ageMin: 10, assigneeId: 'u_gone' },
      ],
    )
    // Created after Ann's, the larger groups must still be sorted into place.
    const w = await computeWorkload(s, {}, NOW)
    expect(w.agents.map((a) => [a.id, a.name, a.open])).toEqual([
      ['u_gone', 'u_gone', 2],
      [ann.id, 'Ann', 1],
    ])
    expect(w.teams.map((t) => [t.id, t.name, t.open])).toEqual([
      ['praha', 'praha', 1],
      [null, null, 2],
    ])
  })

  it('leaves closed tickets out and ignores the period filter, since open work is open whenever it began', async () => {
    const s = await storeWith(
      [ann],
      [
        { ageMin: 60 * 24 * 30, assigneeId: ann.id },
        { ageMin: 10, assigneeId: ann.id, status: 'closed' },
      ],
    )
    const w = await computeWorkload(s, { from: minutesBefore(60), to: NOW }, NOW)
    expect(w).toEqual({
      at: NOW,
      total: 1,
      agents: [
        {
          id: ann.id,
          name: 'Ann',
          open: 1,
          overdue: 0,
          oldestMs: 30 * 24 * 60 * MIN,
          avgAgeMs: 30 * 24 * 60 * MIN,
        },
      ],
      teams: [
        {
          id: 'praha',
          name: 'praha',
          open: 1,
          overdue: 0,
          oldestMs: 30 * 24 * 60 * MIN,
          avgAgeMs: 30 * 24 * 60 * MIN,
        },
      ],
    })
  })
})
