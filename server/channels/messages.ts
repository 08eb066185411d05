import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js'
import { newId } from '../services/crypto.ts'
import { KeyedQueue } from '../services/keyedQueue.ts'
import type { TicketService } from '../services/tickets.ts'
import type { AttachmentRow, Connection, MessageRow, MessageStatus } from '../storage/channelTypes.ts'
import type { Customer, Storage, User } from '../storage/types.ts'
import type { AttachmentStore, IncomingFile } from './attachments.ts'

/** A message as a channel delivers it, before it is stored. */
export interface Incoming {
  channel: string
  sender: { email?: string | null; phone?: string | null; handle?: string | null; name?: string | null }
  subject: string
  text: string
  html?: string | null
  /** RFC 5322 Message-ID or the provider's message id: a second delivery of it changes nothing. */
  externalId?: string | null
  conversationId?: string | null
  /** Message ids this one answers (In-Reply-To, References). */
  refs?: string[]
  attachments?: IncomingFile[]
  /** An auto-reply or bounce: stored, never opens a ticket. */
  noise?: boolean
  /** The message could not be read: it is kept raw for inspection. */
  raw?: Buffer | null
  /** The ticket this message belongs to (a reply from the customer's status page). */
  ticketId?: string
}

export interface Received {
  messageId: string
  ticketId: string | null
  status: MessageStatus
  /** The same provider message id was delivered before: nothing changed. */
  duplicate: boolean
}

/** A ticket reference in a subject: `[#T-1a2b3c4d]`. */
const REFERENCE = /\[#T-([0-9a-f]{6,20})\]/i

/** The reference customers see for a ticket: T- and the first 8 characters of its id. */
export function ticketReference(ticketId: string): string {
  return `T-${ticketId.replace(/^t_/, '').slice(0, 8)}`
}

/** A phone number in E.164 (+84901234567), or null when it is not one. */
export function normalisePhone(phone: string, region: string): string | null {
  const p = parsePhoneNumberFromString(phone, region as CountryCode)
  return p?.isPossible() ? p.number : null
}

/**
 * The conversation of tickets with their customers: every message in and out, stored before it
 * is acknowledged. A message that opens a ticket is stored first with the ticket's id chosen in
 * advance (status `pending`), then the ticket is created with that id; `recover()` finishes any
 * message a crash left pending, so an acknowledged message always ends on its ticket, once.
 */
export class ConversationService {
  /** Told of each customer message added to an open ticket (the notices to its people). */
  onThreaded?: (m: MessageRow) => Promise<void>
  /** Messages of one sender on one connection are taken in turn; other senders' side by side. */
  private readonly queue = new KeyedQueue()

  constructor(
    private readonly storage: Storage,
    private readonly tickets: TicketService,
    readonly files: AttachmentStore,
    private readonly options: { phoneRegion: string; clock: () => Date },
  ) {}

  /** The acting user of a connection: its tickets' `created` records name it. */
  actorOf(conn: Connection): User {
    return { id: `channel:${conn.id}`, name: conn.name, role: 'agent', team: null, createdAt: conn.createdAt }
  }

  /** Stores a message, threads it into its ticket or opens one; resolves once all of it committed. */
  async receive(conn: Connection, m: Incoming): Promise<Received> {
    // A retry racing its original, or a reply racing the mail it answers, finds it stored.
    const key = `${conn.id}\n${senderOf(m).toLowerCase()}`
    return this.queue.run(key, () => this.receiveNow(conn, m))
  }

  private async receiveNow(conn: Connection, m: Incoming): Promise<Received> {
    const store = this.storage.channels
    if (m.externalId) {
      const seen = await store.messageByExternalId(conn.id, m.externalId)
      if (seen) return { messageId: seen.id, ticketId: seen.ticketId, status: seen.status, duplicate: true }
    }
    const id = newId('msg')
    const attachments = this.files.save(id, m.attachments ?? [])
    const row: MessageRow = {
      id,
      connectionId: conn.id,
      ticketId: null,
      followsTicketId: null,
      direction: 'in',
      channel: m.channel,
      status: 'pending',
      sender: senderOf(m),
      senderName: m.sender.name?.trim() || null,
      subject: m.subject.trim().slice(0, 300) || '(no subject)',
      text: m.text,
      html: m.html ?? null,
      externalId: m.externalId ?? null,
      conversationId: m.conversationId ?? null,
      refs: m.refs ?? [],
      raw: m.raw ?? null,
      at: this.options.clock().toISOString(),
    }
    if (m.raw) return this.keep(row, attachments, 'malformed')
    if (m.noise) return this.keep(row, attachments, 'noise')
    const target = m.ticketId ?? (await this.threadOf(conn, m))
    const open = target ? await this.storage.getTicket(target) : null
    if (open && open.status === 'open') {
      row.ticketId = open.id
      const kept = await this.keep(row, attachments, 'threaded')
      await this.onThreaded?.(row)
      return kept
    }
    // A reply on a closed ticket opens a linked follow-up.
    row.followsTicketId = open?.id ?? null
    row.ticketId = newId('t')
    await store.addMessage(row, attachments)
    return this.open(conn, row)
  }

  private async keep(
    row: MessageRow,
    attachments: AttachmentRow[],
    status: MessageStatus,
  ): Promise<Received> {
    await this.storage.channels.addMessage({ ...row, status }, attachments)
    return { messageId: row.id, ticketId: row.ticketId, status, duplicate: false }
  }

  /** The ticket a message continues: by the ids it answers, a reference in its subject, or its conversation. */
  private async threadOf(conn: Connection, m: Incoming): Promise<string | null> {
    const store = this.storage.channels
    const byRefs = await store.ticketOfExternalIds(m.refs ?? [])
    if (byRefs) return byRefs
    const ref = REFERENCE.exec(m.subject)
    if (ref) {
      const byRef = await store.ticketByPrefix(ref[1].toLowerCase())
      if (byRef) return byRef
    }
    if (m.conversationId) return store.ticketOfConversation(conn.id, m.conversationId)
    return null
  }

  /** Opens the ticket a pending message was stored for (with the id chosen for it), once. */
  private async open(conn: Connection, row: MessageRow): Promise<Received> {
    const ticketId = row.ticketId as string
    const done = (status: MessageStatus, t: string | null): Received => ({
      messageId: row.id,
      ticketId: t,
      status,
      duplicate: false,
    })
    if (await this.storage.getTicket(ticketId)) {
      await this.storage.channels.setMessageTicket(row.id, ticketId, 'opened')
      return done('opened', ticketId)
    }
    try {
      const customer = await this.customerFor(row)
      await this.tickets.create(this.actorOf(conn), {
        id: ticketId,
        sopId: conn.sopId,
        channel: row.channel,
        customerId: customer?.id ?? null,
        subject: row.subject.replace(REFERENCE, '').trim() || row.subject,
        priority: conn.priority,
        queue: conn.queue,
      })
    } catch (err) {
      // The SOP cannot open tickets now (archived, unpublished): the message stays, unrouted.
      await this.storage.channels.setMessageTicket(row.id, null, 'unrouted')
      return { ...done('unrouted', null), error: (err as Error).message } as Received
    }
    await this.storage.channels.setMessageTicket(row.id, ticketId, 'opened')
    return done('opened', ticketId)
  }

  /** Finishes the messages a crash left between stored and ticket opened. */
  async recover(): Promise<number> {
    const pending = await this.storage.channels.messagesByStatus('pending', 1000)
    for (const row of pending) {
      const conn = await this.storage.channels.getConnection(row.connectionId)
      if (conn) await this.open(conn, row)
      else await this.storage.channels.setMessageTicket(row.id, null, 'unrouted')
    }
    return pending.length
  }

  /** The customer a message is from: found by e-mail or phone, else created with the sender's name. */
  async customerFor(row: MessageRow): Promise<Customer | null> {
    const store = this.storage.channels
    const email = row.sender.includes('@') ? row.sender.toLowerCase() : null
    const phone = email ? null : normalisePhone(row.sender, this.options.phoneRegion)
    if (email) {
      const [found] = await store.customersByEmail(email)
      if (found) return found
    } else if (phone) {
      const [found] = await this.customersByPhone(phone)
      if (found) return found
    } else return null
    const now = this.options.clock().toISOString()
    const customer: Customer = {
      id: newId('c'),
      name: row.senderName ?? email ?? phone ?? row.sender,
      phone,
      email,
      address: null,
      segment: null,
      createdAt: now,
      updatedAt: now,
    }
    await this.storage.createCustomer(customer)
    return customer
  }

  /** Customers whose phone is this number, however it was typed (`090 123 4567`, `+84 90 123 4567`). */
  async customersByPhone(phone: string): Promise<Customer[]> {
    const e164 = normalisePhone(phone, this.options.phoneRegion)
    if (!e164) return []
    const national = parsePhoneNumberFromString(e164)?.nationalNumber ?? ''
    const candidates = await this.storage.channels.customersByPhoneDigits(national)
    return candidates.filter((c) => c.phone && normalisePhone(c.phone, this.options.phoneRegion) === e164)
  }

  /** A ticket's conversation with attachments, oldest first. */
  async conversation(ticketId: string) {
    const messages = await this.storage.channels.messagesOfTicket(ticketId)
    const attachments = await this.storage.channels.attachmentsOf(messages.map((m) => m.id))
    return messages.map(({ raw: _raw, ...m }) => ({
      ...m,
      attachments: attachments
        .filter((a) => a.messageId === m.id)
        .map(({ sha256: _sha, messageId: _m, ...a }) => a),
    }))
  }

  /** An answer to the customer, kept in the conversation (shown on their status page). */
  async reply(user: User, ticketId: string, text: string): Promise<MessageRow> {
    const externalId = `<${newId('out')}@sopflow>`
    // The reply is a note to the customer in the ticket's chain: its delivery (mail from the
    // mailbox, or the gateway's webhook) goes into the outbox in the same commit.
    const t = await this.tickets.amend(
      user,
      ticketId,
      (cur) => ({
        ticket: cur,
        type: 'note',
        payload: {
          text,
          visibility: 'customer',
          messageId: externalId,
          ...(cur.status === 'closed' ? { late: true } : {}),
        },
        bump: false,
      }),
      undefined,
      { assigneeOnly: true },
    )
    const first = (await this.storage.channels.messagesOfTicket(t.id))[0]
    const row: MessageRow = {
      id: newId('msg'),
      connectionId: first?.connectionId ?? 'desk',
      ticketId: t.id,
      followsTicketId: null,
      direction: 'out',
      channel: first?.channel ?? t.channel,
      status: 'threaded',
      sender: user.name,
      senderName: user.name,
      subject: `Re: ${t.subject} [#${ticketReference(t.id)}]`,
      text,
      html: null,
      externalId,
      conversationId: first?.conversationId ?? null,
      refs: first?.externalId ? [first.externalId] : [],
      raw: null,
      at: this.options.clock().toISOString(),
    }
    await this.storage.channels.addMessage(row, [])
    return row
  }
}

function senderOf(m: Incoming): string {
  return (m.sender.email ?? m.sender.phone ?? m.sender.handle ?? 'unknown').trim().slice(0, 320)
}
