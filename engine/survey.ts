import { z } from 'zod'

/** Outcomes a customer may be surveyed after (every outcome but `cancelled`). */
export const SURVEYABLE_OUTCOMES = [
  'resolved',
  'escalated',
  'no_response',
  'transferred',
  'sold',
  'lost',
] as const

/**
 * Which customers are asked for their satisfaction when a ticket ends: a random sample, drawn from
 * the seed and the ticket id, so that an auditor can draw it again and see it was not picked.
 */
export const surveyPolicySchema = z
  .object({
    /** The share of eligible tickets whose customer is surveyed (0.3: about 30 %). */
    rate: z.number().min(0).max(1),
    /** The outcomes that lead to a survey (default: resolved). */
    outcomes: z.array(z.enum(SURVEYABLE_OUTCOMES)).min(1).default(['resolved']),
    /** A customer is surveyed at most once in this many days. */
    periodDays: z.number().int().min(0).max(3650).default(90),
    /** The invitation's link stays valid this many days. */
    expiresDays: z.number().int().min(1).max(365).default(14),
    /** The draw's seed: part of the published version, so fixed before any ticket is drawn. */
    seed: z.string().min(8).max(200),
  })
  .strict()
export type SurveyPolicy = z.infer<typeof surveyPolicySchema>
