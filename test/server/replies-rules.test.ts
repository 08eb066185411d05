import { describe, expect, it } from 'vitest'
import { type ReplyContext, replyMessage, replyRoute, threadId } from '../../server/outbox/replies.ts'
import type { Connection } from '../../server/storage/channelTypes.ts'
import type { Customer, TicketRow } from '../../server/storage/types.ts'

// The rules of the way back to a customer: which connection, address or webhook a reply takes, and
// what its outbox message carries (the threading Message-IDs of a mail, the ids of a chat reply).

const ticket = { id: 't_abcdef123456', number: 42, channel: 'chat', subject: 'Charged twice' } as TicketRow
const customer = (email: string | null) => ({ id: 'c_1', name: 'Ana', email }) as Customer
const connection = (kind: 'email' | 'webhook', extra: Partial<Connection> = {}) =>
  ({
    id: `conn_${kind}`,
    kind,
    name: 'Help "desk" \\ Hanoi',
    address: 'help@bank.example',
    channel: kind === 'email' ? 'email' : 'chat',
    settings: {},
    ...extra,
  }) as Connection
const ctx = (extra: Partial<ReplyContext> = {}): ReplyContext => ({
  customer: null,
  connection: null,
  sender: null,
  conversationId: null,
  ...extra,
})

describe('reply routes', () => {
  it('a mailbox’s ticket is answered from that mailbox, to the customer’s address or else the sender', () => {
    const c = connection('email')
    expect(
      replyRoute({}, ticket, ctx({ connection: c, customer: customer('ana@x.example'), sender: 's@y' })),
    ).toEqual({ kind: 'mail', to: 'ana@x.example', from: '"Help desk  Hanoi" <help@bank.example>' })
    expect(
      replyRoute({}, ticket, ctx({ connection: c, customer: customer(null), sender: 's@y.example' })),
    ).toEqual({
      kind: 'mail',
      to: 's@y.example',
      from: '"Help desk  Hanoi" <help@bank.example>',
    })
    // Nobody to write to over the mailbox: the configuration decides, or there is no way back.
    expect(replyRoute({}, ticket, ctx({ connection: c }))).toBeNull()
    expect(
      replyRoute({ channelWebhooks: { chat: 'https://hook.example/chat' } }, ticket, ctx({ connection: c })),
    ).toEqual({
      kind: 'webhook',
      url: 'https://hook.example/chat',
    })
  })

  it('a gateway’s ticket goes back through its reply URL with its connection, recipient and conversation', () => {
    const c = connection('webhook', {
      settings: { replyUrl: 'https://gw.example/out' },
    } as Partial<Connection>)
    expect(
      replyRoute({}, ticket, ctx({ connection: c, sender: '+84900', conversationId: 'conv-7' })),
    ).toEqual({
      kind: 'webhook',
      url: 'https://gw.example/out',
      connectionId: 'conn_webhook',
      recipient: '+84900',
      conversationId: 'conv-7',
    })
    expect(replyRoute({}, ticket, ctx({ connection: c }))).toEqual({
      kind: 'webhook',
      url: 'https://gw.example/out',
      connectionId: 'conn_webhook',
    })
    // Without a reply URL the gateway cannot answer: the server's own routes are tried.
    const mute = connection('webhook')
    expect(
      replyRoute(
        { mailFrom: 'Support <s@bank.example>' },
        ticket,
        ctx({ connection: mute, customer: customer('a@x') }),
      ),
    ).toEqual({ kind: 'mail', to: 'a@x', from: 'Support <s@bank.example>' })
  })

  it('without a connection: the channel’s webhook first, then mail from the server’s address, else none', () => {
    const config = { mailFrom: 'Support <s@bank.example>', channelWebhooks: { sms: 'https://sms.example' } }
    expect(replyRoute(config, { ...ticket, channel: 'sms' }, ctx({ customer: customer('a@x') }))).toEqual({
      kind: 'webhook',
      url: 'https://sms.example',
    })
    expect(replyRoute(config, ticket, ctx({ customer: customer('a@x') }))).toEqual({
      kind: 'mail',
      to: 'a@x',
      from: 'Support <s@bank.example>',
    })
    expect(replyRoute(config, ticket, ctx({ customer: customer(null) }))).toBeNull()
    expect(replyRoute(config, ticket, ctx())).toBeNull()
    expect(replyRoute({}, ticket, ctx({ customer: customer('a@x') }))).toBeNull()
  })
})

describe('reply messages', () => {
  it('threads every mail of a ticket under one Message-ID of the sender’s domain', () => {
    expect(threadId('t_1', 'Support <support@bank.example>')).toBe('<ticket.t_1@bank.example>')
    expect(threadId('t_1', 'support@bank.example')).toBe('<ticket.t_1@bank.example>')
    expect(threadId('t_1', 'Support <support@bank.example>  ')).toBe('<ticket.t_1@bank.example>')
    // The address is the last one: a display name may itself look like an address.
    expect(threadId('t_1', '"ana@old.example" <support@bank.example>')).toBe('<ticket.t_1@bank.example>')
    expect(threadId('t_1', 'no address')).toBe('<ticket.t_1@sopflow.invalid>')
  })

  it('a mail reply: the ticket’s reference in the subject, its own Message-ID, in reply to the thread', () => {
    const route = { kind: 'mail', to: 'ana@x.example', from: 'Support <s@bank.example>' } as const
    const m = replyMessage(route, ticket, 7, 'Refunded.', '2026-03-02T08:00:00.000Z')!
    expect(m).toMatchObject({
      kind: 'mail',
      ticketId: ticket.id,
      event: 'reply',
      target: 'ana@x.example',
      subscriptionId: null,
      createdAt: '2026-03-02T08:00:00.000Z',
      nextAt: '2026-03-02T08:00:00.000Z',
    })
    expect(m.id).toMatch(/^msg_/)
    expect(m.payload).toEqual({
      from: 'Support <s@bank.example>',
      to: 'ana@x.example',
      subject: '[#T-42] Charged twice',
      text: 'Refunded.',
      messageId: `<${m.id}@bank.example>`,
      inReplyTo: `<ticket.${ticket.id}@bank.example>`,
      references: [`<ticket.${ticket.id}@bank.example>`],
    })
    const named = replyMessage(route, ticket, 7, 'x', '2026-03-02T08:00:00.000Z', '<given@bank.example>')!
    expect(named.payload.messageId).toBe('<given@bank.example>')
  })

  it('a chat reply: the ticket, channel, record and text, with only the ids the route has', () => {
    const full = replyMessage(
      {
        kind: 'webhook',
        url: 'https://gw.example/out',
        connectionId: 'conn_1',
        recipient: '+84',
        conversationId: 'cv',
      },
      ticket,
      9,
      'On it',
      '2026-03-02T08:00:00.000Z',
      '<m@x>',
    )!
    expect(full).toMatchObject({
      kind: 'webhook',
      event: 'reply',
      target: 'https://gw.example/out',
      ticketId: ticket.id,
    })
    expect(full.payload).toEqual({
      type: 'ticket.reply',
      timestamp: '2026-03-02T08:00:00.000Z',
      data: {
        ticketId: ticket.id,
        channel: 'chat',
        seq: 9,
        text: 'On it',
        messageId: '<m@x>',
        connectionId: 'conn_1',
        to: '+84',
        conversationId: 'cv',
      },
    })
    const bare = replyMessage(
      { kind: 'webhook', url: 'https://h' },
      ticket,
      9,
      'On it',
      '2026-03-02T08:00:00.000Z',
    )!
    expect(bare.payload.data).toEqual({ ticketId: ticket.id, channel: 'chat', seq: 9, text: 'On it' })
    expect(replyMessage(null, ticket, 9, 'x', '2026-03-02T08:00:00.000Z')).toBeNull()
  })
})
