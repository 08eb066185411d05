import { createHmac } from 'node:crypto'
import type { SurveyPolicy } from '../../engine/index.ts'
import type { AuditRow } from '../storage/types.ts'

/**
 * The sample's random number for a ticket, in [0, 1): HMAC-SHA-256 of the ticket id keyed with the
 * SOP's seed, its first 48 bits as a fraction. The same seed and ticket always give the same number,
 * so anyone holding the published SOP version can draw the sample again.
 */
export function drawValue(seed: string, ticketId: string): number {
  // Stryker disable next-line StringLiteral: Node reads a string with no encoding named as UTF-8
  const mac = createHmac('sha256', seed).update(ticketId, 'utf8').digest()
  return mac.readUIntBE(0, 6) / 2 ** 48
}

/** Why a closing ticket's customer is surveyed or not (recorded with the draw). */
export const DRAW_REASONS = [
  'sampled',
  'not_sampled',
  'outcome_not_surveyed',
  'no_customer',
  'surveyed_recently',
  'unreachable',
] as const
export type DrawReason = (typeof DRAW_REASONS)[number]

/** The payload of a `survey` audit record written when a ticket closes: the draw and its result. */
export interface DrawPayload {
  draw: { value: number; rate: number; outcome: string | null; periodDays: number }
  selected: boolean
  reason: DrawReason
  /** When selected: the invitation (its link's secret only as a hash), how it goes and until when. */
  invitation?: { tokenHash: string; expiresAt: string; via: 'mail' | 'webhook'; messageId: string }
}

/** The payload of a `survey` audit record holding a customer's answer to an invitation. */
export interface AnswerPayload {
  answer: {
    surveyId: string
    /** The record of the draw whose invitation was answered. */
    invitationSeq: number
    csat: number | null
    nps: number | null
    ces: number | null
    comment: string | null
  }
}

export const isDraw = (a: AuditRow): a is AuditRow & { payload: DrawPayload } =>
  a.type === 'survey' && typeof (a.payload as DrawPayload | null)?.draw === 'object'

/**
 * The decision the rule gives for a draw, from what the record states: sampled when the number is
 * under the rate, unless an earlier rule (outcome, customer, period, reach) already excluded it.
 */
export function sampled(value: number, rate: number): boolean {
  return value < rate
}

/**
 * Checks the draws of a ticket's log against the SOP version's policy: each number must be the
 * one the seed gives for this ticket, with the SOP's rate, and a ticket marked sampled must lie
 * under the rate (and one marked not sampled above it). Returns the problems, in words.
 */
export function checkDraws(
  policy: SurveyPolicy | undefined,
  ticketId: string,
  audit: readonly AuditRow[],
): string[] {
  const problems: string[] = []
  for (const a of audit) {
    if (!isDraw(a)) continue
    const p = a.payload
    if (!policy) {
      problems.push(`record ${a.seq} draws a survey, but the ticket's SOP version has no survey policy`)
      continue
    }
    const expected = drawValue(policy.seed, ticketId)
    if (p.draw.value !== expected)
      problems.push(
        `record ${a.seq}: the survey draw is ${p.draw.value}, but the seed gives ${expected} for this ticket`,
      )
    if (p.draw.rate !== policy.rate)
      problems.push(`record ${a.seq}: the survey draw used rate ${p.draw.rate}, the SOP says ${policy.rate}`)
    const under = sampled(expected, policy.rate)
    if (p.selected && !under)
      problems.push(`record ${a.seq}: the customer was surveyed although the draw is above the rate`)
    if (p.reason === 'sampled' && !p.selected)
      problems.push(`record ${a.seq}: the draw says sampled but no survey was sent`)
    if (p.reason === 'not_sampled' && under)
      problems.push(`record ${a.seq}: the draw is under the rate but the customer was left out`)
  }
  return problems
}

/** A survey link's token: the ticket, the draw's record and a secret (stored only as a hash). */
export function encodeToken(ticketId: string, seq: number, secret: string): string {
  return `${Buffer.from(`${ticketId}:${seq}`).toString('base64url')}.${secret}`
}

export function decodeToken(token: string): { ticketId: string; seq: number; secret: string } | null {
  const m = /^([A-Za-z0-9_-]{4,200})\.([A-Za-z0-9_-]{16,100})$/.exec(token)
  if (!m) return null
  const [ticketId, seqText] = Buffer.from(m[1], 'base64url').toString('utf8').split(':')
  const seq = Number(seqText)
  if (!ticketId || !Number.isInteger(seq) || seq < 0) return null
  return { ticketId, seq, secret: m[2] }
}
