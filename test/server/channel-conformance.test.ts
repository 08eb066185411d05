import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.ts'
import type { Incoming } from '../../server/channels/messages.ts'
import { ensureAdmin, importSop } from '../../server/start.ts'
import type { Connection } from '../../server/storage/channelTypes.ts'
import { RefusedError } from '../../server/storage/refused.ts'
import type { Storage } from '../../server/storage/types.ts'
import { fixture, NOW, newTicket } from './commitFixtures.ts'
import { BACKENDS, type OpenedStorage } from './storageBackends.ts'

/**
 * The channel contract, run on every backend: a customer's message, its attachments and a new
 * customer commit with the ticket operation they cause, threading finds the same ticket, a
 * provider message id is stored once, and ticket numbers stay unique across servers.
 */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')

const CONNECTION: Connection = {
  id: 'ch_mail',
  kind: 'email',
  name: 'Support mailbox',
  address: 'support@example.com',
  channel: 'email',
  sopId: fixture.id,
  queue: null,
  priority: 'normal',
  secret: null,
  settings: {},
  enabled: true,
  createdAt: NOW,
  updatedAt: NOW,
}

const mail = (externalId: string, over: Partial<Incoming> = {}): Incoming => ({
  channel: 'email',
  sender: { email: 'Lan@Example.com', name: 'Lan' },
  subject: 'My order is late',
  text: 'It has not arrived.',
  externalId,
  ...over,
})

function app(storage: Storage) {
  return createApp({
    storage,
    clock: () => new Date(NOW),
    config: { channels: { attachmentsDir: mkdtempSync(join(tmpdir(), 'sopflow-files-')) } },
  })
}

describe.each(BACKENDS)('channel contract on $name', (backend) => {
  const opened: Storage[] = []
  beforeAll(() => backend.setup(), 120_000)
  afterAll(async () => {
    for (const s of opened) await s.close().catch(() => {})
    await backend.teardown()
  }, 60_000)

  async function seeded(): Promise<OpenedStorage & { conn: Connection; adminId: string; version: number }> {
    const o = await backend.open()
    opened.push(o.storage)
    await ensureAdmin(o.storage, NOW)
    const admin = (await o.storage.listUsers())[0]
    const version = (await importSop(o.storage, fixture, admin.id, NOW)).version as number
    await o.storage.channels.createConnection(CONNECTION)
    return { ...o, conn: CONNECTION, adminId: admin.id, version }
  }

  async function second(o: OpenedStorage): Promise<Storage> {
    const s = await o.another()
    opened.push(s)
    return s
  }

  it('opens a ticket from a first message: the new customer, the numbered ticket (found by its reference), the message and its attachments are stored together', async () => {
    const s = await seeded()
    const r = await app(s.storage).channels.conversations.receive(
      s.conn,
      mail('<m1@example.com>', {
        attachments: [{ filename: 'label.png', contentType: 'image/png', content: PNG }],
      }),
    )
    expect([r.status, r.duplicate]).toEqual(['opened', false])
    const t = (await s.storage.getTicket(r.ticketId!))!
    expect(t.number).toBe(1001)
    expect(r.reference).toBe('T-1001')
    const customer = (await s.storage.getCustomer(t.customerId!))!
    expect([customer.name, customer.email]).toEqual(['Lan', 'lan@example.com'])
    const messages = await s.storage.channels.messagesOfTicket(t.id)
    expect(messages.map((m) => [m.id, m.status, m.externalId])).toEqual([
      [r.messageId, 'opened', '<m1@example.com>'],
    ])
    const files = await s.storage.channels.attachmentsOf([r.messageId])
    expect(files.map((a) => [a.filename, a.contentType, a.size, a.refused])).toEqual([
      ['label.png', 'image/png', PNG.length, null],
    ])
    expect(files[0].sha256).toMatch(/^[0-9a-f]{64}$/)
    expect((await s.storage.getAudit(t.id)).map((a) => a.type)).toEqual(['created', 'message'])
    // The reference the customer sees finds the ticket in the desk's list and search.
    const listed = await s.storage.listTickets({ search: 'T-1001', now: NOW, limit: 10, offset: 0 })
    expect(listed.map((x) => x.id)).toEqual([t.id])
    expect(
      (await s.storage.searchTickets({ q: '#1001', limit: 10, offset: 0 })).rows.map((x) => x.id),
    ).toEqual([t.id])
    // What a restart reads back.
    const again = await s.reopen()
    opened.push(again.storage)
    expect((await again.storage.channels.messagesOfTicket(t.id)).map((m) => m.id)).toEqual([r.messageId])
    expect((await again.storage.channels.customersByEmail('lan@example.com')).map((c) => c.id)).toEqual([
      customer.id,
    ])
  })

  it('threads replies into their ticket by the ids they answer, by a T-number in the subject and by conversation, in order', async () => {
    const s = await seeded()
    const conversations = app(s.storage).channels.conversations
    const first = await conversations.receive(s.conn, mail('<a@example.com>', { conversationId: 'conv-7' }))
    const byRefs = await conversations.receive(
      s.conn,
      mail('<b@example.com>', { subject: 'Re: My order is late', refs: ['<a@example.com>'] }),
    )
    const byNumber = await conversations.receive(
      s.conn,
      mail('<c@example.com>', { subject: `Still waiting [#${first.reference}]` }),
    )
    const byConversation = await conversations.receive(
      s.conn,
      mail('<d@example.com>', { subject: 'Hello?', conversationId: 'conv-7' }),
    )
    for (const r of [byRefs, byNumber, byConversation])
      expect([r.ticketId, r.status]).toEqual([first.ticketId, 'threaded'])
    expect((await s.storage.channels.messagesOfTicket(first.ticketId!)).map((m) => m.externalId)).toEqual([
      '<a@example.com>',
      '<b@example.com>',
      '<c@example.com>',
      '<d@example.com>',
    ])
    const audit = await s.storage.getAudit(first.ticketId!)
    expect(audit.map((a) => a.type)).toEqual(['created', 'message', 'message', 'message', 'message'])
    // A new request from the same sender, without a reference, finds the customer stored before.
    const other = await conversations.receive(s.conn, mail('<e@example.com>', { subject: 'A new question' }))
    expect(other.ticketId).not.toBe(first.ticketId)
    const [a, b] = await Promise.all([
      s.storage.getTicket(first.ticketId!),
      s.storage.getTicket(other.ticketId!),
    ])
    expect(b!.customerId).toBe(a!.customerId)
    expect(b!.number).toBe(a!.number! + 1)
  })

  it('stores a provider message id once: a second delivery changes nothing and answers with the first', async () => {
    const s = await seeded()
    const conversations = app(s.storage).channels.conversations
    const first = await conversations.receive(s.conn, mail('<once@example.com>'))
    const again = await conversations.receive(s.conn, mail('<once@example.com>', { text: 'changed' }))
    expect(again).toEqual({ ...first, duplicate: true })
    expect(await s.storage.channels.messagesOfTicket(first.ticketId!)).toHaveLength(1)
    expect(await s.storage.listTickets({ now: NOW, limit: 100, offset: 0 })).toHaveLength(1)
  })

  it('stores one message when two servers receive the same delivery at once', async () => {
    const s = await seeded()
    const servers = [app(s.storage), app(await second(s))]
    const results = await Promise.all(
      servers.map((a) => a.channels.conversations.receive(s.conn, mail('<raced@example.com>'))),
    )
    expect(results.map((r) => r.duplicate).sort()).toEqual([false, true])
    expect(results[0].ticketId).toBe(results[1].ticketId)
    expect(await s.storage.listTickets({ now: NOW, limit: 100, offset: 0 })).toHaveLength(1)
    expect(await s.storage.channels.messagesOfTicket(results[0].ticketId!)).toHaveLength(1)
    expect(await s.storage.channels.customersByEmail('lan@example.com')).toHaveLength(1)
  })

  it('refuses a commit whose message id was stored before as duplicate_message, storing nothing of it', async () => {
    const s = await seeded()
    const first = await app(s.storage).channels.conversations.receive(s.conn, mail('<dup@example.com>'))
    const stored = (await s.storage.channels.messagesOfTicket(first.ticketId!))[0]
    const unit = newTicket('t_dup', s.version, s.adminId)
    const customer = {
      id: 'c_new',
      name: 'New',
      phone: null,
      email: 'new@example.com',
      address: null,
      segment: null,
      createdAt: NOW,
      updatedAt: NOW,
    }
    const [outcome, other] = await s.storage.commitTickets([
      {
        ...unit,
        customers: [customer],
        ticket: { ...unit.ticket, customerId: 'c_new', number: 5000 },
        messages: [{ message: { ...stored, id: 'msg_other', ticketId: 't_dup' }, attachments: [] }],
      },
      newTicket('t_fine', s.version, s.adminId),
    ])
    expect(outcome.ok).toBe(false)
    if (!outcome.ok) {
      expect(outcome.error).toBeInstanceOf(RefusedError)
      expect((outcome.error as RefusedError).code).toBe('duplicate_message')
      expect((outcome.error as RefusedError).params).toEqual({ id: 't_dup' })
    }
    expect(other).toEqual({ ok: true })
    expect(await s.storage.getTicket('t_dup')).toBeNull()
    expect(await s.storage.getCustomer('c_new')).toBeNull()
    expect(await s.storage.channels.ticketByNumber(5000)).toBeNull()
    expect((await s.storage.getTicket('t_fine'))?.id).toBe('t_fine')
  })

  it('refuses a second ticket with a number taken as duplicate_number', async () => {
    const s = await seeded()
    const a = newTicket('t_a', s.version, s.adminId)
    const b = newTicket('t_b', s.version, s.adminId)
    expect(await s.storage.commitTickets([{ ...a, ticket: { ...a.ticket, number: 2000 } }])).toEqual([
      { ok: true },
    ])
    const [outcome] = await s.storage.commitTickets([{ ...b, ticket: { ...b.ticket, number: 2000 } }])
    expect(outcome.ok).toBe(false)
    if (!outcome.ok) expect((outcome.error as RefusedError).code).toBe('duplicate_number')
    expect(await s.storage.getTicket('t_b')).toBeNull()
  })

  it('numbers tickets uniquely when two servers open them at once', async () => {
    const s = await seeded()
    const servers = [app(s.storage), app(await second(s))]
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        servers[i % 2].channels.conversations.receive(
          s.conn,
          mail(`<n${i}@example.com>`, { sender: { email: `c${i}@example.com` }, subject: `Request ${i}` }),
        ),
      ),
    )
    expect(results.every((r) => r.status === 'opened')).toBe(true)
    const numbers = await Promise.all(
      results.map(async (r) => (await s.storage.getTicket(r.ticketId!))!.number),
    )
    expect(new Set(numbers).size).toBe(24)
    expect(Math.min(...(numbers as number[]))).toBe(1001)
  })
})
