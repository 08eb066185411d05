import { afterEach, describe, expect, it } from 'vitest'
import { searchForAudit, ticketSummaries } from '../../server/services/auditSearch.ts'
import type { SqliteStorage } from '../../server/storage/sqlite.ts'
import { openTicket, setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
afterEach(async () => ctx?.storage.close())

async function customer(name: string) {
  const c = await ctx.call('POST', '/api/customers', ctx.tokens.agent, { name, phone: '+84 90 777 8888' })
  expect(c.status).toBe(201)
  return c.body.id as string
}

const open = async (subject: string, customerId?: string) =>
  (await openTicket(ctx, { channel: 'email', subject, customerId })).id

const summaries = async (...ids: string[]) => {
  const rows = await Promise.all(ids.map(async (id) => (await ctx.storage.getTicket(id))!))
  return ticketSummaries(ctx.storage, ctx.sopflow.tickets, rows)
}

describe('the audit list of tickets', () => {
  it('gives each ticket its fields, the SOP title, the step titles, the names and the verification', async () => {
    ctx = await setup()
    const hoa = await customer('Nguyễn Thị Hoa')
    const id = await open('Card charged twice', hoa)
    expect(
      (await ctx.call('POST', `/api/tickets/${id}/claim`, ctx.tokens.agent, { version: 1 })).status,
    ).toBe(200)
    const row = (await ctx.storage.getTicket(id))!
    const agent = (await ctx.storage.listUsers()).find((u) => u.id === row.assigneeId)!
    const sop = await ctx.sopflow.tickets.sopFor(row.sopId, row.sopVersion)
    const [item] = await summaries(id)
    expect(item).toEqual({
      id,
      subject: 'Card charged twice',
      sopId: 'support-ticket',
      sopTitle: sop.document.title,
      sopVersion: 1,
      channel: 'email',
      status: 'open',
      outcome: null,
      createdAt: row.createdAt,
      closedAt: null,
      customerName: 'Nguyễn Thị Hoa',
      assigneeId: agent.id,
      assigneeName: agent.name,
      stepTitles: row.steps.map((s) => sop.steps.get(s)!.title),
      verified: true,
    })
    expect(item.stepTitles.length).toBeGreaterThan(0)
    expect(item.stepTitles).not.toEqual(row.steps)
  })

  it('has no names for a ticket with no customer and no assignee', async () => {
    ctx = await setup()
    const id = await open('No one yet')
    const [item] = await summaries(id)
    expect(item.customerName).toBeNull()
    expect(item.assigneeId).toBeNull()
    expect(item.assigneeName).toBeNull()
  })

  it('keeps a customer name the row carries, looks up the others once per customer', async () => {
    ctx = await setup()
    const jana = await customer('Jana Dvořáková')
    const a = await open('First', jana)
    const b = await open('Second', jana)
    const rows = await Promise.all([a, b].map(async (id) => (await ctx.storage.getTicket(id))!))
    const given = await ticketSummaries(ctx.storage, ctx.sopflow.tickets, [
      { ...rows[0], customerName: 'Given on the row' },
      rows[1],
    ])
    expect(given.map((i) => i.customerName)).toEqual(['Given on the row', 'Jana Dvořáková'])
    const both = await ticketSummaries(ctx.storage, ctx.sopflow.tickets, rows)
    expect(both.map((i) => i.customerName)).toEqual(['Jana Dvořáková', 'Jana Dvořáková'])
  })

  it('shows the id of an assignee or a step it does not know, and an unverified ticket as such', async () => {
    ctx = await setup()
    const id = await open('Tampered')
    const row = (await ctx.storage.getTicket(id))!
    const [item] = await ticketSummaries(ctx.storage, ctx.sopflow.tickets, [
      { ...row, assigneeId: 'U-GONE', steps: [...row.steps, 'no_such_step'] },
    ])
    expect(item.assigneeId).toBe('U-GONE')
    expect(item.assigneeName).toBe('U-GONE')
    expect(item.stepTitles.at(-1)).toBe('no_such_step')
    const db = (ctx.storage as SqliteStorage).db
    db.exec('DROP TRIGGER audit_append_only_update')
    db.prepare("UPDATE audit SET payload = replace(payload, 'Tampered', 'Changed') WHERE ticket_id = ?").run(
      id,
    )
    const [after] = await summaries(id)
    expect(after.verified).toBe(false)
  })

  it("searches a page of tickets with the search's total", async () => {
    ctx = await setup()
    const ids = [await open('One'), await open('Two'), await open('Three')]
    const page = await searchForAudit(ctx.storage, ctx.sopflow.tickets, { limit: 2, offset: 0 })
    expect(page.total).toBe(3)
    expect(page.items).toHaveLength(2)
    for (const item of page.items) expect(ids).toContain(item.id)
  })
})
