import { ticketReference } from '../channels/messages.ts'
import { newId } from '../services/crypto.ts'
import type { Customer, OutboxRow, TicketRow } from '../storage/types.ts'

export interface ReplyConfig {
  /** The From address of e-mail replies (`Support <support@example.com>`). */
  mailFrom?: string
  /** Chat/SMS/social replies: the outbound webhook URL per channel name. */
  channelWebhooks?: Record<string, string>
}

/** Where a reply to the customer goes: one place, so that a channel's connection can decide it later. */
export function replyRoute(
  config: ReplyConfig,
  ticket: TicketRow,
  customer: Customer | null,
): { kind: 'mail'; to: string; from: string } | { kind: 'webhook'; url: string } | null {
  const hook = config.channelWebhooks?.[ticket.channel]
  if (hook) return { kind: 'webhook', url: hook }
  if (customer?.email && config.mailFrom) return { kind: 'mail', to: customer.email, from: config.mailFrom }
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
  config: ReplyConfig,
  ticket: TicketRow,
  customer: Customer | null,
  seq: number,
  text: string,
  now: string,
): OutboxRow | null {
  const route = replyRoute(config, ticket, customer)
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
        data: { ticketId: ticket.id, channel: ticket.channel, seq, text },
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
      messageId: `<${id}@${domainOf(route.from)}>`,
      inReplyTo: thread,
      references: [thread],
    },
    createdAt: now,
    nextAt: now,
  }
}
