import { afterEach, describe, expect, it } from 'vitest'
import { Problem } from '../../server/http/problem.ts'
import type { SqliteStorage } from '../../server/storage/sqlite.ts'
import { openTicket, setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
afterEach(async () => ctx?.storage.close())

/** A new ticket (two records: created, claimed) and the SQLite database under it. */
async function ticket() {
  ctx = await setup()
  const { id } = await openTicket(ctx)
  expect((await ctx.call('POST', `/api/tickets/${id}/claim`, ctx.tokens.agent, { version: 1 })).status).toBe(
    200,
  )
  const db = (ctx.storage as SqliteStorage).db
  return { id, db, verify: (options?: { ledger?: boolean }) => ctx.sopflow.tickets.verify(id, options) }
}

describe('verifying a ticket', () => {
  it('passes an intact ticket, its records proved in the ledger unless told not to check it', async () => {
    const { verify } = await ticket()
    const v = await verify()
    expect(v.ok).toBe(true)
    expect(v.problems).toEqual([])
    expect(v.ticket.ok).toBe(true)
    expect(v.ledger).toEqual({ ok: true, size: 2, problems: [] })
    const without = await verify({ ledger: false })
    expect(without.ok).toBe(true)
    expect(without.ledger).toBeUndefined()
    expect((await verify({ ledger: true })).ledger?.ok).toBe(true)
  })

  it('refuses a ticket that does not exist', async () => {
    await ticket()
    const err = await ctx.sopflow.tickets.verify('T-NOPE').catch((e) => e)
    expect(err).toBeInstanceOf(Problem)
    expect(err.status).toBe(404)
    expect(err.message).toMatch(/T-NOPE/)
  })

  it("names a priority rank that is not the ticket's priority's", async () => {
    const { id, db, verify } = await ticket()
    db.prepare('UPDATE tickets SET priority_rank = 3 WHERE id = ?').run(id)
    const v = await verify()
    const message = 'ticket priority rank is 3, but its priority normal ranks 1'
    expect(v.ok).toBe(false)
    expect(v.problems).toEqual([message])
    expect(v.ticket.ok).toBe(false)
    expect(v.ticket.problems).toEqual([{ field: 'priorityRank', message }])
    db.prepare("UPDATE tickets SET priority = 'urgent' WHERE id = ?").run(id)
    const urgent = await verify({ ledger: false })
    expect(urgent.problems.filter((p) => p.startsWith('ticket priority rank'))).toEqual([])
  })

  it('reports a ticket whose SOP version cannot be loaded as failing every check, with the reason', async () => {
    const { id, db, verify } = await ticket()
    db.prepare('UPDATE tickets SET sop_version = 99 WHERE id = ?').run(id)
    const v = await verify()
    expect(v.problems).toHaveLength(1)
    const message = v.problems[0]
    expect(message).toMatch(/^the ticket's SOP version support-ticket@99 cannot be loaded: \S/)
    expect(v).toEqual({
      ok: false,
      chain: { ok: false, length: 2, reason: message },
      replay: { ok: false, records: 0, reason: message },
      ticket: { ok: false, checked: false, problems: [{ field: 'sopId', message }] },
      problems: [message],
    })
  })

  it('names a stored SOP document changed after it was published', async () => {
    const { db, verify } = await ticket()
    const hash = (
      db.prepare("SELECT hash FROM sop_versions WHERE sop_id = 'support-ticket'").get() as { hash: string }
    ).hash
    db.exec('DROP TRIGGER sop_versions_immutable_update')
    db.prepare("UPDATE sop_versions SET document = document || ' ' WHERE sop_id = 'support-ticket'").run()
    const v = await verify({ ledger: false })
    expect(v.ok).toBe(false)
    expect(v.problems).toEqual([
      `the stored document of SOP support-ticket version 1 does not match its hash ${hash}`,
    ])
  })

  it("fails a ticket whose records the ledger does not prove, naming each as the ledger's problem", async () => {
    const { id, db, verify } = await ticket()
    db.exec('DROP TRIGGER audit_append_only_update')
    db.prepare('UPDATE audit SET leaf = 99 WHERE ticket_id = ? AND seq = 1').run(id)
    const v = await verify()
    expect(v.ok).toBe(false)
    expect(v.ledger?.ok).toBe(false)
    expect(v.problems).toEqual(['ledger: record 1 names no leaf of the ledger (99)'])
    expect((await verify({ ledger: false })).ok).toBe(true)
  })
})
