import { ticketReference } from '../channels/messages.ts'
import { newId } from '../services/crypto.ts'
import type { Connection } from '../storage/channelTypes.ts'
import type { Customer, OutboxRow, Storage, TicketRow } from '../storage/types.ts'

export interface ReplyConfig {
  /** The From address of e-mail replies (`Support <support@example.com>`). */
  mailFrom?: string
  /** Chat/SMS/social replies: the outbound webhook URL per channel name. */
  channelWebhooks?: Record<string, string>
}

/** How a message reaches the customer of a ticket. */
export type ReplyRoute =
  | { kind: 'mail'; to: string; from: string }
  | {
      kind: 'webhook'
      url: string
      /** The connection whose secret signs it (none: a channel webhook from the configuration). */
      connectionId?: string
      /** The customer's address on that connection (phone, handle) and the conversation. */
      recipient?: string
      conversationId?: string
    }

/** What a ticket's way back to its customer is decided from. */
export interface ReplyContext {
  customer: Customer | null
  /** The connection the ticket's first message came in through, and that message's sender. */
  connection: Connection | null
  sender: string | null
  conversationId: string | null
}

/** The ticket's customer and the connection its conversation came in through. */
export async function replyContext(storage: Storage, ticket: TicketRow): Promise<ReplyContext> {
  const [customer, messages] = await Promise.all([
    ticket.customerId ? storage.getCustomer(ticket.customerId) : null,
    storage.channels.messagesOfTicket(ticket.id),
  ])
  const first = messages.find((m) => m.direction === 'in')
  const connection = first ? await storage.channels.getConnection(first.connectionId) : null
  return {
    customer,
    connection,
    sender: first?.sender ?? null,
    conversationId: first?.conversationId ?? null,
  }
}

const quoted = (name: string) => `"${name.replace(/["\\]/g, '')}"`

/**
 * Where a message to the customer goes. A ticket that came in through a connection is answered
 * over it: a mailbox's tickets from that mailbox's address, a gateway's tickets through its outbound
 * webhook (signed with its secret). Otherwise a channel's configured webhook, or e-mail from the
 * server's address. Null: there is no way to reach the customer.
 */
export function replyRoute(config: ReplyConfig, ticket: TicketRow, ctx: ReplyContext): ReplyRoute | null {
  const c = ctx.connection
  if (c?.kind === 'email') {
    const to = ctx.customer?.email ?? ctx.sender
    if (to) return { kind: 'mail', to, from: `${quoted(c.name)} <${c.address}>` }
  }
  if (c?.kind === 'webhook' && c.settings.replyUrl)
    return {
      kind: 'webhook',
      url: c.settings.replyUrl,
      connectionId: c.id,
      ...(ctx.sender ? { recipient: ctx.sender } : {}),
      ...(ctx.conversationId ? { conversationId: ctx.conversationId } : {}),
    }
  const hook = config.channelWebhooks?.[ticket.channel]
  if (hook) return { kind: 'webhook', url: hook }
  if (ctx.customer?.email && config.mailFrom)
    return { kind: 'mail', to: ctx.customer.email, from: config.mailFrom }
  return null
}

/** The domain of an address, for Message-IDs (`support@example.com` → example.com). */
function domainOf(address: string): string {
  return /@([^>\s]+)>?\s*$/.exec(address)?.[1] ?? 'sopflow.invalid'
}

/** The Message-ID every mail of a ticket refers to, so that a mail program threads them together. */
export function threadId(ticketId: string, from: string): string {
  return `<ticket.${ticketId}@${domainOf(from)}>`
}

/** The outbox message of a note to the customer, or null when the ticket has no way to reach them. */
export function replyMessage(
  route: ReplyRoute | null,
  ticket: TicketRow,
  seq: number,
  text: string,
  now: string,
  /** The reply's own Message-ID when the conversation already names it (so replies to it thread). */
  messageId?: string,
): OutboxRow | null {
  if (!route) return null
  const id = newId('msg')
  if (route.kind === 'webhook') {
    return {
      id,
      kind: 'webhook',
      ticketId: ticket.id,
      event: 'reply',
      target: route.url,
      subscriptionId: null,
      payload: {
        type: 'ticket.reply',
        timestamp: now,
        data: {
          ticketId: ticket.id,
          channel: ticket.channel,
          seq,
          text,
          ...(messageId ? { messageId } : {}),
          ...(route.connectionId ? { connectionId: route.connectionId } : {}),
          ...(route.recipient ? { to: route.recipient } : {}),
          ...(route.conversationId ? { conversationId: route.conversationId } : {}),
        },
      },
      createdAt: now,
      nextAt: now,
    }
  }
  const thread = threadId(ticket.id, route.from)
  return {
    id,
    kind: 'mail',
    ticketId: ticket.id,
    event: 'reply',
    target: route.to,
    subscriptionId: null,
    payload: {
      from: route.from,
      to: route.to,
      subject: `[#${ticketReference(ticket)}] ${ticket.subject}`,
      text,
      messageId: messageId ?? `<${id}@${domainOf(route.from)}>`,
      inReplyTo: thread,
      references: [thread],
    },
    createdAt: now,
    nextAt: now,
  }
}
