import { type CompiledSop, type Decision, decide, type TicketInput } from '../../engine/index.ts'
import { compilePinned } from '../calendars/store.ts'
import { notFound, Problem } from '../http/problem.ts'
import type { LedgerService } from '../ledger/ledger.ts'
import type { GroupCommitter } from '../storage/groupCommit.ts'
import {
  type AuditRow,
  type AuditType,
  type CommitOutcome,
  ConflictError,
  type OutboxRow,
  type Storage,
  type TicketCommit,
  type TicketRow,
  type User,
} from '../storage/types.ts'
import { actorOf, link, moveTicket, rejection, stale } from './applyState.ts'
import { createTicket } from './createTicket.ts'
import { createWithFreshNumber } from './createTicketRetry.ts'
import { buildEvidence } from './evidence.ts'
import { fireTimer } from './fireTimer.ts'
import { KeyedQueue } from './keyedQueue.ts'
import { requireQualified, responsibility } from './responsibility.ts'
import type {
  Amendment,
  ChannelMessage,
  Clock,
  CreateTicket,
  Idempotency,
  TicketDeps,
  TicketView,
} from './ticketTypes.ts'
import { MAX_RETRIES } from './ticketTypes.ts'
import { ticketView } from './ticketView.ts'
import type { VerifyResult } from './verification.ts'
import { verifyTicket } from './verifyTicket.ts'
import { ViewCache } from './viewCache.ts'

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
  /** The timers and notes of the tickets shown or written last (see `ViewCache`). */
  private readonly views = new ViewCache()
  /** The engine's view of each user object in use (see `actorFor`). */
  private readonly actors = new WeakMap<User, Promise<{ id: string; role: string; roles?: string[] }>>()
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
  /** What the operations in their own files (create, view, verify) reach this service by. */
  private readonly deps: TicketDeps

  constructor(
    private readonly storage: Storage,
    private readonly committer: GroupCommitter,
    private readonly clock: Clock,
    private readonly ledger?: LedgerService,
  ) {
    this.deps = {
      storage,
      committer: { commit: (unit) => this.commit(unit) },
      views: this.views,
      now: () => this.now(),
      sopFor: (sopId, version) => this.sopFor(sopId, version),
      get: (id) => this.get(id),
      actorFor: (user) => this.actorFor(user),
      replayed: (user, idem) => this.replayed(user, idem),
      remember: (t) => this.remember(t),
      forget: (id) => this.rows.delete(id),
      closing: (sop, t, next, audit, now) => this.closing(sop, t, next, audit, now),
    }
  }

  now(): string {
    return this.clock().toISOString()
  }

  /** Every ticket commit of this service: a commit that went through moves the kept view with it. */
  private async commit(unit: TicketCommit): Promise<CommitOutcome> {
    const outcome = await this.committer.commit(unit)
    if (outcome.ok) this.views.committed(unit)
    return outcome
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

  private createOnce(user: User, input: CreateTicket, idem?: Idempotency): Promise<TicketRow> {
    return createTicket(this.deps, user, input, idem)
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
      // After a conflict the kept row is gone (below), so a retry reads the stored ticket.
      const t = await this.forWrite(id, options.version)
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
      const { next, recorded } = await moveTicket(this.storage, sop, t, d.state, now)
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
      const outcome = await this.commit(unit)
      if (outcome.ok) {
        this.remember(next)
        return next
      }
      this.rows.delete(id)
      if (options.idem && user && (await this.replayed(user, options.idem))) return this.get(id)
      // Someone else committed first: decided again on what they wrote, unless the caller named
      // the version it saw (then the next round refuses it as stale).
      if (!(outcome.error instanceof ConflictError) || attempt >= MAX_RETRIES) throw outcome.error
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
    const outcome = await this.commit({
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
      const outcome = await this.commit({
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
  fireTimer(ticketId: string, timerId: string): Promise<'fired' | 'stale' | 'gone'> {
    return fireTimer(this.deps, ticketId, timerId)
  }

  view(user: User | null, t: TicketRow): Promise<TicketView> {
    return ticketView(this.deps, user, t)
  }

  /** Verifies a ticket: the audit hash chain, and a replay of its records through its SOP version. */
  verify(id: string, options: { ledger?: boolean } = {}): Promise<VerifyResult> {
    return verifyTicket({ ...this.deps, ledger: this.ledger }, id, options)
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
  actorFor(user: User): Promise<{ id: string; role: string; roles?: string[] }> {
    // Once per user object: each request resolves its own, so a write and its reply's prompt share
    // one read of the roles, and the next request reads them afresh.
    let actor = this.actors.get(user)
    if (!actor) {
      actor = this.storage.teams.orgRolesOf(user.id).then((orgRoles) => actorOf({ ...user, orgRoles }))
      this.actors.set(user, actor)
    }
    return actor
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

export {
  actorOf,
  applyState,
  boundValues,
  link,
  requireNotClosed,
} from './applyState.ts'
export type {
  Amendment,
  ChannelMessage,
  Clock,
  CreateTicket,
  Idempotency,
  TicketView,
} from './ticketTypes.ts'
export { entryOf, type VerifyResult, verifyAudit } from './verification.ts'
