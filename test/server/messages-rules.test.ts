import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.ts'
import type { Incoming } from '../../server/channels/messages.ts'
import { importSop } from '../../server/start.ts'
import type { Connection } from '../../server/storage/channelTypes.ts'
import { setup } from './helpers.ts'

// The rules of a customer's messages (server/channels/messages.ts): who opens their tickets, what
// of a message is kept and how, which ticket a message continues, what a follow-up shows, and
// deliveries of one message racing on two servers.

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
afterEach(async () => {
  await ctx?.storage.close()
})

/** The support SOP with a reply on a closed ticket reopening it at `answer`. */
const REOPENS = {
  schema: 'sopflow/v1',
  id: 'reopens',
  title: 'Answer and close',
  department: 'Support',
  purpose: 'A request answered in one step, reopened when the customer writes again.',
  closedReply: { mode: 'reopen', step: 'answer' },
  fields: [{ name: 'order', label: 'Order number', type: 'number' }],
  initial: 'answer',
  steps: [
    { id: 'answer', kind: 'task', title: 'Answer', roles: ['agent'] },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [{ id: 'finish', from: 'answer', to: 'done', action: 'finish', label: 'Finish' }],
}

async function connection(c: Ctx, sopId = 'support-ticket', kind = 'webhook'): Promise<Connection> {
  if (sopId === 'reopens') {
    const admin = (await c.storage.listUsers()).find((u) => u.role === 'admin')!
    await importSop(c.storage, REOPENS, admin.id, c.clock().toISOString())
  }
  const r = await c.call('POST', '/api/channels', c.tokens.owner, {
    kind,
    name: 'Chat line',
    address: kind === 'email' ? `help-${sopId}@bank.example` : `chat-${sopId}`,
    sopId,
  })
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return (await c.storage.channels.getConnection(r.body.id))!
}

const chat = (over: Partial<Incoming> = {}): Incoming => ({
  channel: 'chat',
  sender: { handle: '@hoa', name: 'Hoa' },
  subject: 'Thẻ bị khoá',
  text: 'Tôi không rút được tiền.',
  ...over,
})
const receive = (c: Ctx, conn: Connection, m: Incoming) => c.sopflow.channels.conversations.receive(conn, m)

async function close(c: Ctx, ticketId: string, action: string) {
  const t = (await c.call('GET', `/api/tickets/${ticketId}`, c.tokens.agent)).body.ticket
  const r = await c.call('POST', `/api/tickets/${ticketId}/actions`, c.tokens.agent, {
    action,
    version: t.version,
  })
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  expect(r.body.ticket.status).toBe('closed')
}

describe('customer messages', () => {
  it('a ticket a channel opens is created in the connection’s own name, as an agent', async () => {
    ctx = await setup()
    const conn = await connection(ctx)
    const r = await receive(ctx, conn, chat())
    const [created] = await ctx.storage.getAudit(r.ticketId!, ['created'])
    expect(created).toMatchObject({ actorId: `channel:${conn.id}`, role: 'agent' })
    const view = await ctx.call('GET', `/api/tickets/${r.ticketId}/history`, ctx.tokens.auditor)
    expect(JSON.stringify(view.body)).toContain('Chat line')
  })

  it('keeps the sender’s name and the subject trimmed, a blank subject as “(no subject)”, at most 300 characters, and no refs as none', async () => {
    ctx = await setup()
    const conn = await connection(ctx)
    const a = await receive(
      ctx,
      conn,
      chat({ sender: { handle: ' @lan ', name: '  Lan  ' }, subject: '  Hi  ' }),
    )
    const b = await receive(
      ctx,
      conn,
      chat({ sender: { handle: '@minh', name: '   ' }, subject: '   ', conversationId: 'x' }),
    )
    const long = await receive(ctx, conn, chat({ sender: { handle: '@vy' }, subject: 'x'.repeat(400) }))
    const [ma] = await ctx.storage.channels.messagesOfTicket(a.ticketId!)
    const [mb] = await ctx.storage.channels.messagesOfTicket(b.ticketId!)
    const [ml] = await ctx.storage.channels.messagesOfTicket(long.ticketId!)
    expect([ma.sender, ma.senderName, ma.subject, ma.refs, ma.id.startsWith('msg_')]).toEqual([
      '@lan',
      'Lan',
      'Hi',
      [],
      true,
    ])
    expect([mb.senderName, mb.subject]).toEqual([null, '(no subject)'])
    expect(ml.subject).toBe('x'.repeat(300))
    expect((await ctx.storage.getTicket(b.ticketId!))?.subject).toBe('(no subject)')
  })

  it('an auto-reply is kept without a ticket, and says so in full', async () => {
    ctx = await setup()
    const conn = await connection(ctx)
    const r = await receive(ctx, conn, chat({ noise: true, externalId: 'n-1' }))
    expect(r).toEqual({
      messageId: r.messageId,
      ticketId: null,
      reference: null,
      status: 'noise',
      duplicate: false,
    })
    expect(r.messageId).toMatch(/^msg_/)
  })

  it('a message continues its ticket by the ids it answers, a reference or number in its subject, or its conversation; a new ticket’s subject drops the reference', async () => {
    ctx = await setup()
    const conn = await connection(ctx)
    const first = await receive(ctx, conn, chat({ externalId: 'e-1', conversationId: 'conv-1' }))
    const t = (await ctx.storage.getTicket(first.ticketId!))!
    const answer = {
      messageId: first.messageId,
      ticketId: first.ticketId,
      status: 'threaded',
      duplicate: false,
    }
    const byRefs = await receive(ctx, conn, chat({ sender: { handle: '@x' }, refs: ['e-1'], subject: 'Re' }))
    expect(byRefs).toMatchObject({ ...answer, messageId: byRefs.messageId, reference: first.reference })
    const byRef = await receive(
      ctx,
      conn,
      chat({ sender: { handle: '@y' }, subject: `Re: [#${first.reference}]` }),
    )
    expect(byRef).toMatchObject({ ticketId: first.ticketId, status: 'threaded', duplicate: false })
    expect(first.reference).toBe(`T-${t.number}`)
    // Numbers have more than one digit (they start at 1001).
    expect(t.number).toBeGreaterThan(9)
    // The older reference: the start of the ticket's id.
    const prefix = t.id.replace(/^t_/, '').slice(0, 8)
    const byPrefix = await receive(
      ctx,
      conn,
      chat({ sender: { handle: '@z' }, subject: `[#T-${prefix}] again` }),
    )
    expect(byPrefix.ticketId).toBe(first.ticketId)
    const byConversation = await receive(ctx, conn, chat({ conversationId: 'conv-1', subject: 'More' }))
    expect(byConversation.ticketId).toBe(first.ticketId)
    // A reference to no ticket, in another conversation: a new ticket, its subject without it.
    const other = await receive(
      ctx,
      conn,
      chat({ subject: '[#T-99999] New question', conversationId: 'conv-2' }),
    )
    expect(other.ticketId).not.toBe(first.ticketId)
    expect((await ctx.storage.getTicket(other.ticketId!))?.subject).toBe('New question')
    const bare = await receive(ctx, conn, chat({ subject: '[#T-99998]', conversationId: 'conv-3' }))
    expect((await ctx.storage.getTicket(bare.ticketId!))?.subject).toBe('[#T-99998]')
    // The same conversation on another connection is another conversation.
    const conn2 = await connection(ctx, 'support-ticket', 'email')
    const elsewhere = await receive(
      ctx,
      conn2,
      chat({ channel: 'email', conversationId: 'conv-1', subject: 'Hi' }),
    )
    expect(elsewhere.ticketId).not.toBe(first.ticketId)
  })

  it('a reply on a closed ticket reopens it when its SOP says so, else opens a follow-up that shows what it follows', async () => {
    ctx = await setup()
    const reopens = await connection(ctx, 'reopens')
    const a = await receive(ctx, reopens, chat({ conversationId: 'r-1' }))
    await close(ctx, a.ticketId!, 'finish')
    const again = await receive(ctx, reopens, chat({ conversationId: 'r-1', subject: 'Still broken' }))
    expect(again).toEqual({
      messageId: again.messageId,
      ticketId: a.ticketId,
      reference: a.reference,
      status: 'reopened',
      duplicate: false,
    })
    expect((await ctx.storage.getTicket(a.ticketId!))?.status).toBe('open')

    const follows = await connection(ctx)
    const b = await receive(ctx, follows, chat({ conversationId: 'f-1', sender: { handle: '@an' } }))
    const closed = (await ctx.storage.getTicket(b.ticketId!))!
    await close(ctx, b.ticketId!, 'cancel')
    const next = await receive(ctx, follows, chat({ conversationId: 'f-1', sender: { handle: '@an' } }))
    expect(next.status).toBe('opened')
    expect(next.ticketId).not.toBe(b.ticketId)
    const shown = await ctx.sopflow.channels.conversations.conversation(next.ticketId!)
    expect(shown.map((m) => [m.followsTicketId, m.followsReference])).toEqual([[b.ticketId, b.reference]])
    expect(b.reference).toBe(`T-${closed.number}`)
    const firstShown = await ctx.sopflow.channels.conversations.conversation(b.ticketId!)
    expect(firstShown.map((m) => m.followsReference)).toEqual([null])
    expect(firstShown[0]).not.toHaveProperty('raw')
  })

  it('finds the customer by a phone typed any way, not by another country’s number ending in the same digits; by e-mail in any case', async () => {
    ctx = await setup()
    const conn = await connection(ctx)
    const add = async (body: Record<string, unknown>) => {
      const r = await ctx.call('POST', '/api/customers', ctx.tokens.agent, body)
      expect(r.status, JSON.stringify(r.body)).toBe(201)
      return r.body.id as string
    }
    const czech = await add({ name: 'Jana', phone: '+420 901 234 567' })
    const fromVn = await receive(ctx, conn, chat({ sender: { phone: '+84 90 123 4567', name: 'Hoa' } }))
    const vnCustomer = (await ctx.storage.getTicket(fromVn.ticketId!))!.customerId
    expect(vnCustomer).not.toBe(czech)
    expect(vnCustomer).not.toBeNull()
    const typed = await add({ name: 'Minh', phone: '091 222 3344' })
    const again = await receive(ctx, conn, chat({ sender: { phone: '+84912223344' }, conversationId: 'p-2' }))
    expect((await ctx.storage.getTicket(again.ticketId!))!.customerId).toBe(typed)
    expect(await ctx.sopflow.channels.conversations.customersByPhone('not a phone')).toEqual([])
    const lan = await add({ name: 'Lan', email: 'lan@example.com' })
    const mail = await receive(
      ctx,
      conn,
      chat({ channel: 'email', sender: { email: 'Lan@Example.COM' }, conversationId: 'm-1' }),
    )
    expect((await ctx.storage.getTicket(mail.ticketId!))!.customerId).toBe(lan)
  })

  it('a form’s refused field values are refused, storing nothing; an SOP that cannot open tickets leaves the message unrouted', async () => {
    ctx = await setup()
    const conn = await connection(ctx, 'reopens')
    const messages = () =>
      (ctx.storage.db.prepare('SELECT count(*) AS n FROM channel_messages').get() as { n: number }).n
    await expect(receive(ctx, conn, chat({ fields: { order: 'twelve' } }))).rejects.toMatchObject({
      code: 'invalid_field_value',
    })
    await expect(receive(ctx, conn, chat({ fields: { colour: 'red' } }))).rejects.toMatchObject({
      code: 'unknown_field',
    })
    expect(messages()).toBe(0)
    const given = await receive(ctx, conn, chat({ fields: { order: 12 } }))
    const ticket = (await ctx.call('GET', `/api/tickets/${given.ticketId}`, ctx.tokens.agent)).body.ticket
    expect(ticket.state.context.fields).toEqual({ order: 12 })
    const none = await receive(ctx, conn, chat({ fields: {}, conversationId: 'e-0' }))
    expect(none.status).toBe('opened')
    expect((await ctx.call('POST', '/api/sops/reopens/archive', ctx.tokens.owner)).status).toBe(200)
    const held = (await receive(ctx, conn, chat({ conversationId: 'later' }))) as unknown as Record<
      string,
      unknown
    >
    expect(held).toMatchObject({ status: 'unrouted', ticketId: null, duplicate: false })
    expect(String(held.error)).toMatch(/archived/i)
    expect(messages()).toBe(3)
  })

  it('one message delivered to two servers at once is stored once: the other answers it as a duplicate of the same ticket', async () => {
    ctx = await setup()
    const conn = await connection(ctx)
    const other = createApp({ storage: ctx.storage, clock: ctx.clock, config: { bodyLimit: 64 * 1024 } })
    const m = chat({ externalId: 'twice', conversationId: 'race' })
    const [a, b] = await Promise.all([receive(ctx, conn, m), other.channels.conversations.receive(conn, m)])
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true])
    expect(b.ticketId).toBe(a.ticketId)
    expect(b.messageId).toBe(a.messageId)
    expect(b.reference).toBe(a.reference)
    const count = ctx.storage.db.prepare('SELECT count(*) AS n FROM channel_messages').get() as { n: number }
    expect(count.n).toBe(1)
  })

  it('messages of one sender are taken in turn whatever the case of their address: the second continues the ticket the first opened', async () => {
    ctx = await setup()
    const conn = await connection(ctx)
    const mail = (sender: string) =>
      chat({ channel: 'email', sender: { email: sender }, conversationId: 'same-thread', subject: 'Help' })
    const [a, b] = await Promise.all([
      receive(ctx, conn, mail('Lan@Example.com')),
      receive(ctx, conn, mail('lan@example.com')),
    ])
    expect([a.status, b.status]).toEqual(['opened', 'threaded'])
    expect(b.ticketId).toBe(a.ticketId)
  })
})
