import { randomBytes } from 'node:crypto'
import type { CompiledSop } from '../../engine/index.ts'
import { Problem } from '../http/problem.ts'
import { type ReplyConfig, replyContext, replyRoute } from '../outbox/replies.ts'
import { newId, sha256 } from '../services/crypto.ts'
import type { Clock, TicketService } from '../services/tickets.ts'
import type { AuditRow, OutboxRow, Storage, Survey, TicketRow, User } from '../storage/types.ts'
import {
  type AnswerPayload,
  type DrawPayload,
  type DrawReason,
  decodeToken,
  drawValue,
  encodeToken,
  isDraw,
  sampled,
} from './draw.ts'
import { invitationMessage } from './invite.ts'

export interface SurveyAnswer {
  csat?: number | null
  nps?: number | null
  ces?: number | null
  comment?: string | null
}

/** What the public survey page shows. */
export interface SurveyInvitationView {
  language: string
  sopTitle: string
  ticketSubject: string
  expiresAt: string
  answered: boolean
}

const DAY = 86_400_000
/** The customer as the author of their answer's record. */
const customerActor = (now: string): User => ({
  id: 'customer',
  name: 'customer',
  role: 'customer' as User['role'],
  team: null,
  createdAt: now,
})

/**
 * Customer surveys: the seeded draw when a ticket ends, the invitation through the outbox, and the
 * customer's one answer through the public page, stored on the customer and recorded on the ticket.
 */
export class SurveyService {
  /** The address the web app is reached at (the link in invitations). */
  baseUrl = 'http://localhost'
  private tickets: TicketService | null = null

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly replies: ReplyConfig,
  ) {}

  /** Connects the ticket service: its closing commits ask for a draw, answers are recorded through it. */
  attach(tickets: TicketService): void {
    this.tickets = tickets
    tickets.closingRecord = (t, sop, seq, now) => this.draw(t, sop, seq, now)
  }

  /**
   * The draw for a ticket that is closing (`t` as it will be after the commit): the audit payload
   * and, when the customer is surveyed, the invitation message. Null when the SOP has no survey.
   */
  async draw(
    t: TicketRow,
    sop: CompiledSop,
    seq: number,
    now: string,
  ): Promise<{ payload: DrawPayload; outbox: OutboxRow[] } | null> {
    const policy = sop.document.survey
    if (!policy) return null
    const value = drawValue(policy.seed, t.id)
    const draw = { value, rate: policy.rate, outcome: t.outcome, periodDays: policy.periodDays }
    const no = (reason: DrawReason) => ({ payload: { draw, selected: false, reason }, outbox: [] })
    if (!t.outcome || !(policy.outcomes as string[]).includes(t.outcome)) return no('outcome_not_surveyed')
    if (!t.customerId) return no('no_customer')
    if (!sampled(value, policy.rate)) return no('not_sampled')
    if (await this.surveyedSince(t, new Date(Date.parse(now) - policy.periodDays * DAY).toISOString()))
      return no('surveyed_recently')
    const route = replyRoute(this.replies, t, await replyContext(this.storage, t))
    if (!route) return no('unreachable')
    const secret = randomBytes(18).toString('base64url')
    const token = encodeToken(t.id, seq, secret)
    const expiresAt = new Date(Date.parse(now) + policy.expiresDays * DAY).toISOString()
    const link = `${this.baseUrl.replace(/\/$/, '')}/#/survey/${token}`
    const messageId = newId('msg')
    const message = invitationMessage(route, t, sop.document.language, link, expiresAt, messageId, now)
    return {
      payload: {
        draw,
        selected: true,
        reason: 'sampled',
        invitation: { tokenHash: sha256(secret), expiresAt, via: route.kind, messageId },
      },
      outbox: [message],
    }
  }

  /** Whether the ticket's customer was invited to a survey (another ticket) since `since`. */
  private async surveyedSince(t: TicketRow, since: string): Promise<boolean> {
    const theirs = await this.storage.listTickets({
      customerId: t.customerId as string,
      status: 'closed',
      sort: 'created',
      now: since,
      limit: 500,
      offset: 0,
    })
    for (const other of theirs) {
      if (other.id === t.id || !other.closedAt || other.closedAt < since) continue
      const records = await this.storage.getAudit(other.id, ['survey'])
      if (records.some((a) => isDraw(a) && a.payload.selected && a.at >= since)) return true
    }
    return false
  }

  /** The invitation behind a link, or the problem with it (unknown, expired). */
  private async open(
    token: string,
  ): Promise<{ ticket: TicketRow; draw: AuditRow & { payload: DrawPayload } }> {
    const parts = decodeToken(token)
    const invalid = new Problem(404, 'survey_link_invalid', 'This survey link is not valid')
    if (!parts) throw invalid
    const ticket = await this.storage.getTicket(parts.ticketId)
    if (!ticket) throw invalid
    const record = (await this.storage.getAudit(ticket.id, ['survey'])).find((a) => a.seq === parts.seq)
    if (!record || !isDraw(record) || !record.payload.invitation) throw invalid
    if (record.payload.invitation.tokenHash !== sha256(parts.secret)) throw invalid
    const { expiresAt } = record.payload.invitation
    if (this.clock().toISOString() >= expiresAt)
      throw new Problem(410, 'survey_expired', `This survey link expired on ${expiresAt.slice(0, 10)}`, {
        params: { expiresAt },
      })
    return { ticket, draw: record }
  }

  async view(token: string): Promise<SurveyInvitationView> {
    const { ticket, draw } = await this.open(token)
    const sop = await (this.tickets as TicketService).sopFor(ticket.sopId, ticket.sopVersion)
    const answered = await this.answerOf(ticket.id, draw.seq)
    return {
      language: sop.document.language,
      sopTitle: sop.document.title,
      ticketSubject: ticket.subject,
      expiresAt: draw.payload.invitation?.expiresAt as string,
      answered: answered !== null,
    }
  }

  private async answerOf(ticketId: string, seq: number): Promise<Survey | null> {
    const id = surveyIdOf(ticketId, seq)
    return (await this.storage.listSurveys({ ticketIds: [ticketId] })).find((s) => s.id === id) ?? null
  }

  /**
   * Stores the customer's answer: once per invitation (the survey's id is the invitation's, so a
   * second answer is refused by the database too), on the customer's record, and in the ticket's log.
   */
  async answer(token: string, input: SurveyAnswer): Promise<Survey> {
    const { ticket, draw } = await this.open(token)
    const answer = {
      csat: input.csat ?? null,
      nps: input.nps ?? null,
      ces: input.ces ?? null,
      comment: input.comment?.trim() ? input.comment.trim() : null,
    }
    if (answer.csat === null && answer.nps === null && answer.ces === null && answer.comment === null)
      throw new Problem(400, 'survey_empty', 'Give at least one score or a comment')
    const already = () =>
      new Problem(409, 'survey_answered', 'This survey was already answered; thank you', {
        params: { ticketId: ticket.id },
      })
    const earlier = await this.answerOf(ticket.id, draw.seq)
    if (earlier) {
      // A process that stopped between storing an answer and recording it: the record is added now.
      await this.record(ticket.id, draw.seq, earlier)
      throw already()
    }
    const now = this.clock().toISOString()
    const survey: Survey = {
      id: surveyIdOf(ticket.id, draw.seq),
      customerId: ticket.customerId as string,
      ticketId: ticket.id,
      ...answer,
      at: now,
      createdBy: 'customer',
    }
    try {
      await this.storage.addSurvey(survey)
    } catch (err) {
      if (/UNIQUE|PRIMARY/i.test((err as Error).message)) throw already()
      throw err
    }
    await this.record(ticket.id, draw.seq, survey)
    return survey
  }

  /** Records an answer in the ticket's chain, unless it is there already. */
  private async record(ticketId: string, seq: number, s: Survey): Promise<void> {
    const records = await this.storage.getAudit(ticketId, ['survey'])
    if (records.some((a) => (a.payload as Partial<AnswerPayload>).answer?.surveyId === s.id)) return
    const payload: AnswerPayload = {
      answer: {
        surveyId: s.id,
        invitationSeq: seq,
        csat: s.csat,
        nps: s.nps,
        ces: s.ces,
        comment: s.comment,
      },
    }
    await (this.tickets as TicketService).amend(customerActor(s.at), ticketId, (t) => ({
      ticket: t,
      type: 'survey',
      payload,
      bump: false,
    }))
  }
}

/** The id of the answer to an invitation: one per invitation. */
export const surveyIdOf = (ticketId: string, seq: number) => `srv_${ticketId}_${seq}`
