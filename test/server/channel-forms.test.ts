import { afterEach, describe, expect, it } from 'vitest'
import { importSop } from '../../server/start.ts'
import { setup } from './helpers.ts'

let ctx: Awaited<ReturnType<typeof setup>>
afterEach(async () => ctx?.storage.close())

/** A one-step SOP an agent closes with one action. */
const QUICK = {
  schema: 'sopflow/v1',
  id: 'quick',
  title: 'Quick answer',
  department: 'Support',
  purpose: 'A request answered and closed in one step.',
  fields: [{ name: 'note', label: 'Note', type: 'text' }],
  initial: 'answer',
  steps: [
    { id: 'answer', kind: 'task', title: 'Answer', roles: ['agent'] },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [{ id: 'finish', from: 'answer', to: 'done', action: 'finish', label: 'Finish' }],
}

describe('public forms and status links', () => {
  it('a form opens a ticket and a status link; revoked, the link shows nothing', async () => {
    ctx = await setup()
    await ctx.call('POST', '/api/channels', ctx.tokens.owner, {
      kind: 'form',
      name: 'Contact',
      address: 'contact',
      sopId: 'support-ticket',
    })
    const sent = await ctx.call('POST', '/api/public/forms/contact', null, {
      name: 'Hoa',
      phone: '0901234567',
      subject: 'Refund',
      message: 'Charged twice',
    })
    expect(sent.status).toBe(201)
    expect(sent.body.reference).toBe('T-1001')
    const page = await ctx.call('GET', `/api/public/status/${sent.body.token}`, null)
    expect(page.body).toMatchObject({ reference: sent.body.reference, subject: 'Refund', status: 'open' })
    const ticketId = (await ctx.storage.listTickets({ channel: 'web', now: '', limit: 5, offset: 0 }))[0].id
    const customer = await ctx.storage.getCustomer((await ctx.storage.getTicket(ticketId))!.customerId!)
    expect(customer).toMatchObject({ name: 'Hoa', phone: '+84901234567' })
    const revoked = await ctx.call(
      'POST',
      `/api/tickets/${ticketId}/status-links/revoke`,
      ctx.tokens.agent,
      {},
    )
    expect(revoked.body).toEqual({ revoked: 1 })
    expect((await ctx.call('GET', `/api/public/status/${sent.body.token}`, null)).status).toBe(404)
    expect(
      (await ctx.call('POST', `/api/public/status/${sent.body.token}/replies`, null, { text: 'hello?' }))
        .status,
    ).toBe(404)
    const guessed = await ctx.call('GET', '/api/public/status/sf_guess', null)
    expect(guessed.status).toBe(404)
  })

  it('a reply on a closed ticket opens a linked follow-up on the same SOP', async () => {
    ctx = await setup()
    const admin = (await ctx.storage.listUsers()).find((u) => u.role === 'admin')!
    await importSop(ctx.storage, QUICK, admin.id, ctx.clock().toISOString())
    const hook = await ctx.call('POST', '/api/channels', ctx.tokens.owner, {
      kind: 'webhook',
      name: 'Chat',
      address: 'chat',
      sopId: 'quick',
    })
    const conn = (await ctx.storage.channels.getConnection(hook.body.id))!
    const first = await ctx.sopflow.channels.conversations.receive(conn, {
      channel: 'chat',
      sender: { handle: '@hoa' },
      subject: 'Where is my parcel?',
      text: 'Where is my parcel?',
      conversationId: 'c1',
      externalId: 'm1',
    })
    const t = await ctx.call('GET', `/api/tickets/${first.ticketId}`, ctx.tokens.agent)
    const done = await ctx.call('POST', `/api/tickets/${first.ticketId}/actions`, ctx.tokens.agent, {
      action: 'finish',
      version: t.body.ticket.version,
    })
    expect(done.body.ticket.status).toBe('closed')
    const again = await ctx.sopflow.channels.conversations.receive(conn, {
      channel: 'chat',
      sender: { handle: '@hoa' },
      subject: 'Still nothing',
      text: 'Still nothing',
      conversationId: 'c1',
      externalId: 'm2',
    })
    expect(again.status).toBe('opened')
    expect(again.ticketId).not.toBe(first.ticketId)
    const conv = await ctx.call('GET', `/api/tickets/${again.ticketId}/conversation`, ctx.tokens.agent)
    expect(conv.body.messages[0]).toMatchObject({ text: 'Still nothing', followsTicketId: first.ticketId })
    expect((await ctx.storage.getTicket(again.ticketId!))?.sopId).toBe('quick')
  })
})
