import type { CompiledSop, FieldValue, TicketPrompt } from '../../engine/index.ts'
import type { AttachmentRow, MessageRow } from '../storage/channelTypes.ts'
import type { GroupCommitter } from '../storage/groupCommit.ts'
import type {
  AuditRow,
  AuditType,
  Customer,
  IdempotencyRow,
  OutboxRow,
  Priority,
  Storage,
  TicketCommit,
  TicketRow,
  TimerRow,
  User,
} from '../storage/types.ts'
import type { ViewCache } from './viewCache.ts'

export type Clock = () => Date

export interface TicketView {
  ticket: Omit<TicketRow, 'auditSeq' | 'auditHead'> & { auditSeq: number; auditHead: string | null }
  prompt: TicketPrompt
  /** Who the ticket is assigned to (only they, or a supervisor, may work it). */
  assignee: { id: string; name: string } | null
  customer: Customer | null
  timers: TimerRow[]
  notes: { seq: number; at: string; authorId: string; text: string; visibility: string; late?: boolean }[]
  sop: { id: string; version: number; title: string }
  /**
   * Bound fields still empty on the ticket, with the value of what they are bound to now (the
   * customer's current details): the web app shows them filled and sends them with the next action.
   */
  bound: Record<string, FieldValue>
}

export interface CreateTicket {
  sopId: string
  channel: string
  customerId?: string | null
  subject: string
  priority?: Priority
  fields?: Record<string, string | number | boolean | null>
  queue?: string | null
  /** The creator takes the ticket at once (intake of a phone call or a walk-in). */
  assignToMe?: boolean
  /** The new ticket's id, chosen beforehand. */
  id?: string
  /**
   * What a channel commits with the new ticket, atomically: the customer it creates (used instead
   * of `customerId`), and the first message, recorded in the chain right after `created`.
   */
  inbound?: { customer?: Customer; message?: ChannelMessage }
}

/** A conversation message committed with a ticket operation, and the payload of its `message` record. */
export interface ChannelMessage {
  /** Absent when the message row is stored already (one an earlier version stored first). */
  row?: MessageRow
  attachments?: AttachmentRow[]
  record: Record<string, unknown>
}

/** What `amend` writes: the row after the change, its record, and rows stored with it. */
export interface Amendment {
  ticket: TicketRow
  type: AuditType
  payload: unknown
  bump: boolean
  with?: Pick<TicketCommit, 'customers' | 'messages' | 'outbox'>
  /** Further records written after the first, in the same commit. */
  also?: { type: AuditType; payload: unknown }[]
}

export interface Idempotency {
  key: string
  fingerprint: string
}

/** What the ticket operations split out of the service reach it by. */
export interface TicketDeps {
  storage: Storage
  /** Commits one ticket operation (through the group committer). */
  committer: Pick<GroupCommitter, 'commit'>
  /** The kept timers and notes of tickets' views. */
  views: ViewCache
  now(): string
  sopFor(sopId: string, version: number): Promise<CompiledSop>
  get(id: string): Promise<TicketRow>
  actorFor(user: User): Promise<{ id: string; role: string; roles?: string[] }>
  /** The stored outcome of an earlier request with this key; refuses a key reused for another request. */
  replayed(user: User, idem: Idempotency): Promise<IdempotencyRow | null>
  /** Keeps a committed row as the start of this process's next write to the ticket. */
  remember(t: TicketRow): void
  /** Drops the kept row of a ticket (a commit went through without it, or failed). */
  forget(id: string): void
  /** When this commit closes the ticket: appends the closing record (the survey draw) to `audit`. */
  closing(
    sop: CompiledSop,
    t: TicketRow,
    next: TicketRow,
    audit: AuditRow[],
    now: string,
  ): Promise<OutboxRow[]>
}

/** How often a write is tried again after a concurrent commit got in first. */
export const MAX_RETRIES = 8
