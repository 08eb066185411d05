import { describe, expect, it } from 'vitest'
import type { TicketRow } from '../../server/storage/types.ts'
import { invitationMessage } from '../../server/surveys/invite.ts'

const ticket = { id: 't_1', channel: 'email' } as TicketRow
const link = 'https://desk.example/survey/abc'
const expiresAt = '2026-03-16T08:00:00.000Z'
const now = '2026-03-02T08:00:00.000Z'
const mail = (from: string) => ({ kind: 'mail' as const, to: 'an@example.vn', from })

describe('survey invitation rules', () => {
  it('by mail: in the thread of the ticket, with a message id on the sender’s domain', () => {
    const m = invitationMessage(
      mail('Support <support@shop.example>'),
      ticket,
      'en',
      link,
      expiresAt,
      'o_1',
      now,
    )
    expect(m).toEqual({
      id: 'o_1',
      kind: 'mail',
      ticketId: 't_1',
      event: 'survey.invitation',
      target: 'an@example.vn',
      subscriptionId: null,
      payload: {
        from: 'Support <support@shop.example>',
        to: 'an@example.vn',
        subject: '[t_1] How did we do?',
        text: `Thank you for contacting us. How did we do? Tell us in a minute:\n\n${link}\n\nThe link is valid until 2026-03-16.`,
        messageId: '<o_1@shop.example>',
        inReplyTo: '<ticket.t_1@shop.example>',
        references: ['<ticket.t_1@shop.example>'],
      },
      createdAt: now,
      nextAt: now,
    })
  })

  it('takes the domain from a bare address, from the last address, and falls back when there is none', () => {
    const id = (from: string) =>
      (
        invitationMessage(mail(from), ticket, 'en', link, expiresAt, 'o_2', now).payload as {
          messageId: string
        }
      ).messageId
    expect(id('support@shop.example')).toBe('<o_2@shop.example>')
    expect(id('Desk <desk@mail.bank.example>  ')).toBe('<o_2@mail.bank.example>')
    expect(id('"a@b" <c@d.example>')).toBe('<o_2@d.example>')
    expect(id('no address here')).toBe('<o_2@sopflow.invalid>')
  })

  it("speaks the SOP's language (cs, vi), and English for any other", () => {
    const payload = (language: string) =>
      invitationMessage(mail('s@shop.example'), ticket, language, link, expiresAt, 'o_3', now).payload as {
        subject: string
        text: string
      }
    expect(payload('cs').subject).toBe('[t_1] Jak jsme si vedli?')
    expect(payload('cs').text).toBe(
      `Děkujeme, že jste se na nás obrátili. Jak jsme si vedli? Řekněte nám to během minuty:\n\n${link}\n\nOdkaz platí do 2026-03-16.`,
    )
    expect(payload('vi').subject).toBe('[t_1] Chúng tôi đã phục vụ bạn thế nào?')
    expect(payload('vi').text).toContain(`${link}\n\nLiên kết có hiệu lực đến 2026-03-16.`)
    expect(payload('de')).toEqual(payload('en'))
  })

  it('by webhook: the link, its expiry and the text, with the connection and recipient when known', () => {
    const hook = invitationMessage(
      { kind: 'webhook', url: 'https://chat.example/out', connectionId: 'c_1', recipient: '+84901234567' },
      { ...ticket, channel: 'chat' },
      'en',
      link,
      expiresAt,
      'o_4',
      now,
    )
    expect(hook).toEqual({
      id: 'o_4',
      kind: 'webhook',
      ticketId: 't_1',
      event: 'survey.invitation',
      target: 'https://chat.example/out',
      subscriptionId: null,
      payload: {
        type: 'ticket.survey_invitation',
        timestamp: now,
        data: {
          ticketId: 't_1',
          channel: 'chat',
          connectionId: 'c_1',
          to: '+84901234567',
          link,
          expiresAt,
          text: `Thank you for contacting us. How did we do? Tell us in a minute:\n\n${link}\n\nThe link is valid until 2026-03-16.`,
        },
      },
      createdAt: now,
      nextAt: now,
    })
    const bare = invitationMessage(
      { kind: 'webhook', url: 'https://x.example' },
      ticket,
      'en',
      link,
      expiresAt,
      'o_5',
      now,
    )
    expect(Object.keys((bare.payload as { data: object }).data)).toEqual([
      'ticketId',
      'channel',
      'link',
      'expiresAt',
      'text',
    ])
  })
})
