import { afterEach, describe, expect, it } from 'vitest'
import { openTicket, setup } from './helpers.ts'

// The rules of the customer routes: blanks kept as nothing, a search that narrows, a customer's
// tickets as their reader may see them, changes that keep what is not theirs to change, and
// surveys attached only to the same customer's ticket.

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
afterEach(async () => {
  await ctx?.storage.close()
})

const add = async (c: Ctx, body: Record<string, unknown>) => {
  const r = await c.call('POST', '/api/customers', c.tokens.agent, body)
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return r.body
}

describe('customer routes', () => {
  it('keeps blank contact details as none, with both times the clock’s', async () => {
    ctx = await setup()
    const c = await add(ctx, { name: 'Nguyen Van An', phone: '', email: '', address: '' })
    expect(c).toEqual({
      id: c.id,
      name: 'Nguyen Van An',
      phone: null,
      email: null,
      address: null,
      segment: null,
      createdAt: ctx.clock().toISOString(),
      updatedAt: ctx.clock().toISOString(),
    })
    expect(c.id).toMatch(/^c_/)
    const full = await add(ctx, {
      name: 'Tran Thi Binh',
      phone: '+84 90 123',
      email: 'binh@example.com',
      address: 'Hanoi',
      segment: 'loyal',
    })
    expect(full).toMatchObject({
      phone: '+84 90 123',
      email: 'binh@example.com',
      address: 'Hanoi',
      segment: 'loyal',
    })
  })

  it('a search narrows to the customers it names; without one, all are listed', async () => {
    ctx = await setup()
    await add(ctx, { name: 'Nguyen Van An' })
    await add(ctx, { name: 'Tran Thi Binh' })
    const found = (await ctx.call('GET', '/api/customers?q=Binh', ctx.tokens.agent)).body
    expect(found.map((c: any) => c.name)).toEqual(['Tran Thi Binh'])
    const all = (await ctx.call('GET', '/api/customers', ctx.tokens.agent)).body
    expect(all.map((c: any) => c.name).sort()).toEqual(['Nguyen Van An', 'Tran Thi Binh'])
  })

  it('a customer comes with their tickets (without machine state) and surveys, as the reader may see them', async () => {
    ctx = await setup()
    const an = await add(ctx, { name: 'Nguyen Van An' })
    const binh = await add(ctx, { name: 'Tran Thi Binh' })
    const t = await openTicket(ctx, { customerId: an.id })
    await openTicket(ctx, { customerId: binh.id })
    await ctx.call('POST', `/api/customers/${an.id}/surveys`, ctx.tokens.agent, { ticketId: t.id, csat: 5 })
    await ctx.call('POST', `/api/customers/${binh.id}/surveys`, ctx.tokens.agent, { csat: 1 })
    const r = (await ctx.call('GET', `/api/customers/${an.id}`, ctx.tokens.supervisor)).body
    expect(r).toMatchObject({ id: an.id, name: 'Nguyen Van An' })
    expect(r.tickets.map((x: any) => x.id)).toEqual([t.id])
    expect(Object.keys(r.tickets[0])).not.toContain('state')
    expect(r.surveys.map((s: any) => [s.ticketId, s.csat])).toEqual([[t.id, 5]])
    // Once a Hanoi agent has it, an agent of another team does not see it through the customer.
    expect(
      (await ctx.call('POST', `/api/tickets/${t.id}/claim`, ctx.tokens.agent, { version: t.version })).status,
    ).toBe(200)
    const other = await ctx.call('POST', '/api/users', ctx.tokens.admin, {
      name: 'Saigon agent',
      role: 'agent',
      team: 'saigon',
    })
    const seen = (await ctx.call('GET', `/api/customers/${an.id}`, other.body.token)).body
    expect(seen.tickets).toEqual([])
    const missing = await ctx.call('GET', '/api/customers/c_none', ctx.tokens.agent)
    expect(missing.status).toBe(404)
    expect(missing.body.params).toEqual({ kind: 'customer', id: 'c_none' })
  })

  it('a change keeps the id and creation time, clears blanks and an omitted segment, and dates itself', async () => {
    ctx = await setup()
    const c = await add(ctx, {
      name: 'An',
      phone: '1',
      email: 'an@example.com',
      address: 'Hue',
      segment: 'loyal',
    })
    ctx.clock.advance(60_000)
    const r = await ctx.call('PUT', `/api/customers/${c.id}`, ctx.tokens.agent, {
      name: 'Nguyen Van An',
      phone: '',
      email: '',
      address: '',
    })
    expect(r.status).toBe(200)
    expect(r.body).toEqual({
      id: c.id,
      name: 'Nguyen Van An',
      phone: null,
      email: null,
      address: null,
      segment: null,
      createdAt: c.createdAt,
      updatedAt: ctx.clock().toISOString(),
    })
    expect((await ctx.call('GET', `/api/customers/${c.id}`, ctx.tokens.agent)).body).toMatchObject(r.body)
    const missing = await ctx.call('PUT', '/api/customers/c_none', ctx.tokens.agent, { name: 'X' })
    expect(missing.status).toBe(404)
    expect(missing.body.params).toEqual({ kind: 'customer', id: 'c_none' })
  })

  it('a survey names its ticket only if it is the same customer’s, and keeps what was not answered as none', async () => {
    ctx = await setup()
    const an = await add(ctx, { name: 'An' })
    const binh = await add(ctx, { name: 'Binh' })
    const hers = await openTicket(ctx, { customerId: binh.id })
    const wrong = await ctx.call('POST', `/api/customers/${an.id}/surveys`, ctx.tokens.agent, {
      ticketId: hers.id,
      csat: 4,
    })
    expect(wrong.status).toBe(422)
    expect(wrong.body.code).toBe('survey_other_customer')
    expect(wrong.body.params).toEqual({ ticketId: hers.id, customerId: an.id })
    const unknown = await ctx.call('POST', `/api/customers/${an.id}/surveys`, ctx.tokens.agent, {
      ticketId: 't_none',
      csat: 4,
    })
    expect(unknown.status).toBe(404)
    expect(unknown.body.params).toEqual({ kind: 'ticket', id: 't_none' })
    const nobody = await ctx.call('POST', '/api/customers/c_none/surveys', ctx.tokens.agent, { csat: 4 })
    expect(nobody.status).toBe(404)
    expect(nobody.body.params).toEqual({ kind: 'customer', id: 'c_none' })
    expect((await ctx.call('GET', `/api/customers/${an.id}`, ctx.tokens.agent)).body.surveys).toEqual([])
    const ok = await ctx.call('POST', `/api/customers/${binh.id}/surveys`, ctx.tokens.agent, {
      ticketId: hers.id,
      nps: 9,
    })
    expect(ok.status).toBe(201)
    expect(ok.body).toEqual({
      id: ok.body.id,
      customerId: binh.id,
      ticketId: hers.id,
      csat: null,
      nps: 9,
      ces: null,
      comment: null,
      at: ctx.clock().toISOString(),
      createdBy: ctx.users.agent,
    })
    expect(ok.body.id).toMatch(/^s_/)
  })
})
