import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { ticketReference } from '../../server/channels/reference.ts'
import { deliveryToIncoming, verifyDelivery } from '../../server/channels/webhooksIn.ts'
import { Problem } from '../../server/http/problem.ts'
import type { Connection } from '../../server/storage/channelTypes.ts'

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const conn = { id: 'c_sms', channel: 'sms', secret } as unknown as Connection

function problemOf(f: () => unknown): Problem {
  try {
    f()
  } catch (e) {
    if (e instanceof Problem) return e
    throw e
  }
  throw new Error('accepted')
}

const delivery = (extra: Record<string, unknown> = {}) => ({
  sender: { phone: '+84 90 123 4567' },
  conversationId: 'conv-1',
  messageId: 'msg-1',
  text: '  My order has not arrived.\nIt was due Monday.  ',
  ...extra,
})

describe('inbound gateway delivery rules', () => {
  it('takes the first line of the text as the subject when none is given, at most 80 characters', () => {
    const m = deliveryToIncoming(conn, delivery())
    expect(m).toEqual({
      channel: 'sms',
      sender: { phone: '+84 90 123 4567' },
      subject: 'My order has not arrived.',
      text: 'My order has not arrived.\nIt was due Monday.',
      externalId: 'msg-1',
      conversationId: 'conv-1',
      attachments: [],
    })
    expect(deliveryToIncoming(conn, delivery({ text: 'x'.repeat(100) })).subject).toBe('x'.repeat(80))
    expect(deliveryToIncoming(conn, delivery({ text: '   ' })).subject).toBe('(no text)')
    expect(deliveryToIncoming(conn, delivery({ subject: '  Late order ' })).subject).toBe('Late order')
    expect(deliveryToIncoming(conn, delivery({ subject: '   ' })).subject).toBe('My order has not arrived.')
  })

  it('decodes attachments from base64 and trims the sender', () => {
    const m = deliveryToIncoming(
      conn,
      delivery({
        sender: { handle: '  @ann ', name: ' Ann ' },
        attachments: [{ filename: 'a.txt', contentType: 'text/plain', content: 'aGk=' }],
      }),
    )
    expect(m.sender).toEqual({ handle: '@ann', name: 'Ann' })
    expect(m.attachments?.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([
      ['a.txt', 'text/plain', 'hi'],
    ])
  })

  it('refuses a delivery without a sender to reach, or with an unknown member, naming the field', () => {
    const none = problemOf(() => deliveryToIncoming(conn, delivery({ sender: { name: 'Ann' } })))
    expect(none.status).toBe(400)
    expect(JSON.stringify(none.extra)).toContain("give the sender's phone, handle or email")
    const extra = problemOf(() => deliveryToIncoming(conn, delivery({ colour: 'red' })))
    expect(extra.status).toBe(400)
    expect(JSON.stringify(extra.extra)).toContain('colour')
    expect(problemOf(() => deliveryToIncoming(conn, delivery({ sender: { phone: '12' } }))).status).toBe(400)
  })

  it('verifies a Standard Webhooks signature, and refuses a bad one or a connection without a secret with 401', () => {
    const body = JSON.stringify(delivery())
    const id = 'msg_1'
    const at = new Date()
    const signature = new Webhook(secret).sign(id, at, body)
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
    }
    expect(verifyDelivery(conn, body, headers)).toEqual(delivery())
    const bad = problemOf(() => verifyDelivery(conn, `${body} `, headers))
    expect([bad.status, bad.code]).toEqual([401, 'webhook_signature_invalid'])
    expect(bad.message).toMatch(/^Signature check failed: /)
    const unsigned = problemOf(() => verifyDelivery({ ...conn, secret: null }, body, headers))
    expect([unsigned.status, unsigned.code, unsigned.message]).toEqual([
      401,
      'webhook_signature_invalid',
      'This connection takes no webhooks',
    ])
  })
})

describe('ticket reference rules', () => {
  it('is T- and the number, or T- and 8 characters of the id after its prefix', () => {
    expect(ticketReference({ id: 't_1a2b3c4d5e6f', number: 1042 })).toBe('T-1042')
    expect(ticketReference({ id: 't_1a2b3c4d5e6f', number: null })).toBe('T-1a2b3c4d')
    expect(ticketReference({ id: 'xt_1a2b3c4d5e6f' })).toBe('T-xt_1a2b3')
  })
})
