import { describe, expect, it } from 'vitest'
import { canonicalJson } from '../../engine/index.ts'
import { messageRecord, REFERENCE, ticketReference } from '../../server/channels/reference.ts'
import { sha256 } from '../../server/services/crypto.ts'
import type { AttachmentRow, MessageRow } from '../../server/storage/channelTypes.ts'

const message: MessageRow = {
  id: 'msg_1',
  connectionId: 'c_mail',
  ticketId: 't_1',
  followsTicketId: null,
  direction: 'in',
  channel: 'email',
  status: 'threaded',
  sender: 'ann@example.org',
  senderName: 'Ann',
  subject: 'Broken router',
  text: 'It blinks red.',
  html: '<p>It blinks red.</p>',
  externalId: '<a@example.org>',
  conversationId: null,
  refs: [],
  raw: null,
  at: '2026-03-02T08:00:00.000Z',
}
const attachment = (sha: string | null): AttachmentRow => ({
  id: `a_${sha}`,
  messageId: 'msg_1',
  sha256: sha,
  filename: 'photo.jpg',
  contentType: 'image/jpeg',
  size: 10,
  refused: sha ? null : 'too large',
})

describe('ticket references in a subject', () => {
  it('finds [#T-…] with a number or an id’s start of 4 to 20 hex digits, in any case', () => {
    expect('Re: Broken router [#T-1042]'.match(REFERENCE)?.[1]).toBe('1042')
    expect('[#t-1A2B3C4D] again'.match(REFERENCE)?.[1]).toBe('1A2B3C4D')
    expect('[#T-abcd]'.match(REFERENCE)?.[1]).toBe('abcd')
    expect('[#T-0123456789abcdef0123]'.match(REFERENCE)?.[1]).toBe('0123456789abcdef0123')
    for (const s of [
      '[#T-123]',
      '[#T-0123456789abcdef01234]',
      '[#T-12g4]',
      '#T-1042',
      '[T-1042]',
      '[#T-1042',
    ])
      expect(REFERENCE.test(s), s).toBe(false)
  })

  it('gives the number when the ticket has one, else eight characters of the id without its prefix', () => {
    expect(ticketReference({ id: 't_1a2b3c4d5e6f', number: 7 })).toBe('T-7')
    expect(ticketReference({ id: 't_1a2b3c4d5e6f' })).toBe('T-1a2b3c4d')
    expect(ticketReference({ id: 't_1a2b3c4d5e6f', number: 0 })).toBe('T-1a2b3c4d')
    expect(ticketReference({ id: 'a_t_1a2b3c4d' })).toBe('T-a_t_1a2b')
  })
})

describe('the record sealing a message', () => {
  it('names the message, its channel, connection and direction, and hashes what the customer wrote', () => {
    const content = {
      sender: 'ann@example.org',
      subject: 'Broken router',
      text: 'It blinks red.',
      html: '<p>It blinks red.</p>',
      attachments: ['aa', null],
    }
    expect(messageRecord(message, [attachment('aa'), attachment(null)])).toEqual({
      messageId: 'msg_1',
      channel: 'email',
      connectionId: 'c_mail',
      direction: 'in',
      contentHash: sha256(canonicalJson(content)),
    })
  })

  it('changes its hash with the sender, subject, text, HTML or an attachment’s content, not with the rest', () => {
    const hash = (m: Partial<MessageRow>, files = [attachment('aa')]) =>
      messageRecord({ ...message, ...m }, files).contentHash
    const base = hash({})
    for (const change of [{ sender: 'bob@example.org' }, { subject: 'x' }, { text: 'x' }, { html: null }])
      expect(hash(change), JSON.stringify(change)).not.toBe(base)
    expect(hash({}, [attachment('bb')])).not.toBe(base)
    expect(hash({}, [])).not.toBe(base)
    expect(hash({ senderName: 'Someone else', externalId: null, at: '2027-01-01T00:00:00.000Z' })).toBe(base)
    expect(hash({}, [{ ...attachment('aa'), filename: 'other.jpg' }])).toBe(base)
  })
})
