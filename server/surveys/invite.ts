import type { ReplyRoute } from '../outbox/replies.ts'
import { threadId } from '../outbox/replies.ts'
import type { OutboxRow, TicketRow } from '../storage/types.ts'

/** The invitation's words in the SOP's language (en, vi, cs; English otherwise). */
const WORDS: Record<string, { subject: string; text: (link: string, until: string) => string }> = {
  en: {
    subject: 'How did we do?',
    text: (link, until) =>
      `Thank you for contacting us. How did we do? Tell us in a minute:\n\n${link}\n\nThe link is valid until ${until}.`,
  },
  vi: {
    subject: 'Chúng tôi đã phục vụ bạn thế nào?',
    text: (link, until) =>
      `Cảm ơn bạn đã liên hệ với chúng tôi. Chúng tôi đã phục vụ bạn thế nào? Xin dành một phút cho chúng tôi biết:\n\n${link}\n\nLiên kết có hiệu lực đến ${until}.`,
  },
  cs: {
    subject: 'Jak jsme si vedli?',
    text: (link, until) =>
      `Děkujeme, že jste se na nás obrátili. Jak jsme si vedli? Řekněte nám to během minuty:\n\n${link}\n\nOdkaz platí do ${until}.`,
  },
}

/** The outbox message inviting the customer to the survey page, by the ticket's way back to them. */
export function invitationMessage(
  route: ReplyRoute,
  ticket: TicketRow,
  language: string,
  link: string,
  expiresAt: string,
  id: string,
  now: string,
): OutboxRow {
  const words = WORDS[language] ?? WORDS.en
  const until = expiresAt.slice(0, 10)
  const text = words.text(link, until)
  if (route.kind === 'webhook')
    return {
      id,
      kind: 'webhook',
      ticketId: ticket.id,
      event: 'survey.invitation',
      target: route.url,
      subscriptionId: null,
      payload: {
        type: 'ticket.survey_invitation',
        timestamp: now,
        data: {
          ticketId: ticket.id,
          channel: ticket.channel,
          ...(route.connectionId ? { connectionId: route.connectionId } : {}),
          ...(route.recipient ? { to: route.recipient } : {}),
          link,
          expiresAt,
          text,
        },
      },
      createdAt: now,
      nextAt: now,
    }
  const domain = /@([^>\s]+)>?\s*$/.exec(route.from)?.[1] ?? 'sopflow.invalid'
  const thread = threadId(ticket.id, route.from)
  return {
    id,
    kind: 'mail',
    ticketId: ticket.id,
    event: 'survey.invitation',
    target: route.to,
    subscriptionId: null,
    payload: {
      from: route.from,
      to: route.to,
      subject: `[${ticket.id}] ${words.subject}`,
      text,
      messageId: `<${id}@${domain}>`,
      inReplyTo: thread,
      references: [thread],
    },
    createdAt: now,
    nextAt: now,
  }
}
