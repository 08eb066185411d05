import type { SopDocument, TicketState } from '../../engine/index.ts'
import type { NoticeStore } from '../notifications/notifications.ts'
import type { OutboxStore } from '../outbox/outbox.ts'
import type { AccessStorage } from './accessTypes.ts'
import type { AttachmentRow, ChannelStore, MessageRow } from './channelTypes.ts'
import type { CalendarStore } from './sqliteCalendars.ts'
import type { TeamStore } from './sqliteTeams.ts'

/**
 * The storage interface the API is written against. The embedded implementation is SQLite
 * (./sqlite.ts); another database (PostgreSQL) implements the same interface without touching
 * routes or services. Every method is asynchronous so that network databases fit.
 */

export const ROLES = ['admin', 'owner', 'agent', 'senior_agent', 'supervisor', 'auditor'] as const
export type Role = (typeof ROLES)[number]

export const SEGMENTS = ['loyal', 'potential', 'interested', 'negative'] as const
export type Segment = (typeof SEGMENTS)[number]

export interface User {
  id: string
  name: string
  role: Role
  team: string | null
  createdAt: string
  /** When the user was disabled (refused at the next request), or null. */
  disabledAt?: string | null
  /** Organisation roles (beyond the built-in role) that qualify the user for SOP steps naming them. */
  orgRoles?: string[]
}

export interface SopRecord {
  id: string
  /** The draft document as last saved: any JSON object, valid or not. */
  draft: Record<string, unknown>
  /** Counts the saves of the draft: 1 when created, one more with every save. */
  draftRevision?: number
  archived: boolean
  createdAt: string
  updatedAt: string
  createdBy: string
}

export interface SopSummaryRow {
  id: string
  title: string
  department: string
  language: string
  latestVersion: number | null
  archived: boolean
  updatedAt: string
}

export interface SopVersionMeta {
  version: number
  hash: string
  publishedAt: string
  publishedBy: string
}

export interface SopVersion extends SopVersionMeta {
  sopId: string
  document: SopDocument
  /** The document exactly as stored (canonical JSON): `hash` is SHA-256 over these UTF-8 bytes. */
  text?: string
}

export interface Customer {
  id: string
  name: string
  phone: string | null
  email: string | null
  address: string | null
  segment: Segment | null
  createdAt: string
  updatedAt: string
}

export interface Survey {
  id: string
  customerId: string
  ticketId: string | null
  /** Customer satisfaction, 1–5. */
  csat: number | null
  /** Likelihood to recommend, 0–10. */
  nps: number | null
  /** Customer effort, 1–7 (lower is easier). */
  ces: number | null
  comment: string | null
  at: string
  createdBy: string
}

export type Priority = 'low' | 'normal' | 'high' | 'urgent'

export interface TicketRow {
  id: string
  sopId: string
  sopVersion: number
  sopHash: string
  channel: string
  customerId: string | null
  subject: string
  status: 'open' | 'closed'
  outcome: string | null
  priority: Priority
  assigneeId: string | null
  queue: string | null
  /** Optimistic concurrency: bumped by every change of state or assignment. */
  version: number
  createdAt: string
  updatedAt: string
  closedAt: string | null
  /** Earliest SLA deadline of the active steps (null when none). */
  dueAt: string | null
  /** Active leaf steps. */
  steps: string[]
  state: TicketState
  /** Number of audit records and the hash of the last one. */
  auditSeq: number
  auditHead: string | null
  /**
   * The ticket's sequential number (its reference is `T-` and the number), taken from the storage
   * when the ticket is created and recorded in its `created` record; null on a ticket numbered by
   * the upgrade that introduced numbers.
   */
  number?: number | null
}

export const AUDIT_TYPES = [
  'created',
  'transition',
  'update',
  'override',
  'timer',
  'note',
  'assignment',
  'rejected',
  'message',
  'reopen',
  /** A customer survey: the draw when the ticket closed, or the customer's answer. */
  'survey',
  /** Someone starts or stops watching the ticket. */
  'watch',
] as const
export type AuditType = (typeof AUDIT_TYPES)[number]
/** Audit types whose payload is an engine TransitionRecord (replayed by verify). */
export const RECORD_TYPES: readonly AuditType[] = ['transition', 'update', 'override', 'timer', 'reopen']

export interface AuditRow {
  ticketId: string
  seq: number
  type: AuditType
  at: string
  actorId: string
  role: string
  payload: unknown
  prevHash: string | null
  hash: string
  /** The record's index in the installation's Merkle ledger (set when it is committed). */
  leaf?: number | null
}

/** A signed tree head of the ledger: its size, root hash (hex), time, key id and Ed25519 signature (base64). */
export interface TreeHeadRow {
  size: number
  root: string
  timestamp: string
  keyId: string
  signature: string
}

export interface TimerRow {
  ticketId: string
  id: string
  kind: 'sla' | 'delay' | 'policy'
  stepId: string
  transitionId: string | null
  dueAt: string
}

export interface IdempotencyRow {
  userId: string
  key: string
  /** Hash of method, path and body: a key reused for another request is refused. */
  fingerprint: string
  ticketId: string | null
  status: number
  createdAt: string
}

/** Everything one accepted ticket operation writes, applied atomically. */
export interface TicketCommit {
  /** The ticket row after the operation. */
  ticket: TicketRow
  /** null: the ticket is new. Otherwise the row must still be at this version and audit length. */
  expected: { version: number; auditSeq: number } | null
  audit: AuditRow[]
  scheduleTimers: TimerRow[]
  /** Timer ids of this ticket to remove (cancelled, or the one that fired). */
  removeTimers: string[]
  idempotency?: IdempotencyRow
  /** Messages the operation causes (server/outbox): written in the same transaction, sent later. */
  outbox?: OutboxRow[]
  /** Customers the operation creates (a channel's new sender): inserted before the ticket. */
  customers?: Customer[]
  /** Messages of the ticket's conversation the operation stores, with their attachment rows. */
  messages?: { message: MessageRow; attachments: AttachmentRow[] }[]
}

/** A message waiting in the outbox (see server/outbox/outbox.ts). */
export interface OutboxRow {
  /** Stable: the Message-ID of a mail, the `webhook-id` of a webhook, on every attempt. */
  id: string
  kind: 'mail' | 'webhook' | 'notify'
  ticketId: string | null
  /** The event that caused it (ticket.created, reply, …). */
  event: string
  /** The address or URL it goes to. */
  target: string
  subscriptionId: string | null
  payload: Record<string, unknown>
  createdAt: string
  /** When it is first tried. */
  nextAt: string
}

export type CommitOutcome = { ok: true } | { ok: false; error: Error }

export interface TicketFilter {
  status?: 'open' | 'closed'
  step?: string
  assigneeId?: string
  /** Only tickets nobody is assigned to. */
  unassigned?: boolean
  /** Only tickets this team member may read: their own, their team's, unassigned work of their team or none. */
  visibleTo?: { userId: string; team: string }
  /** Only tickets whose current steps name this team as responsible. */
  team?: string
  /** Only this person's work queue: unassigned open work their team and roles may take. */
  workQueue?: { team: string | null; roles: readonly string[]; lead?: boolean }
  queue?: string
  channel?: string
  sopId?: string
  customerId?: string
  /** Open tickets past their SLA deadline at `now`. */
  overdue?: boolean
  /** Text found in the ticket id, subject, or the customer's name, phone (digits) or e-mail. */
  search?: string
  /**
   * `urgency` (default): overdue first, then priority, nearest deadline, oldest; `due`: nearest
   * deadline first; `priority`: highest first; `created`: newest first.
   */
  sort?: TicketSort
  now: string
  limit: number
  offset: number
}

export const TICKET_SORTS = ['urgency', 'due', 'priority', 'created'] as const
export type TicketSort = (typeof TICKET_SORTS)[number]

export interface MetricsFilter {
  sopId?: string
  sopVersion?: number
  channel?: string
  team?: string
  /** Tickets created in [from, to). */
  from?: string
  to?: string
  /** `exclude`: surveys entered by agents do not count (only the customers' own answers). */
  agentSurveys?: 'include' | 'exclude'
}

/** The auditor's ticket search: newest first. */
export interface TicketSearch {
  /** A ticket id (or part of one), the customer's name, phone or e-mail, or text of the subject or a note. */
  q?: string
  sopId?: string
  sopVersion?: number
  status?: 'open' | 'closed'
  outcome?: string
  channel?: string
  assigneeId?: string
  /** Tickets created in [from, to). */
  from?: string
  to?: string
  limit: number
  offset: number
}

export interface TicketSearchResult {
  rows: (TicketRow & { customerName: string | null })[]
  /** How many tickets match, over all pages. */
  total: number
}

export class ConflictError extends Error {
  override readonly name = 'ConflictError'
  constructor(
    readonly code: string,
    message: string,
    /** What the client needs to resolve the conflict (rendered as the problem's `params`). */
    readonly params?: Record<string, unknown>,
  ) {
    super(message)
  }
}

/** Hands out ticket numbers: unique and increasing; one whose ticket never commits is skipped. */
export interface TicketNumbers {
  next(): Promise<number>
}

export interface Storage {
  readonly kind: string
  /** API tokens, user administration and the admin-actions log (./accessTypes.ts). */
  readonly access: AccessStorage
  /** Channel connections and the conversation of every ticket. */
  readonly channels: ChannelStore
  /** The database file, when a second (read-only) connection can open it; null for one in memory. */
  readonly file?: string | null
  /** Teams and organisation roles. */
  readonly teams: TeamStore
  /** Calendars, in versions, and the versions each SOP version pins. */
  readonly calendars: CalendarStore
  /** Messages waiting to go out (written with ticket commits), their deliveries, webhook subscriptions. */
  readonly outbox: OutboxStore
  /** The notices of the bell and each user's e-mail setting for them. */
  readonly notices: NoticeStore
  /** The sequential numbers of new tickets (their references, T-1042). */
  readonly ticketNumbers: TicketNumbers
  close(): Promise<void>

  // Users and tokens
  countUsers(): Promise<number>
  createUser(user: User, tokenHash: string, tokenLabel: string): Promise<User>
  addToken(userId: string, tokenHash: string, label: string, now: string): Promise<void>
  getUser(id: string): Promise<User | null>
  listUsers(): Promise<User[]>

  // SOPs
  createSop(sop: SopRecord): Promise<void>
  getSop(id: string): Promise<SopRecord | null>
  listSops(includeArchived: boolean): Promise<SopSummaryRow[]>
  /**
   * Saves the draft and returns its new revision. With `baseRevision`, the save applies only if the
   * stored draft is still at that revision; otherwise it throws a ConflictError `draft_conflict`.
   */
  saveDraft(id: string, draft: Record<string, unknown>, now: string, baseRevision?: number): Promise<number>
  setArchived(id: string, archived: boolean, now: string): Promise<void>
  /**
   * Appends the next numbered version of an SOP (numbering is atomic), pinning the latest version
   * of each calendar named in `pinCalendars` in the same transaction.
   */
  publishVersion(v: Omit<SopVersion, 'version'>, pinCalendars?: readonly string[]): Promise<SopVersion>
  getVersion(sopId: string, version: number): Promise<SopVersion | null>
  latestVersion(sopId: string): Promise<SopVersion | null>
  listVersions(sopId: string): Promise<SopVersionMeta[]>

  // Customers and surveys
  createCustomer(c: Customer): Promise<void>
  updateCustomer(c: Customer): Promise<void>
  getCustomer(id: string): Promise<Customer | null>
  searchCustomers(q: string | null, limit: number): Promise<Customer[]>
  addSurvey(s: Survey): Promise<void>
  listSurveys(filter: {
    customerId?: string
    ticketIds?: string[]
    from?: string
    to?: string
  }): Promise<Survey[]>

  // Tickets, audit, timers
  getTicket(id: string): Promise<TicketRow | null>
  listTickets(filter: TicketFilter): Promise<TicketRow[]>
  /** Applies each unit atomically, all in as few transactions as possible (group commit). */
  commitTickets(units: TicketCommit[]): Promise<CommitOutcome[]>
  getAudit(ticketId: string, types?: readonly AuditType[]): Promise<AuditRow[]>
  listTimers(ticketId: string): Promise<TimerRow[]>
  dueTimers(now: string, limit: number): Promise<TimerRow[]>
  /**
   * Claims up to `limit` due timers that no server holds (or whose lease lapsed) until `leaseUntil`,
   * earliest first: concurrent claims, from any process, never return the same timer.
   */
  claimTimers(now: string, leaseUntil: string, limit: number): Promise<TimerRow[]>
  /** Frees every timer lease (at the start of the one process on a database); returns how many. */
  releaseTimerLeases(): Promise<number>
  nextTimerDue(): Promise<string | null>
  getIdempotency(userId: string, key: string): Promise<IdempotencyRow | null>
  ticketsForMetrics(filter: MetricsFilter): Promise<TicketRow[]>
  auditForTickets(ticketIds: string[]): Promise<Map<string, AuditRow[]>>
  searchTickets(search: TicketSearch): Promise<TicketSearchResult>

  /** The stored sort rank of a ticket's priority (a column derived from the priority). */
  ticketPriorityRank(id: string): Promise<number | null>

  // The Merkle ledger over every audit record (appended by commitTickets)
  ledgerSize(): Promise<number>
  /**
   * The stored hashes of perfect subtrees, each `[level, index]` (level 0: leaf hashes), in the
   * order asked. A node the ledger does not have is an error.
   */
  ledgerNodes(nodes: readonly (readonly [number, number])[]): Promise<Uint8Array[]>
  ledgerRecord(leaf: number): Promise<AuditRow | null>
  saveTreeHead(head: TreeHeadRow): Promise<void>
  /** The signed head of that size, or the latest. */
  treeHead(size?: number): Promise<TreeHeadRow | null>
}
