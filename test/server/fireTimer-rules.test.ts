import { afterEach, describe, expect, it } from 'vitest'
import type { SqliteStorage } from '../../server/storage/sqlite.ts'
import { openTicket, setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
afterEach(async () => ctx?.storage.close())

/** A new support ticket, claimed, with its SLA timer. */
async function ticketWithTimer() {
  ctx = await setup()
  const { id } = await openTicket(ctx)
  const timers = await ctx.storage.listTimers(id)
  const sla = timers.find((t) => t.kind === 'sla')
  expect(sla).toBeDefined()
  return { id, timer: sla!, db: (ctx.storage as SqliteStorage).db }
}

const fire = (ticketId: string, timerId: string) => ctx.sopflow.tickets.fireTimer(ticketId, timerId)
const records = async (id: string) => (await ctx.storage.getAudit(id)).map((a) => a.type)

describe('firing a timer', () => {
  it('is gone for a ticket or a timer that does not exist, and changes nothing', async () => {
    const { id, timer } = await ticketWithTimer()
    const before = await ctx.storage.getTicket(id)
    expect(await fire('T-NOPE', timer.id)).toBe('gone')
    expect(await fire(id, 'sla:nothing:1')).toBe('gone')
    expect(await ctx.storage.getTicket(id)).toEqual(before)
    expect(await ctx.storage.listTimers(id)).toContainEqual(timer)
  })

  it('is stale before it is due and keeps the timer for later', async () => {
    const { id, timer } = await ticketWithTimer()
    const before = await ctx.storage.getTicket(id)
    expect(await fire(id, timer.id)).toBe('stale')
    expect(await ctx.storage.getTicket(id)).toEqual(before)
    expect(await ctx.storage.listTimers(id)).toContainEqual(timer)
  })

  it('fires once due: one timer record by the system, the ticket a version on, the timer removed', async () => {
    const { id, timer } = await ticketWithTimer()
    const before = (await ctx.storage.getTicket(id))!
    ctx.clock.advance(Date.parse(timer.dueAt) - ctx.clock().getTime() + 1000)
    expect(await fire(id, timer.id)).toBe('fired')
    const after = (await ctx.storage.getTicket(id))!
    expect(after.version).toBe(before.version + 1)
    expect(after.auditSeq).toBe(before.auditSeq + 1)
    const audit = await ctx.storage.getAudit(id)
    const last = audit.at(-1)!
    expect(last.type).toBe('timer')
    expect([last.actorId, last.role]).toEqual(['system', 'system'])
    expect(last.seq).toBe(before.auditSeq)
    const record = (last.payload as { record: Record<string, unknown> }).record
    expect(record).toMatchObject({
      kind: 'timer',
      timerId: timer.id,
      actor: { id: 'system', role: 'system' },
    })
    expect(after.auditHead).toBe(last.hash)
    expect((await ctx.storage.listTimers(id)).map((t) => t.id)).not.toContain(timer.id)
    expect((await ctx.sopflow.tickets.verify(id, { ledger: false })).ok).toBe(true)
    // Fired once: a second call finds it gone and records nothing.
    expect(await fire(id, timer.id)).toBe('gone')
    expect(await records(id)).toEqual(audit.map((a) => a.type))
  })

  it('removes without a record a timer that no longer applies to its step', async () => {
    const { id, timer, db } = await ticketWithTimer()
    // The same step's SLA, but for an earlier visit of it than the ticket's current one.
    const old = `sla:${timer.stepId}:999`
    db.prepare(
      'INSERT INTO timers (ticket_id, id, kind, step_id, transition_id, due_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(id, old, 'sla', timer.stepId, null, timer.dueAt)
    const before = (await ctx.storage.getTicket(id))!
    const audit = await records(id)
    ctx.clock.advance(Date.parse(timer.dueAt) - ctx.clock().getTime() + 1000)
    expect(await fire(id, old)).toBe('stale')
    const ids = (await ctx.storage.listTimers(id)).map((t) => t.id)
    expect(ids).not.toContain(old)
    expect(ids).toContain(timer.id)
    expect(await records(id)).toEqual(audit)
    const after = (await ctx.storage.getTicket(id))!
    expect(after.state).toEqual(before.state)
  })
})
