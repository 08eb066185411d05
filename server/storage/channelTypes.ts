import type { Customer, Priority } from './types.ts'

/** How customers reach the desk: a mailbox, a public web form, or a gateway posting webhooks. */
export const CONNECTION_KINDS = ['email', 'form', 'webhook'] as const
export type ConnectionKind = (typeof CONNECTION_KINDS)[number]

export interface ConnectionSettings {
  /** Names of SOP fields a web form asks of the customer. */
  askFields?: string[]
  /** The language of a web form (en, vi, cs); the SOP's language when not given. */
  language?: string
  /** The form page's title. */
  title?: string
  /** A webhook connection's outbound URL: replies to its customers are posted there, signed. */
  replyUrl?: string
  /** The reply URL may be a loopback or private address. */
  replyAllowPrivate?: boolean
}

export interface Connection {
  id: string
  kind: ConnectionKind
  name: string
  /** A mailbox's address (lower case), a form's slug, or a webhook connection's name in its URL. */
  address: string
  /** The ticket channel its messages arrive on (email, web, chat, sms, social, ivr…). */
  channel: string
  sopId: string
  queue: string | null
  priority: Priority
  /** The Standard Webhooks signing secret (`whsec_…`) of a webhook connection. */
  secret: string | null
  settings: ConnectionSettings
  enabled: boolean
  createdAt: string
  updatedAt: string
}

/**
 * `pending`: stored, its new ticket not yet confirmed; `opened`: it opened its ticket; `threaded`:
 * added to an existing ticket; `reopened`: it reopened its closed ticket; `noise`: an auto-reply or bounce (never opens or answers anything);
 * `malformed`: kept raw for inspection; `unrouted`: stored, but no ticket could be opened.
 */
export type MessageStatus =
  | 'pending'
  | 'opened'
  | 'threaded'
  | 'reopened'
  | 'noise'
  | 'malformed'
  | 'unrouted'

export interface AttachmentRow {
  id: string
  messageId: string
  /** Content address of the stored file; null when it was refused. */
  sha256: string | null
  filename: string
  contentType: string
  size: number
  /** Why it was not stored (too large, type not allowed). */
  refused: string | null
}

export interface MessageRow {
  id: string
  connectionId: string
  ticketId: string | null
  /** The closed ticket this message's new ticket follows up. */
  followsTicketId: string | null
  direction: 'in' | 'out'
  channel: string
  status: MessageStatus
  /** The sender's address: e-mail, phone or handle. */
  sender: string
  senderName: string | null
  subject: string
  text: string
  html: string | null
  /** RFC 5322 Message-ID or the provider's message id. */
  externalId: string | null
  conversationId: string | null
  /** The message ids this one answers (In-Reply-To and References). */
  refs: string[]
  raw: Buffer | null
  at: string
}

export interface ChannelStore {
  createConnection(c: Connection): Promise<void>
  updateConnection(c: Connection): Promise<void>
  deleteConnection(id: string): Promise<void>
  getConnection(id: string): Promise<Connection | null>
  connectionByAddress(address: string): Promise<Connection | null>
  listConnections(): Promise<Connection[]>

  /** Stores a message and its attachment rows in one transaction. */
  addMessage(m: MessageRow, attachments: AttachmentRow[]): Promise<void>
  setMessageTicket(id: string, ticketId: string | null, status: MessageStatus): Promise<void>
  messageByExternalId(connectionId: string, externalId: string): Promise<MessageRow | null>
  /** The ticket of the first message (any connection) with one of these ids. */
  ticketOfExternalIds(ids: string[]): Promise<string | null>
  /** The ticket of the latest message of a conversation. */
  ticketOfConversation(connectionId: string, conversationId: string): Promise<string | null>
  /** The id of the ticket whose id starts with this prefix (a reference like T-1a2b3c4d). */
  ticketByPrefix(prefix: string): Promise<string | null>
  /** The id of the ticket with this sequential number (a reference like T-1042). */
  ticketByNumber(n: number): Promise<string | null>
  messagesOfTicket(ticketId: string): Promise<MessageRow[]>
  messagesByStatus(status: MessageStatus, limit: number): Promise<MessageRow[]>
  attachmentsOf(messageIds: string[]): Promise<AttachmentRow[]>
  getAttachment(id: string): Promise<(AttachmentRow & { ticketId: string | null }) | null>

  addStatusLink(tokenHash: string, ticketId: string, connectionId: string, now: string): Promise<void>
  statusLink(
    tokenHash: string,
  ): Promise<{ ticketId: string; connectionId: string; revokedAt: string | null } | null>
  revokeStatusLinks(ticketId: string, now: string): Promise<number>

  customersByEmail(email: string): Promise<Customer[]>
  /** Customers whose phone, without separators, ends with these digits. */
  customersByPhoneDigits(digits: string): Promise<Customer[]>
}
