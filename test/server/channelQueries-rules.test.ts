import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ensureAdmin, importSop } from '../../server/start.ts'
import type { AttachmentRow, Connection, MessageRow } from '../../server/storage/channelTypes.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import type { Customer } from '../../server/storage/types.ts'
import { fixture, NOW, newTicket } from './commitFixtures.ts'

/**
 * The channel store's queries (server/storage/channelQueries.ts) on a real SQLite file: connections
 * changed and removed, messages moved to their ticket and found by status, attachments with the
 * ticket of their message, status links revoked, a ticket found by a reference's prefix, and a
 * customer found by the last digits of a phone number.
 */

const LATER = '2026-03-02T10:00:00.000Z'
let storage: SqliteStorage
let path = ''

beforeEach(async () => {
  path = join(mkdtempSync(join(tmpdir(), 'sopflow-channel-queries-')), 'db.sqlite')
  storage = new SqliteStorage(path)
  await ensureAdmin(storage, NOW)
})
afterEach(async () => {
  await storage.close()
})

/** The same file opened again, so that what is checked is what was written. */
async function reopen() {
  await storage.close()
  storage = new SqliteStorage(path)
  return storage.channels
}

const chat: Connection = {
  id: 'conn_chat',
  kind: 'webhook',
  name: 'Chat',
  address: 'chat',
  channel: 'chat',
  sopId: 'support-ticket',
  queue: null,
  priority: 'normal',
  secret: 'whsec_chat',
  settings: {},
  enabled: true,
  createdAt: NOW,
  updatedAt: NOW,
}

function message(id: string, over: Partial<MessageRow> = {}): MessageRow {
  return {
    id,
    connectionId: 'conn_chat',
    ticketId: null,
    followsTicketId: null,
    direction: 'in',
    channel: 'chat',
    status: 'pending',
    sender: '@hoa',
    senderName: 'Hoa',
    subject: `Subject ${id}`,
    text: `Text ${id}`,
    html: null,
    externalId: `ext_${id}`,
    conversationId: null,
    refs: [],
    raw: null,
    at: NOW,
    ...over,
  }
}

const attachment = (id: string, messageId: string): AttachmentRow => ({
  id,
  messageId,
  sha256: 'ab'.repeat(32),
  filename: `${id}.pdf`,
  contentType: 'application/pdf',
  size: 1234,
  refused: null,
})

describe('connections (channelQueries.ts)', () => {
  it('changes what a connection may change and keeps its kind and creation time', async () => {
    await storage.channels.createConnection(chat)
    await storage.channels.createConnection({
      ...chat,
      id: 'conn_form',
      kind: 'form',
      name: 'Form',
      address: 'form',
    })
    await storage.channels.updateConnection({
      ...chat,
      kind: 'email',
      name: 'Chat (new)',
      address: 'Chat-New',
      channel: 'web',
      queue: 'billing',
      priority: 'high',
      secret: null,
      settings: { title: 'Chat with us', language: 'cs' },
      enabled: false,
      createdAt: LATER,
      updatedAt: LATER,
    })
    const ch = await reopen()
    expect(await ch.getConnection('conn_chat')).toEqual({
      ...chat,
      name: 'Chat (new)',
      address: 'chat-new',
      channel: 'web',
      queue: 'billing',
      priority: 'high',
      secret: null,
      settings: { title: 'Chat with us', language: 'cs' },
      enabled: false,
      updatedAt: LATER,
    })
    // The other connection is untouched.
    expect((await ch.getConnection('conn_form'))?.name).toBe('Form')
  })

  it('removes only the connection named', async () => {
    await storage.channels.createConnection(chat)
    await storage.channels.createConnection({
      ...chat,
      id: 'conn_form',
      kind: 'form',
      name: 'Form',
      address: 'form',
    })
    await storage.channels.deleteConnection('conn_chat')
    const ch = await reopen()
    expect(await ch.getConnection('conn_chat')).toBe(null)
    expect((await ch.listConnections()).map((c) => c.id)).toEqual(['conn_form'])
  })
})

describe('messages and attachments (channelQueries.ts)', () => {
  beforeEach(async () => {
    await storage.channels.createConnection(chat)
  })

  it('moves a message to its ticket with its new status, and no other message', async () => {
    await storage.channels.addMessage(message('m1'), [])
    await storage.channels.addMessage(message('m2'), [])
    await storage.channels.setMessageTicket('m1', 't_1', 'opened')
    let ch = await reopen()
    expect(await ch.messagesOfTicket('t_1')).toEqual([message('m1', { ticketId: 't_1', status: 'opened' })])
    expect(await ch.messageByExternalId('conn_chat', 'ext_m2')).toEqual(message('m2'))
    await ch.setMessageTicket('m1', null, 'unrouted')
    ch = await reopen()
    expect(await ch.messagesOfTicket('t_1')).toEqual([])
    expect(await ch.messageByExternalId('conn_chat', 'ext_m1')).toEqual(
      message('m1', { ticketId: null, status: 'unrouted' }),
    )
  })

  it('lists the messages of one status, oldest first, in the order stored at the same time, up to the limit', async () => {
    await storage.channels.addMessage(message('m_late', { at: LATER }), [])
    await storage.channels.addMessage(message('m_b'), [])
    await storage.channels.addMessage(message('m_a'), [])
    await storage.channels.addMessage(message('m_opened', { status: 'opened', ticketId: 't_1' }), [])
    const ch = await reopen()
    expect((await ch.messagesByStatus('pending', 10)).map((m) => m.id)).toEqual(['m_b', 'm_a', 'm_late'])
    expect((await ch.messagesByStatus('pending', 2)).map((m) => m.id)).toEqual(['m_b', 'm_a'])
    expect(await ch.messagesByStatus('opened', 10)).toEqual([
      message('m_opened', { status: 'opened', ticketId: 't_1' }),
    ])
    expect(await ch.messagesByStatus('noise', 10)).toEqual([])
  })

  it("gives an attachment with its message's ticket, and nothing for an unknown one", async () => {
    await storage.channels.addMessage(message('m1', { ticketId: 't_1', status: 'opened' }), [
      attachment('a1', 'm1'),
      attachment('a2', 'm1'),
    ])
    await storage.channels.addMessage(message('m2'), [
      { ...attachment('a3', 'm2'), sha256: null, refused: 'too_big' },
    ])
    const ch = await reopen()
    expect(await ch.getAttachment('a2')).toEqual({ ...attachment('a2', 'm1'), ticketId: 't_1' })
    expect(await ch.getAttachment('a3')).toEqual({
      ...attachment('a3', 'm2'),
      sha256: null,
      refused: 'too_big',
      ticketId: null,
    })
    expect(await ch.getAttachment('a_unknown')).toBe(null)
    expect(await ch.attachmentsOf(['m2', 'm1'])).toEqual([
      attachment('a1', 'm1'),
      attachment('a2', 'm1'),
      { ...attachment('a3', 'm2'), sha256: null, refused: 'too_big' },
    ])
    expect(await ch.attachmentsOf([])).toEqual([])
  })

  it('finds the ticket of a message by any of its ids, and none when no message with a ticket has one', async () => {
    await storage.channels.addMessage(message('m1', { ticketId: 't_1', status: 'opened' }), [])
    await storage.channels.addMessage(message('m2'), [])
    const ch = await reopen()
    expect(await ch.ticketOfExternalIds(['ext_unknown', 'ext_m1'])).toBe('t_1')
    expect(await ch.ticketOfExternalIds(['ext_m2'])).toBe(null)
    expect(await ch.ticketOfExternalIds(['ext_unknown'])).toBe(null)
    expect(await ch.ticketOfExternalIds([])).toBe(null)
  })
})

describe('status links (channelQueries.ts)', () => {
  it('keeps a link with its ticket and connection, and revokes every open link of that ticket once', async () => {
    const ch = storage.channels
    await ch.addStatusLink('hash_1', 't_1', 'conn_chat', NOW)
    await ch.addStatusLink('hash_2', 't_1', 'conn_chat', NOW)
    await ch.addStatusLink('hash_3', 't_2', 'conn_form', NOW)
    expect(await (await reopen()).statusLink('hash_1')).toEqual({
      ticketId: 't_1',
      connectionId: 'conn_chat',
      revokedAt: null,
    })
    expect(await storage.channels.statusLink('hash_unknown')).toBe(null)
    expect(await storage.channels.revokeStatusLinks('t_1', LATER)).toBe(2)
    const after = await reopen()
    expect(await after.statusLink('hash_2')).toEqual({
      ticketId: 't_1',
      connectionId: 'conn_chat',
      revokedAt: LATER,
    })
    expect(await after.statusLink('hash_3')).toEqual({
      ticketId: 't_2',
      connectionId: 'conn_form',
      revokedAt: null,
    })
    // Links already revoked are not revoked again (their time stays).
    expect(await after.revokeStatusLinks('t_1', '2026-03-03T00:00:00.000Z')).toBe(0)
    expect((await after.statusLink('hash_1'))?.revokedAt).toBe(LATER)
  })
})

describe('a ticket by the prefix of its id (channelQueries.ts ticketByPrefix)', () => {
  it('finds the one ticket whose id starts with 6 to 20 hex digits, and none when two do or the prefix is not one', async () => {
    const admin = (await storage.listUsers())[0]
    const version = (await importSop(storage, fixture, admin.id, NOW)).version as number
    const ids = ['t_1a2b3c4d5e6f70819203', 't_1a2b3c00000000000000', 't_ffeedd11']
    const outcomes = await storage.commitTickets(ids.map((id) => newTicket(id, version, admin.id)))
    expect(outcomes.every((o) => o.ok)).toBe(true)
    const ch = await reopen()
    expect(await ch.ticketByPrefix('1a2b3c4d')).toBe('t_1a2b3c4d5e6f70819203')
    expect(await ch.ticketByPrefix('1a2b3c4d5e6f70819203')).toBe('t_1a2b3c4d5e6f70819203') // 20 digits
    expect(await ch.ticketByPrefix('ffeedd')).toBe('t_ffeedd11') // 6 digits
    expect(await ch.ticketByPrefix('1a2b3c')).toBe(null) // two tickets
    expect(await ch.ticketByPrefix('ffeed')).toBe(null) // 5 digits
    expect(await ch.ticketByPrefix('1a2b3c4d5e6f708192030')).toBe(null) // 21 digits
    expect(await ch.ticketByPrefix('FFEEDD')).toBe(null) // ids are lower case
    expect(await ch.ticketByPrefix('xffeedd')).toBe(null)
    expect(await ch.ticketByPrefix('ffeedd1x')).toBe(null)
    expect(await ch.ticketByPrefix('ffeedd2')).toBe(null) // no ticket
  })
})

describe('customers by the last digits of their phone (channelQueries.ts customersByPhoneDigits)', () => {
  const customer = (id: string, phone: string | null, updatedAt: string): Customer => ({
    id,
    name: id,
    phone,
    email: null,
    address: null,
    segment: null,
    createdAt: NOW,
    updatedAt,
  })

  it('ignores separators, lists the latest changed first, and takes only four or more digits', async () => {
    await storage.createCustomer(customer('c_old', '+49 (30) 123-45.67/89', NOW))
    await storage.createCustomer(customer('c_new', '030 6789', LATER))
    await storage.createCustomer(customer('c_letters', '555 x6789', NOW))
    await storage.createCustomer(customer('c_suffix', '01 6789x', NOW))
    await storage.createCustomer(customer('c_none', null, NOW))
    await reopen()
    const ids = async (digits: string) =>
      (await storage.channels.customersByPhoneDigits(digits)).map((c) => c.id)
    expect(await ids('6789')).toEqual(['c_new', 'c_old', 'c_letters'])
    expect(await ids('4930123456789')).toEqual(['c_old']) // every digit, separators left out
    expect(await ids('301234567')).toEqual([]) // not the last digits
    expect(await storage.channels.customersByPhoneDigits('6789')).toEqual([
      customer('c_new', '030 6789', LATER),
      customer('c_old', '+49 (30) 123-45.67/89', NOW),
      customer('c_letters', '555 x6789', NOW),
    ])
    expect(await ids('789')).toEqual([]) // fewer than four digits
    expect(await ids('x6789')).toEqual([]) // only digits
    expect(await ids('6789x')).toEqual([])
    expect(await ids('')).toEqual([])
  })
})
