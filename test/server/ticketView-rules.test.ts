import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { openTicket, setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
afterEach(async () => ctx?.storage.close())

const open = async (customerId?: string, sopId = 'support-ticket') =>
  (await openTicket(ctx, { customerId, sopId })).id

/** The shipped support-ticket example, whose contact fields are bound to the customer's details. */
async function publishShipped() {
  const doc = { ...JSON.parse(readFileSync('examples/support-ticket.json', 'utf8')), id: 'support-bound' }
  expect((await ctx.call('POST', '/api/sops', ctx.tokens.owner, { document: doc })).status).toBe(201)
  expect((await ctx.call('POST', '/api/sops/support-bound/publish', ctx.tokens.owner)).status).toBe(201)
}

const row = async (id: string) => (await ctx.storage.getTicket(id))!
const agentUser = async () => (await ctx.storage.listUsers()).find((u) => u.role === 'agent')!

describe('the desk view of a ticket', () => {
  it("names the SOP and the assignee, or the assignee's id when the user is not known", async () => {
    ctx = await setup()
    const id = await open()
    expect(
      (await ctx.call('POST', `/api/tickets/${id}/claim`, ctx.tokens.agent, { version: 1 })).status,
    ).toBe(200)
    const agent = await agentUser()
    const t = await row(id)
    const sop = await ctx.sopflow.tickets.sopFor(t.sopId, t.sopVersion)
    const view = await ctx.sopflow.tickets.view(agent, t)
    expect(view.ticket).toEqual(t)
    expect(view.assignee).toEqual({ id: agent.id, name: agent.name })
    expect(view.sop).toEqual({ id: 'support-ticket', version: t.sopVersion, title: sop.document.title })
    expect(view.customer).toBeNull()
    expect(view.notes).toEqual([])
    expect(view.prompt.steps.length).toBeGreaterThan(0)
    const unknown = await ctx.sopflow.tickets.view(agent, {
      ...t,
      assigneeId: 'U-GONE',
      version: t.version + 100,
    })
    expect(unknown.assignee).toEqual({ id: 'U-GONE', name: 'U-GONE' })
    const nobody = await ctx.sopflow.tickets.view(null, { ...t, assigneeId: null, version: t.version + 200 })
    expect(nobody.assignee).toBeNull()
  })

  it("offers the customer's details that the ticket's empty bound fields could take, only while open", async () => {
    ctx = await setup()
    const c = await ctx.call('POST', '/api/customers', ctx.tokens.agent, { name: 'Nguyễn Thị Hoa' })
    expect(c.status).toBe(201)
    await publishShipped()
    const id = await open(c.body.id, 'support-bound')
    const t = await row(id)
    // Filled from the customer when the ticket was opened, so nothing is left to offer.
    expect(t.state.context.fields.customer_name).toBe('Nguyễn Thị Hoa')
    const agent = await agentUser()
    expect((await ctx.sopflow.tickets.view(agent, t)).bound).toEqual({})
    // The customer's phone and e-mail become known later: the empty fields are offered them.
    const put = await ctx.call('PUT', `/api/customers/${c.body.id}`, ctx.tokens.agent, {
      name: 'Hoa Nguyễn',
      phone: '+84 90 123 4567',
      email: 'hoa@example.com',
    })
    expect(put.status).toBe(200)
    const view = await ctx.sopflow.tickets.view(agent, t)
    expect(view.customer?.email).toBe('hoa@example.com')
    expect(view.bound).toEqual({ contact_phone: '+84 90 123 4567', contact_email: 'hoa@example.com' })
    // A field emptied again is offered too; one the ticket holds is not.
    const fields = { ...t.state.context.fields, contact_phone: '' }
    const emptied = { ...t.state, context: { ...t.state.context, fields } }
    const again = await ctx.sopflow.tickets.view(agent, { ...t, state: emptied, version: t.version + 2 })
    expect(again.bound).toEqual({ contact_phone: '+84 90 123 4567', contact_email: 'hoa@example.com' })
    const none = { ...t.state, context: { ...t.state.context, fields: {} } }
    const all = await ctx.sopflow.tickets.view(agent, { ...t, state: none, version: t.version + 3 })
    expect(all.bound).toEqual({
      customer_name: 'Hoa Nguyễn',
      contact_phone: '+84 90 123 4567',
      contact_email: 'hoa@example.com',
    })
    const closed = await ctx.sopflow.tickets.view(agent, { ...t, status: 'closed', version: t.version + 1 })
    expect(closed.bound).toEqual({})
  })

  it('lists the notes with their author, visibility and time, in order', async () => {
    ctx = await setup()
    const id = await open()
    for (const text of ['First call', 'Called back'])
      expect((await ctx.call('POST', `/api/tickets/${id}/notes`, ctx.tokens.agent, { text })).status).toBe(
        201,
      )
    const agent = await agentUser()
    const t = await row(id)
    const audit = (await ctx.storage.getAudit(id)).filter((a) => a.type === 'note')
    const view = await ctx.sopflow.tickets.view(agent, t)
    expect(view.notes).toEqual(
      audit.map((a) => ({
        seq: a.seq,
        at: a.at,
        authorId: agent.id,
        text: (a.payload as { text: string }).text,
        visibility: 'internal',
      })),
    )
    expect(view.notes.map((n) => n.text)).toEqual(['First call', 'Called back'])
  })
})
