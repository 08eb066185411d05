import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js'
import type { FieldValue } from '../../engine/index.ts'
import { Problem } from '../http/problem.ts'
import { newId } from '../services/crypto.ts'
import { KeyedQueue } from '../services/keyedQueue.ts'
import type { TicketService } from '../services/tickets.ts'
import type { AttachmentRow, Connection, MessageRow, MessageStatus } from '../storage/channelTypes.ts'
import { RefusedError } from '../storage/refused.ts'
import type { Customer, OutboxRow, Storage, TicketRow, User } from '../storage/types.ts'
import type { AttachmentStore, IncomingFile } from './attachments.ts'
import { messageRecord, REFERENCE, ticketReference } from './reference.ts'

export { messageRecord, ticketReference }

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
  /** SOP field values the customer gave (a web form's asked fields): the new ticket's fields. */
  fields?: Record<string, FieldValue>
}

export interface Received {
  messageId: string
  ticketId: string | null
  /** The ticket's reference (T-1042), when the message is on a ticket. */
  reference: string | null
  status: MessageStatus
  /** The same provider message id was delivered before: nothing changed. */
  duplicate: boolean
}

/** A phone number in E.164 (+84901234567), or null when it is not one. */
export function normalisePhone(phone: string, region: string): string | null {
  const p = parsePhoneNumberFromString(phone, region as CountryCode)
  return p?.isPossible() ? p.number : null
}

/**
 * The conversation of tickets with their customers: every message in and out, stored before it
 * is acknowledged. A message on a ticket is a commit of that ticket: the message row, its
 * attachment rows and a `message` record in the ticket's chain (with a new customer and the
 * ticket itself when it opens one) commit together or not at all. Messages stored `pending` by
 * earlier versions (message first, ticket after) are finished by `recover()` at start.
 */
export class ConversationService {
  /** The notices a customer's message on an open ticket causes, written in the message's commit. */
  threadedNotices?: (m: MessageRow) => Promise<OutboxRow[]>
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
    return this.queue.run(key, async () => {
      try {
        return await this.receiveNow(conn, m)
      } catch (err) {
        // Another server stored the same delivery first: it is a duplicate, and nothing changed.
        const seen =
          err instanceof RefusedError && err.code === 'duplicate_message' && m.externalId
            ? await this.seen(conn, m.externalId)
            : null
        if (seen) return seen
        throw err
      }
    })
  }

  /** What a delivery of this provider message id stored before became. */
  private async seen(conn: Connection, externalId: string): Promise<Received | null> {
    const seen = await this.storage.channels.messageByExternalId(conn.id, externalId)
    if (!seen) return null
    const t = seen.ticketId ? await this.storage.getTicket(seen.ticketId) : null
    return {
      messageId: seen.id,
      ticketId: seen.ticketId,
      reference: t ? ticketReference(t) : null,
      status: seen.status,
      duplicate: true,
    }
  }

  private async receiveNow(conn: Connection, m: Incoming): Promise<Received> {
    const seen = m.externalId ? await this.seen(conn, m.externalId) : null
    // Stryker disable next-line ConditionalExpression: the store refuses a second row of the same provider id, and receive() answers that refusal alike
    if (seen) return seen
    const id = newId('msg')
    const attachments = await this.files.save(id, m.attachments ?? [])
    const row: MessageRow = {
      id,
      connectionId: conn.id,
      ticketId: null,
      followsTicketId: null,
      direction: 'in',
      channel: m.channel,
      // Stryker disable next-line StringLiteral: every path stores the row with its own status over this one
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
    const existing = target ? await this.storage.getTicket(target) : null
    if (existing?.status === 'open') return this.thread(conn, existing.id, row, attachments)
    if (existing && (await this.onClosedReply(existing)) === 'reopen')
      return this.reopenWith(conn, existing.id, row, attachments)
    // A reply on a closed ticket opens a linked follow-up.
    row.followsTicketId = existing?.id ?? null
    return this.open(conn, row, attachments, m.fields)
  }

  private async keep(
    row: MessageRow,
    attachments: AttachmentRow[],
    status: MessageStatus,
  ): Promise<Received> {
    await this.storage.channels.addMessage({ ...row, status }, attachments)
    return { messageId: row.id, ticketId: row.ticketId, reference: null, status, duplicate: false }
  }

  /** Adds a message to an open ticket's conversation: the message and its record in one commit. */
  private async thread(
    conn: Connection,
    ticketId: string,
    row: MessageRow,
    attachments: AttachmentRow[],
  ): Promise<Received> {
    const message = { ...row, ticketId, status: 'threaded' as const }
    // The assignee's and watchers' notices commit with the message, so none is lost.
    const notices = (await this.threadedNotices?.(message)) ?? []
    const t = await this.tickets.amend(this.actorOf(conn), ticketId, (cur) => ({
      ticket: cur,
      type: 'message',
      payload: messageRecord(message, attachments),
      bump: false,
      with: { messages: [{ message, attachments }], outbox: notices },
    }))
    return {
      messageId: row.id,
      ticketId,
      reference: ticketReference(t),
      status: 'threaded',
      duplicate: false,
    }
  }

  /** What the ticket's SOP says a customer's reply on the closed ticket does. */
  private async onClosedReply(t: TicketRow): Promise<'reopen' | 'followUp'> {
    const sop = await this.tickets.sopFor(t.sopId, t.sopVersion)
    return sop.document.closedReply?.mode === 'reopen' ? 'reopen' : 'followUp'
  }

  /** Reopens a closed ticket at the step its SOP names, with the customer's message, in one commit. */
  private async reopenWith(
    conn: Connection,
    ticketId: string,
    row: MessageRow,
    attachments: AttachmentRow[],
  ): Promise<Received> {
    const message = { ...row, ticketId, status: 'reopened' as const }
    const t = await this.tickets.reopen(this.actorOf(conn), ticketId, {
      row: message,
      attachments,
      record: messageRecord(message, attachments),
    })
    return {
      messageId: row.id,
      ticketId,
      reference: ticketReference(t),
      status: 'reopened',
      duplicate: false,
    }
  }

  /** The ticket a message continues: by the ids it answers, a reference in its subject, or its conversation. */
  private async threadOf(conn: Connection, m: Incoming): Promise<string | null> {
    const store = this.storage.channels
    const byRefs = await store.ticketOfExternalIds(m.refs ?? [])
    if (byRefs) return byRefs
    const ref = REFERENCE.exec(m.subject)?.[1].toLowerCase()
    if (ref) {
      const byNumber = /^\d+$/.test(ref) ? await store.ticketByNumber(Number(ref)) : null
      const byRef = byNumber ?? (await store.ticketByPrefix(ref))
      if (byRef) return byRef
    }
    if (m.conversationId) return store.ticketOfConversation(conn.id, m.conversationId)
    return null
  }

  /**
   * Opens a ticket with its first message: the customer (when new), the ticket, the message and
   * their records commit together. Field values the engine refuses are refused here, writing
   * nothing; an SOP that cannot open tickets now (archived, unpublished) leaves the message unrouted.
   */
  private async open(
    conn: Connection,
    row: MessageRow,
    attachments: AttachmentRow[],
    fields?: Record<string, FieldValue>,
  ): Promise<Received> {
    const ticketId = newId('t')
    const message = { ...row, ticketId, status: 'opened' as const }
    const found = await this.customerFor(row)
    let t: TicketRow
    try {
      t = await this.tickets.create(this.actorOf(conn), {
        id: ticketId,
        sopId: conn.sopId,
        channel: row.channel,
        customerId: found?.customer.id ?? null,
        subject: row.subject.replace(REFERENCE, '').trim() || row.subject,
        priority: conn.priority,
        queue: conn.queue,
        ...(fields && Object.keys(fields).length ? { fields } : {}),
        inbound: {
          ...(found?.isNew ? { customer: found.customer } : {}),
          message: { row: message, attachments, record: messageRecord(message, attachments) },
        },
      })
    } catch (err) {
      if (err instanceof Problem && REFUSED_INPUT.has(err.code)) throw err
      if (!(err instanceof Problem)) throw err
      return { ...(await this.keep(row, attachments, 'unrouted')), error: err.message } as Received
    }
    return { messageId: row.id, ticketId, reference: ticketReference(t), status: 'opened', duplicate: false }
  }

  /** Finishes the messages an earlier version stored `pending` (message first, ticket after). */
  async recover(): Promise<number> {
    const pending = await this.storage.channels.messagesByStatus('pending', 1000)
    for (const row of pending) {
      const conn = await this.storage.channels.getConnection(row.connectionId)
      if (conn) await this.openPending(conn, row)
      else await this.storage.channels.setMessageTicket(row.id, null, 'unrouted')
    }
    return pending.length
  }

  /** Opens the ticket a pending message was stored for (with the id chosen for it), once. */
  private async openPending(conn: Connection, row: MessageRow): Promise<void> {
    const ticketId = row.ticketId as string
    if (!(await this.storage.getTicket(ticketId))) {
      try {
        const found = await this.customerFor(row)
        const attachments = await this.storage.channels.attachmentsOf([row.id])
        await this.tickets.create(this.actorOf(conn), {
          id: ticketId,
          sopId: conn.sopId,
          channel: row.channel,
          customerId: found?.customer.id ?? null,
          subject: row.subject.replace(REFERENCE, '').trim() || row.subject,
          priority: conn.priority,
          queue: conn.queue,
          inbound: {
            ...(found?.isNew ? { customer: found.customer } : {}),
            // The message row is stored already: only its record joins the ticket's chain.
            message: { record: messageRecord({ ...row, ticketId }, attachments) },
          },
        })
      } catch {
        await this.storage.channels.setMessageTicket(row.id, null, 'unrouted')
        return
      }
    }
    await this.storage.channels.setMessageTicket(row.id, ticketId, 'opened')
  }

  /**
   * The customer a message is from: found by e-mail or phone, else a new one with the sender's
   * name (`isNew`: not stored yet; it is stored with the ticket it opens).
   */
  async customerFor(row: MessageRow): Promise<{ customer: Customer; isNew: boolean } | null> {
    const store = this.storage.channels
    const email = row.sender.includes('@') ? row.sender.toLowerCase() : null
    const phone = email ? null : normalisePhone(row.sender, this.options.phoneRegion)
    if (email) {
      const [found] = await store.customersByEmail(email)
      if (found) return { customer: found, isNew: false }
    } else if (phone) {
      const [found] = await this.customersByPhone(phone)
      if (found) return { customer: found, isNew: false }
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
    return { customer, isNew: true }
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
    const follows = new Map<string, string>()
    for (const id of new Set(messages.map((m) => m.followsTicketId).filter((x) => x !== null))) {
      const t = await this.storage.getTicket(id)
      follows.set(id, ticketReference(t ?? { id }))
    }
    return messages.map(({ raw: _raw, ...m }) => ({
      ...m,
      followsReference: m.followsTicketId ? (follows.get(m.followsTicketId) ?? null) : null,
      attachments: attachments
        .filter((a) => a.messageId === m.id)
        .map(({ sha256: _sha, messageId: _m, ...a }) => a),
    }))
  }

  /**
   * An answer to the customer, kept in the conversation (shown on their status page). It is a note
   * to the customer in the ticket's chain, whose delivery (mail from the mailbox, or the gateway's
   * webhook) goes into the outbox, and a `message` record with the message row: all in one commit.
   */
  async reply(user: User, ticketId: string, text: string): Promise<MessageRow> {
    const externalId = `<${newId('out')}@sopflow>`
    const first = (await this.storage.channels.messagesOfTicket(ticketId))[0]
    const at = this.options.clock().toISOString()
    let row: MessageRow | null = null
    await this.tickets.amend(
      user,
      ticketId,
      (cur) => {
        const message: MessageRow = {
          id: newId('msg'),
          connectionId: first?.connectionId ?? 'desk',
          ticketId: cur.id,
          followsTicketId: null,
          direction: 'out',
          channel: first?.channel ?? cur.channel,
          status: 'threaded',
          sender: user.name,
          senderName: user.name,
          subject: `Re: ${cur.subject} [#${ticketReference(cur)}]`,
          text,
          html: null,
          externalId,
          conversationId: first?.conversationId ?? null,
          refs: first?.externalId ? [first.externalId] : [],
          raw: null,
          at,
        }
        row = message
        return {
          ticket: cur,
          type: 'note',
          payload: {
            text,
            visibility: 'customer',
            messageId: externalId,
            ...(cur.status === 'closed' ? { late: true } : {}),
          },
          bump: false,
          also: [{ type: 'message', payload: messageRecord(message, []) }],
          with: { messages: [{ message, attachments: [] }] },
        }
      },
      undefined,
      { assigneeOnly: true },
    )
    return row as unknown as MessageRow
  }
}

/** Refusals of what the customer gave (a form's field values): nothing is written for them. */
const REFUSED_INPUT = new Set(['unknown_field', 'invalid_field_value', 'invalid_input', 'missing_fields'])

function senderOf(m: Incoming): string {
  return (m.sender.email ?? m.sender.phone ?? m.sender.handle ?? 'unknown').trim().slice(0, 320)
}
