import {
  type CompiledSop,
  calendarsDigest,
  type Decision,
  decide,
  type FieldValue,
  prompt,
  slaDueMs,
  slaHeld,
  start,
  type TicketInput,
  type TicketPrompt,
  type TicketState,
} from '../../engine/index.ts'
import { compilePinned } from '../calendars/store.ts'
import { notFound, Problem } from '../http/problem.ts'
import type { LedgerService } from '../ledger/ledger.ts'
import type { AttachmentRow, MessageRow } from '../storage/channelTypes.ts'
import type { GroupCommitter } from '../storage/groupCommit.ts'
import {
  type AuditRow,
  type AuditType,
  ConflictError,
  type Customer,
  type OutboxRow,
  type Priority,
  type Storage,
  type TicketCommit,
  type TicketRow,
  type TimerRow,
  type User,
} from '../storage/types.ts'
import { createWithFreshNumber } from './createTicketRetry.ts'
import { linkHash, newId, sha256 } from './crypto.ts'
import { buildEvidence } from './evidence.ts'
import { KeyedQueue } from './keyedQueue.ts'
import { requireQualified, responsibility } from './responsibility.ts'
import { entryOf, type VerifyResult, verifyAudit } from './verification.ts'

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

const MAX_RETRIES = 8
/** Refusals of malformed input (not of an attempt the SOP forbids): they leave no record. */
const MALFORMED = new Set(['unknown_field', 'invalid_field_value', 'invalid_input'])

/**
 * Ticket operations: each reads the ticket, asks the engine to decide, and commits the new state,
 * its audit records and timers atomically (through the group committer) before answering.
 */
export class TicketService {
  private readonly compiled = new Map<string, CompiledSop>()
  /** Unversioned changes to one ticket (notes, assignments, updates) queue behind each other. */
  private readonly amending = new KeyedQueue()
  /**
   * The rows this process last committed, per ticket (most recent 10,000). A write starts from
   * its ticket's row here instead of reading it back, and hands the engine the very state object
   * it returned, so the engine reuses its resolved machine snapshot. Every commit still checks the
   * stored version, so a row changed elsewhere is only a conflict: the entry is dropped and the
   * write retried from the database.
   */
  private readonly rows = new Map<string, TicketRow>()
  /**
   * A record added to the commit that closes a ticket (the survey draw), with the messages it
   * causes: both commit with the closing, in the same chain.
   */
  closingRecord?: (
    t: TicketRow,
    sop: CompiledSop,
    seq: number,
    now: string,
  ) => Promise<{ payload: unknown; outbox: OutboxRow[] } | null>

  constructor(
    private readonly storage: Storage,
    private readonly committer: GroupCommitter,
    private readonly clock: Clock,
    private readonly ledger?: LedgerService,
  ) {}

  now(): string {
    return this.clock().toISOString()
  }

  /** The compiled SOP version a ticket is pinned to (compiled once per process). */
  async sopFor(sopId: string, version: number): Promise<CompiledSop> {
    const key = `${sopId}@${version}`
    let sop = this.compiled.get(key)
    if (!sop) {
      const v = await this.storage.getVersion(sopId, version)
      if (!v) throw notFound('SOP version', key)
      sop = await compilePinned(this.storage, v)
      this.compiled.set(key, sop)
    }
    return sop
  }

  async get(id: string): Promise<TicketRow> {
    const t = await this.storage.getTicket(id)
    if (!t) throw notFound('Ticket', id)
    const cached = this.rows.get(id)
    if (cached && cached.version === t.version && cached.state.head === t.state.head) t.state = cached.state
    return t
  }

  /** The ticket as a write starts from it: this process's last committed row, else the stored one. */
  private async forWrite(id: string, version?: number): Promise<TicketRow> {
    const cached = this.rows.get(id)
    if (cached && (version === undefined || cached.version === version)) return { ...cached }
    this.rows.delete(id)
    return this.get(id)
  }

  private remember(t: TicketRow): void {
    this.rows.delete(t.id)
    this.rows.set(t.id, t)
    if (this.rows.size > 10_000) this.rows.delete(this.rows.keys().next().value as string)
  }

  /** Opens a ticket; a number another server took first is replaced by a fresh one. */
  create(user: User, input: CreateTicket, idem?: Idempotency): Promise<TicketRow> {
    return createWithFreshNumber(() => this.createOnce(user, input, idem))
  }

  private async createOnce(user: User, input: CreateTicket, idem?: Idempotency): Promise<TicketRow> {
    if (idem) {
      const seen = await this.replayed(user, idem)
      if (seen?.ticketId) return this.get(seen.ticketId)
    }
    const sopRec = await this.storage.getSop(input.sopId)
    if (!sopRec) throw notFound('SOP', input.sopId)
    if (sopRec.archived)
      throw new Problem(422, 'sop_archived', `SOP "${input.sopId}" is archived`, { id: input.sopId })
    const latest = await this.storage.latestVersion(input.sopId)
    if (!latest)
      throw new Problem(422, 'sop_not_published', `SOP "${input.sopId}" has no published version yet`, {
        id: input.sopId,
      })
    const newCustomer = input.inbound?.customer
    const customerId = newCustomer?.id ?? input.customerId ?? null
    const customer = newCustomer ?? (customerId ? await this.storage.getCustomer(customerId) : null)
    if (customerId && !customer) throw notFound('Customer', customerId)
    const sop = await this.sopFor(input.sopId, latest.version)
    const now = this.now()
    // Bound fields are filled from the customer and the intake form, unless given explicitly.
    const bound = boundValues(sop, { customer, subject: input.subject, channel: input.channel })
    for (const k of Object.keys(input.fields ?? {})) delete bound[k]
    const actor = await this.actorFor(user)
    const startWith = (b: Record<string, FieldValue>) =>
      start(sop, {
        actor,
        now,
        fields: { ...b, ...input.fields },
        priority: input.priority,
      })
    let d = startWith(bound)
    // A customer's detail that does not fit its bound field (a malformed phone) is left for the agent.
    if (!d.ok && d.rejection.code === 'invalid_field_value') {
      const bad = new Set((d.rejection.fields ?? []).map((f) => f.field))
      d = startWith(Object.fromEntries(Object.entries(bound).filter(([k]) => !bad.has(k))))
    }
    if (!d.ok) throw rejection(d)
    const id = input.id ?? newId('t')
    const number = await this.storage.ticketNumbers.next()
    const base: TicketRow = {
      id,
      sopId: input.sopId,
      sopVersion: latest.version,
      sopHash: sop.hash,
      channel: input.channel,
      customerId,
      subject: input.subject,
      status: 'open',
      outcome: null,
      priority: input.priority ?? 'normal',
      assigneeId: input.assignToMe ? user.id : null,
      queue: input.queue ?? null,
      version: 0,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      dueAt: null,
      steps: [],
      state: d.state,
      auditSeq: 0,
      auditHead: null,
      number,
    }
    const ticket = applyState(sop, base, d.state, now)
    ticket.version = 1
    const audit = [
      link(base, 'created', now, user, {
        record: d.record,
        ticket: {
          sopId: ticket.sopId,
          sopVersion: ticket.sopVersion,
          sopHash: ticket.sopHash,
          ...calendarsAnchor(sop),
          channel: ticket.channel,
          customerId: ticket.customerId,
          subject: ticket.subject,
          priority: ticket.priority,
          ...(ticket.assigneeId ? { assigneeId: ticket.assigneeId } : {}),
          queue: base.queue,
          number,
        },
      }),
    ]
    const message = input.inbound?.message
    if (message)
      audit.push(
        link({ ...base, auditSeq: 1, auditHead: audit[0].hash }, 'message', now, user, message.record),
      )
    ticket.auditSeq = audit.length
    ticket.auditHead = audit[audit.length - 1].hash
    const outcome = await this.committer.commit({
      ticket,
      expected: null,
      audit,
      scheduleTimers: d.timers.schedule.map((t) => ({ ...t, ticketId: id })),
      removeTimers: [],
      idempotency: idem && {
        userId: user.id,
        key: idem.key,
        fingerprint: idem.fingerprint,
        ticketId: id,
        status: 201,
        createdAt: now,
      },
      ...(newCustomer ? { customers: [newCustomer] } : {}),
      ...(message?.row
        ? { messages: [{ message: message.row, attachments: message.attachments ?? [] }] }
        : {}),
    })
    if (!outcome.ok) {
      if (idem) {
        const seen = await this.replayed(user, idem)
        if (seen?.ticketId) return this.get(seen.ticketId)
      }
      throw outcome.error
    }
    this.remember(ticket)
    return ticket
  }

  /** Decides an input on a ticket and commits it; retries when only a concurrent note or timer got in between. */
  async decideAndCommit(
    user: User | null,
    id: string,
    input: TicketInput,
    options: {
      version?: number
      idem?: Idempotency
      type: AuditType
      /** A channel's message committed with the decision (its `message` record follows the decision's). */
      attach?: ChannelMessage
      /** false: the assignee rule does not apply (a customer's message through a channel). */
      checkAssignee?: boolean
    },
  ): Promise<TicketRow> {
    if (options.idem && user) {
      const seen = await this.replayed(user, options.idem)
      if (seen) return this.get(id)
    }
    for (let attempt = 0; ; attempt++) {
      const t = attempt === 0 ? await this.forWrite(id, options.version) : await this.get(id)
      if (options.version !== undefined && t.version !== options.version) throw stale(t, options.version)
      const intervention =
        user && options.checkAssignee !== false ? await this.responsibility(user, t) : false
      const sop = await this.sopFor(t.sopId, t.sopVersion)
      const now = this.now()
      const actor = user ? await this.actorFor(user) : { id: 'system', role: 'system' }
      const d = decide(sop, t.state, input, actor, now)
      if (!d.ok) {
        if (user && !MALFORMED.has(d.rejection.code)) await this.recordRejection(user, t, input, d, now)
        throw rejection(d)
      }
      const { next, recorded } = await this.moved(sop, t, d.state, now)
      next.version = t.version + 1
      const audit = [
        link(t, options.type, now, user, {
          record: d.record,
          ...(intervention ? { intervention: true } : {}),
          ...recorded,
        }),
      ]
      const attach = options.attach
      if (attach)
        audit.push(
          link(
            { ...t, auditSeq: t.auditSeq + 1, auditHead: audit[0].hash },
            'message',
            now,
            user,
            attach.record,
          ),
        )
      next.auditSeq = t.auditSeq + audit.length
      next.auditHead = audit[audit.length - 1].hash
      const removeTimers = [...d.timers.cancel]
      if (input.kind === 'timer') removeTimers.push(input.timerId)
      const closing = await this.closing(sop, t, next, audit, now)
      const unit: TicketCommit = {
        ticket: next,
        expected: { version: t.version, auditSeq: t.auditSeq },
        audit,
        ...(closing.length ? { outbox: closing } : {}),
        scheduleTimers: d.timers.schedule.map((tm) => ({ ...tm, ticketId: id })),
        removeTimers,
        idempotency:
          options.idem && user
            ? {
                userId: user.id,
                key: options.idem.key,
                fingerprint: options.idem.fingerprint,
                ticketId: id,
                status: 200,
                createdAt: now,
              }
            : undefined,
        ...(attach?.row
          ? { messages: [{ message: attach.row, attachments: attach.attachments ?? [] }] }
          : {}),
      }
      const outcome = await this.committer.commit(unit)
      if (outcome.ok) {
        this.remember(next)
        return next
      }
      this.rows.delete(id)
      if (options.idem && user && (await this.replayed(user, options.idem))) return this.get(id)
      if (!(outcome.error instanceof ConflictError) || attempt >= MAX_RETRIES) throw outcome.error
      // Someone else committed first: if the ticket version moved, the caller's view is stale.
      const now2 = await this.get(id)
      if (options.version !== undefined && now2.version !== options.version)
        throw stale(now2, options.version)
    }
  }

  /** When this commit closes the ticket: appends the closing record (the survey draw) to `audit`. */
  private async closing(
    sop: CompiledSop,
    t: TicketRow,
    next: TicketRow,
    audit: AuditRow[],
    now: string,
  ): Promise<OutboxRow[]> {
    if (!this.closingRecord || t.status !== 'open' || next.status !== 'closed') return []
    const extra = await this.closingRecord(next, sop, next.auditSeq, now)
    if (!extra) return []
    const row = link(next, 'survey', now, null, extra.payload)
    audit.push(row)
    next.auditSeq += 1
    next.auditHead = row.hash
    return extra.outbox
  }

  /**
   * Reopens a closed ticket at the step its SOP names (`closedReply.step`, else its initial step)
   * because the customer wrote again: the reopen, the message and their records in one commit.
   */
  async reopen(user: User, id: string, message: ChannelMessage): Promise<TicketRow> {
    const t = await this.get(id)
    const sop = await this.sopFor(t.sopId, t.sopVersion)
    const target = sop.document.closedReply?.step ?? sop.document.initial
    const reason = 'The customer wrote again on the closed ticket'
    return this.decideAndCommit(
      user,
      id,
      { kind: 'reopen', target, reason },
      { type: 'reopen', attach: message, checkAssignee: false },
    )
  }

  /**
   * Records an attempt the engine refused (who, when, what, why) in the ticket's chain. It changes
   * nothing else: replay skips it, the chain and the ledger cover it. Best effort: a conflict with
   * a concurrent commit leaves the attempt unrecorded rather than delaying the refusal.
   */
  private async recordRejection(
    user: User,
    t: TicketRow,
    input: TicketInput,
    d: Extract<Decision, { ok: false }>,
    now: string,
  ): Promise<void> {
    const payload = { input, rejection: d.rejection, version: t.version, steps: t.steps }
    const audit = [link(t, 'rejected', now, user, payload)]
    const next: TicketRow = { ...t, auditSeq: t.auditSeq + 1, auditHead: audit[0].hash }
    const outcome = await this.committer.commit({
      ticket: next,
      expected: { version: t.version, auditSeq: t.auditSeq },
      audit,
      scheduleTimers: [],
      removeTimers: [],
    })
    if (outcome.ok) this.remember(next)
    else this.rows.delete(t.id)
  }

  /** Writes a change that is not an engine decision (assignment, note), chained into the audit log. */
  async amend(
    user: User,
    id: string,
    change: (t: TicketRow) => Amendment,
    version?: number,
    options: { assigneeOnly?: boolean } = {},
  ): Promise<TicketRow> {
    return this.amending.run(id, () =>
      this.amendNow(user, id, change, version, options.assigneeOnly ?? false),
    )
  }

  /** Refuses to give a ticket to someone who cannot work it now (see `requireQualified`). */
  async requireQualified(assignee: User, t: TicketRow): Promise<void> {
    requireQualified(await this.sopFor(t.sopId, t.sopVersion), t, assignee, await this.actorFor(assignee))
  }

  /** The assignee rule (see `responsibility`): true when the write is a supervisor's intervention. */
  responsibility(user: User, t: TicketRow): Promise<boolean> {
    return responsibility(this.storage, user, t)
  }

  private async amendNow(
    user: User,
    id: string,
    change: (t: TicketRow) => Amendment,
    version: number | undefined,
    assigneeOnly: boolean,
  ): Promise<TicketRow> {
    for (let attempt = 0; ; attempt++) {
      const t = await this.get(id)
      if (version !== undefined && t.version !== version) throw stale(t, version)
      const intervention = assigneeOnly && (await this.responsibility(user, t))
      const now = this.now()
      const { ticket, type, payload, bump, with: rows, also } = change(t)
      const next: TicketRow = { ...ticket, updatedAt: now, version: t.version + (bump ? 1 : 0) }
      const recorded = intervention ? { ...(payload as object), intervention: true } : payload
      const audit = [link(t, type, now, user, recorded)]
      for (const extra of also ?? []) {
        const prev = audit[audit.length - 1]
        audit.push(
          link({ ...t, auditSeq: prev.seq + 1, auditHead: prev.hash }, extra.type, now, user, extra.payload),
        )
      }
      next.auditSeq = t.auditSeq + audit.length
      next.auditHead = audit[audit.length - 1].hash
      const outcome = await this.committer.commit({
        ticket: next,
        expected: { version: t.version, auditSeq: t.auditSeq },
        audit,
        scheduleTimers: [],
        removeTimers: [],
        ...rows,
      })
      if (outcome.ok) {
        this.remember(next)
        return next
      }
      this.rows.delete(id)
      if (!(outcome.error instanceof ConflictError) || attempt >= MAX_RETRIES) throw outcome.error
    }
  }

  /** Fires one due timer as the system. A timer that no longer applies is removed without a record. */
  async fireTimer(ticketId: string, timerId: string): Promise<'fired' | 'stale' | 'gone'> {
    for (let attempt = 0; attempt <= MAX_RETRIES; attempt++) {
      const t = await this.storage.getTicket(ticketId)
      if (!t) return 'gone'
      const timers = await this.storage.listTimers(ticketId)
      if (!timers.some((tm) => tm.id === timerId)) return 'gone'
      const sop = await this.sopFor(t.sopId, t.sopVersion)
      const now = this.now()
      const d: Decision = decide(
        sop,
        t.state,
        { kind: 'timer', timerId },
        { id: 'system', role: 'system' },
        now,
      )
      if (!d.ok) {
        if (d.rejection.code === 'timer_not_due') return 'stale'
        const outcome = await this.committer.commit({
          ticket: t,
          expected: { version: t.version, auditSeq: t.auditSeq },
          audit: [],
          scheduleTimers: [],
          removeTimers: [timerId],
        })
        if (outcome.ok) return 'stale'
        continue
      }
      const { next, recorded } = await this.moved(sop, t, d.state, now)
      next.version = t.version + 1
      const audit = [link(t, 'timer', now, null, { record: d.record, ...recorded })]
      next.auditSeq = t.auditSeq + 1
      next.auditHead = audit[0].hash
      const closing = await this.closing(sop, t, next, audit, now)
      const outcome = await this.committer.commit({
        ticket: next,
        expected: { version: t.version, auditSeq: t.auditSeq },
        audit,
        ...(closing.length ? { outbox: closing } : {}),
        scheduleTimers: d.timers.schedule.map((tm) => ({ ...tm, ticketId })),
        removeTimers: [...d.timers.cancel, timerId],
      })
      this.rows.delete(ticketId)
      if (outcome.ok) return 'fired'
      if (!(outcome.error instanceof ConflictError)) throw outcome.error
    }
    return 'stale'
  }

  async view(user: User | null, t: TicketRow): Promise<TicketView> {
    const sop = await this.sopFor(t.sopId, t.sopVersion)
    const [customer, timers, audit, assignee] = await Promise.all([
      t.customerId ? this.storage.getCustomer(t.customerId) : null,
      this.storage.listTimers(t.id),
      this.storage.getAudit(t.id, ['note']),
      t.assigneeId ? this.storage.getUser(t.assigneeId) : null,
    ])
    return {
      ticket: t,
      assignee: t.assigneeId ? { id: t.assigneeId, name: assignee?.name ?? t.assigneeId } : null,
      prompt: prompt(sop, t.state, user ? await this.actorFor(user) : null, this.now()),
      customer,
      timers,
      notes: audit.map((a) => {
        const p = a.payload as { text: string; visibility: string; late?: boolean }
        const note = { seq: a.seq, at: a.at, authorId: a.actorId, text: p.text, visibility: p.visibility }
        return p.late ? { ...note, late: true } : note
      }),
      sop: { id: t.sopId, version: t.sopVersion, title: sop.document.title },
      bound:
        t.status === 'open'
          ? Object.fromEntries(
              Object.entries(boundValues(sop, { customer, subject: t.subject, channel: t.channel })).filter(
                ([k]) => isEmptyValue(t.state.context.fields[k]),
              ),
            )
          : {},
    }
  }

  /** Verifies a ticket: the audit hash chain, and a replay of its records through its SOP version. */
  async verify(id: string, options: { ledger?: boolean } = {}): Promise<VerifyResult> {
    // The row as stored, not this process's copy of it.
    const t = await this.storage.getTicket(id)
    if (!t) throw notFound('Ticket', id)
    const audit = await this.storage.getAudit(id)
    let sop: CompiledSop
    try {
      sop = await this.sopFor(t.sopId, t.sopVersion)
    } catch (err) {
      const message = `the ticket's SOP version ${t.sopId}@${t.sopVersion} cannot be loaded: ${(err as Error).message}`
      return {
        ok: false,
        chain: { ok: false, length: audit.length, reason: message },
        replay: { ok: false, records: 0, reason: message },
        ticket: { ok: false, checked: false, problems: [{ field: 'sopId', message }] },
        problems: [message],
      }
    }
    const result = verifyAudit(sop, t, audit)
    const rank = await this.storage.ticketPriorityRank(id)
    const ranks: Record<string, number> = { low: 0, normal: 1, high: 2, urgent: 3 }
    if (rank !== ranks[t.priority]) {
      result.problems.push(
        `ticket priority rank is ${rank}, but its priority ${t.priority} ranks ${ranks[t.priority]}`,
      )
      result.ticket.problems.push({
        field: 'priorityRank',
        message: result.problems[result.problems.length - 1],
      })
      result.ticket.ok = false
      result.ok = false
    }
    const version = await this.storage.getVersion(t.sopId, t.sopVersion)
    if (version?.text !== undefined && sha256(version.text) !== version.hash) {
      result.problems.push(
        `the stored document of SOP ${t.sopId} version ${t.sopVersion} does not match its hash ${version.hash}`,
      )
      result.ok = false
    }
    if (this.ledger && options.ledger !== false) {
      result.ledger = await this.ledger.checkRecords(audit)
      for (const p of result.ledger.problems) result.problems.push(`ledger: ${p.message}`)
      result.ok &&= result.ledger.ok
    }
    return result
  }

  /** Whether the ticket's row and records agree (the chain, the replay, the row against the history). */
  async integrity(id: string): Promise<{ ok: boolean; problems: string[] }> {
    const v = await this.verify(id, { ledger: false })
    return { ok: v.ok, problems: v.problems }
  }

  /** The ticket's evidence bundle v2, as its exact bytes. */
  async evidence(t: TicketRow, user: User, size?: number): Promise<string> {
    if (!this.ledger) throw new Problem(503, 'ledger_unavailable', 'This server keeps no ledger')
    return buildEvidence(this.storage, this.ledger, t, user, this.now(), size)
  }

  /** A user as the engine sees them: their built-in role and their organisation roles. */
  async actorFor(user: User): Promise<{ id: string; role: string; roles?: string[] }> {
    return actorOf({ ...user, orgRoles: await this.storage.teams.orgRolesOf(user.id) })
  }

  /**
   * The row after the engine moved the ticket, and what the record must keep for its history to
   * explain the row: the assignee's roles when organisation roles are among them, and the
   * assignee's team when it took the ticket from them (work at another team's step leaves them).
   */
  private async moved(
    sop: CompiledSop,
    t: TicketRow,
    state: TicketState,
    now: string,
  ): Promise<{ next: TicketRow; recorded: { assigneeRoles?: string[]; assigneeTeam?: string | null } }> {
    const user = t.assigneeId ? await this.storage.getUser(t.assigneeId) : null
    const held = user ? [user.role, ...(await this.storage.teams.orgRolesOf(user.id))] : null
    const kept = applyState(sop, t, state, now, held)
    if (!user) return { next: kept, recorded: orgRolesRecord(held) }
    const next = applyState(sop, t, state, now, held, user.team)
    const byTeam = next.assigneeId !== kept.assigneeId ? { assigneeTeam: user.team } : {}
    return { next, recorded: { ...orgRolesRecord(held), ...byTeam } }
  }

  private async replayed(user: User, idem: Idempotency) {
    const seen = await this.storage.getIdempotency(user.id, idem.key)
    if (seen && seen.fingerprint !== idem.fingerprint) {
      throw new Problem(
        422,
        'idempotency_key_reused',
        `Idempotency-Key "${idem.key}" was already used for a different request`,
        { params: { key: idem.key } },
      )
    }
    return seen
  }
}

export { entryOf, type VerifyResult, verifyAudit } from './verification.ts'

export function link(
  t: TicketRow,
  type: AuditType,
  at: string,
  user: User | null,
  payload: unknown,
): AuditRow {
  const row: AuditRow = {
    ticketId: t.id,
    seq: t.auditSeq,
    type,
    at,
    actorId: user?.id ?? 'system',
    role: user?.role ?? 'system',
    payload,
    prevHash: t.auditHead,
    hash: '',
  }
  row.hash = linkHash(row.prevHash, entryOf(row))
  return row
}

const isEmptyValue = (v: FieldValue | undefined) => v === undefined || v === null || v === ''

/** The digest of the calendars a ticket counts in, for its first record (nothing when none). */
function calendarsAnchor(sop: CompiledSop): { calendarsHash?: string } {
  const digest = calendarsDigest(sop.calendars, sha256, sop.teamCalendars)
  return digest ? { calendarsHash: digest } : {}
}

/** The values of an SOP's bound fields: from the customer's details and the ticket's intake data. */
export function boundValues(
  sop: CompiledSop,
  source: { customer: Customer | null; subject: string; channel: string },
): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {}
  for (const f of sop.document.fields) {
    if (!f.bind) continue
    const [scope, key] = f.bind.split('.') as ['customer' | 'ticket', string]
    const value =
      scope === 'customer'
        ? ((source.customer as unknown as Record<string, string | null> | null)?.[key] ?? null)
        : key === 'subject'
          ? source.subject
          : source.channel
    if (!isEmptyValue(value)) out[f.name] = value
  }
  return out
}

/**
 * The assignee's roles as the record keeps them when organisation roles are among them: whether the
 * assignee keeps the ticket at the new steps depends on them, and the history must say so (the
 * user's organisation roles may change later). Built-in roles alone are known from the history.
 */
function orgRolesRecord(held: string[] | null): { assigneeRoles?: string[] } {
  return held && held.length > 1 ? { assigneeRoles: held } : {}
}

export function actorOf(user: User): { id: string; role: string; roles?: string[] } {
  return user.orgRoles?.length
    ? { id: user.id, role: user.role, roles: [...user.orgRoles] }
    : { id: user.id, role: user.role }
}

/** The ticket row after the engine moved its state: status, steps, deadline, priority, queue. */
export function applyState(
  sop: CompiledSop,
  t: TicketRow,
  state: TicketState,
  now: string,
  assigneeRoles: string | readonly string[] | null = null,
  /** The assignee's team, when the team rule applies (undefined: it does not). */
  assigneeTeam?: string | null,
): TicketRow {
  const held =
    assigneeRoles === null ? [] : typeof assigneeRoles === 'string' ? [assigneeRoles] : assigneeRoles
  const steps = Object.keys(state.active).filter((id) => {
    const kind = sop.steps.get(id)?.kind
    return kind !== 'group' && kind !== 'parallel'
  })
  let dueAt: string | null = null
  if (state.status === 'open') {
    for (const [id, entry] of Object.entries(state.active)) {
      const step = sop.steps.get(id)
      if (!step?.sla || slaHeld(sop, id, Boolean(state.pausedSince))) continue
      const due = new Date(slaDueMs(sop, step, entry)).toISOString()
      if (!dueAt || due < dueAt) dueAt = due
    }
  }
  let queue = state.context.queue ?? state.context.role ?? t.queue
  let assigneeId = t.assigneeId
  if (queue !== t.queue) assigneeId = null
  // When the work moves to steps only other roles may do (an escalation), it goes to their queue.
  // The assignee keeps it when any of their roles (built-in or organisation) may do the new steps.
  const roles = steps.flatMap((id) => sop.steps.get(id)?.roles ?? [])
  if (roles.length && held.length && !roles.some((r) => held.includes(r))) {
    assigneeId = null
    queue = roles[0]
  }
  // Work at steps that name teams is theirs: an assignee of another team (or none) lets it go.
  if (assigneeTeam !== undefined && assigneeId !== null) {
    const teams = steps.map((id) => sop.steps.get(id)?.team).filter((x): x is string => !!x)
    if (teams.length && !teams.includes(assigneeTeam ?? '')) assigneeId = null
  }
  // outbox: a ticket nobody holds, in no queue, whose work moves to steps none of the previous
  // steps' roles may do (an escalation), lands in the new steps' role queue.
  const before = t.steps.flatMap((id) => sop.steps.get(id)?.roles ?? [])
  if (
    roles.length &&
    before.length &&
    assigneeId === null &&
    queue === null &&
    !roles.some((r) => before.includes(r))
  )
    queue = roles[0]
  return {
    ...t,
    state,
    status: state.status,
    outcome: state.outcome,
    priority: state.context.priority,
    steps,
    dueAt,
    queue,
    assigneeId,
    updatedAt: now,
    closedAt: state.status === 'closed' ? (t.closedAt ?? now) : null,
  }
}

function stale(t: TicketRow, version: number): Problem {
  return new Problem(
    409,
    'stale_version',
    `The ticket changed since you loaded it (version ${version}, now ${t.version}); reload and try again`,
    { currentVersion: t.version, params: { version, currentVersion: t.version } },
  )
}

function rejection(d: Extract<Decision, { ok: false }>): Problem {
  const r = d.rejection
  const params: Record<string, string> = {}
  for (const k of ['stepId', 'transitionId'] as const) if (r[k]) params[k] = r[k]
  for (const k of ['missing', 'roles', 'allowed'] as const) if (r[k]) params[k] = r[k].join(', ')
  if (r.fields) params.fields = r.fields.map((f) => f.field).join(', ')
  if (r.nextAllowedAt) params.nextAllowedAt = r.nextAllowedAt
  return new Problem(422, r.code, r.message, { rejection: r, params })
}

export function requireNotClosed(t: TicketRow): void {
  if (t.status === 'closed')
    throw new Problem(422, 'ticket_closed', `Ticket ${t.id} is closed`, { params: { id: t.id } })
}
