import { describe, expect, it } from 'vitest'
import type { SurveyPolicy } from '../../engine/index.ts'
import type { AuditRow } from '../../server/storage/types.ts'
import {
  checkDraws,
  DRAW_REASONS,
  type DrawPayload,
  decodeToken,
  drawValue,
  encodeToken,
  isDraw,
  sampled,
} from '../../server/surveys/draw.ts'

/** The survey sample's draw, its check by an auditor, and the survey link's token. */
const policy: SurveyPolicy = {
  rate: 0.3,
  outcomes: ['resolved'],
  periodDays: 90,
  expiresDays: 14,
  seed: 'seed-1',
}
// HMAC-SHA-256("seed-1", ticket id), its first 48 bits over 2^48 (computed apart from sopflow).
const UNDER = { id: 't_abc', value: 24025149445924 / 2 ** 48 } // 0.085…
const ABOVE = { id: 't_abd', value: 102089080214714 / 2 ** 48 } // 0.363…

const row = (seq: number, type: AuditRow['type'], payload: unknown): AuditRow => ({
  ticketId: 't',
  seq,
  type,
  at: '2026-03-02T08:00:00.000Z',
  actorId: 'system',
  role: 'system' as AuditRow['role'],
  payload,
  prevHash: null,
  hash: 'h',
})
const draw = (seq: number, value: number, selected: boolean, reason: DrawPayload['reason'], rate = 0.3) =>
  row(seq, 'survey', {
    draw: { value, rate, outcome: 'resolved', periodDays: 90 },
    selected,
    reason,
  } satisfies DrawPayload)

describe('the survey draw', () => {
  it('is the HMAC of the ticket id keyed with the seed, as a fraction of its first 48 bits', () => {
    expect(drawValue('seed-1', 't_abc')).toBe(UNDER.value)
    expect(drawValue('seed-1', 't_abd')).toBe(ABOVE.value)
    expect(drawValue('seed-2', 't_abc')).toBe(20786143812116 / 2 ** 48)
  })

  it('samples a number strictly under the rate', () => {
    expect(sampled(0.29, 0.3)).toBe(true)
    expect(sampled(0.3, 0.3)).toBe(false)
    expect(sampled(0, 0)).toBe(false)
  })

  it('takes a survey record with a draw for a draw, not an answer nor another record', () => {
    expect(isDraw(draw(1, 0.1, true, 'sampled'))).toBe(true)
    expect(isDraw(row(1, 'survey', { answer: { surveyId: 's' } }))).toBe(false)
    expect(isDraw(row(1, 'survey', null))).toBe(false)
    expect(isDraw(row(1, 'survey', { draw: 0.1 }))).toBe(false)
    expect(isDraw(row(1, 'note', { draw: { value: 0.1 } }))).toBe(false)
    expect(DRAW_REASONS).toContain('sampled')
  })
})

describe('checking the draws of a ticket', () => {
  it('finds nothing wrong with draws that follow the seed and the rate, and skips other records', () => {
    const ok = [row(0, 'created', {}), draw(1, UNDER.value, true, 'sampled'), row(2, 'note', { draw: 1 })]
    expect(checkDraws(policy, UNDER.id, ok)).toEqual([])
    expect(checkDraws(policy, ABOVE.id, [draw(4, ABOVE.value, false, 'not_sampled')])).toEqual([])
    // An earlier rule may leave a customer out whose number is under the rate.
    expect(checkDraws(policy, UNDER.id, [draw(4, UNDER.value, false, 'surveyed_recently')])).toEqual([])
    expect(checkDraws(undefined, UNDER.id, [row(0, 'created', {})])).toEqual([])
  })

  it('names a draw where the SOP version has no survey policy', () => {
    expect(checkDraws(undefined, UNDER.id, [draw(3, UNDER.value, true, 'sampled')])).toEqual([
      "record 3 draws a survey, but the ticket's SOP version has no survey policy",
    ])
  })

  it('names a number the seed does not give, another rate, and a customer surveyed above the rate', () => {
    expect(checkDraws(policy, ABOVE.id, [draw(5, 0.01, true, 'sampled', 0.5)])).toEqual([
      `record 5: the survey draw is 0.01, but the seed gives ${ABOVE.value} for this ticket`,
      'record 5: the survey draw used rate 0.5, the SOP says 0.3',
      'record 5: the customer was surveyed although the draw is above the rate',
    ])
  })

  it('names a draw said sampled with no survey sent, and one under the rate said not sampled', () => {
    expect(checkDraws(policy, UNDER.id, [draw(6, UNDER.value, false, 'sampled')])).toEqual([
      'record 6: the draw says sampled but no survey was sent',
    ])
    expect(checkDraws(policy, UNDER.id, [draw(7, UNDER.value, false, 'not_sampled')])).toEqual([
      'record 7: the draw is under the rate but the customer was left out',
    ])
  })
})

describe('the survey link’s token', () => {
  const secret = 'abcdefghijklmnop'
  it('carries the ticket, the draw’s record and the secret, and reads back', () => {
    const token = encodeToken('t_abc', 12, secret)
    expect(token).toBe(`${Buffer.from('t_abc:12').toString('base64url')}.${secret}`)
    expect(decodeToken(token)).toEqual({ ticketId: 't_abc', seq: 12, secret })
    expect(decodeToken(encodeToken('t_abc', 0, secret))?.seq).toBe(0)
  })

  it('refuses a token of the wrong shape, length or content', () => {
    const part = (s: string) => Buffer.from(s).toString('base64url')
    const bad = [
      `${part('t_abc:1')}.${'a'.repeat(15)}`,
      `${part('t_abc:1')}.${'a'.repeat(101)}`,
      `${part('t:1').slice(0, 3)}.${secret}`,
      `${part(`${'t'.repeat(149)}:1`)}.${secret}`,
      `${part('t_abc:1')}.${secret}!`,
      `x${part('t_abc:1')}+.${secret}`,
      `${part('t_abc:1')}${secret}`,
      `!${part('t_abc:1')}.${secret}`,
      `${part(':1')}.${secret}`,
      `${part('t_abc:-1')}.${secret}`,
      `${part('t_abc:1.5')}.${secret}`,
      `${part('t_abc')}.${secret}`,
    ]
    for (const token of bad) expect(decodeToken(token), token).toBeNull()
    // The longest parts allowed still read.
    expect(decodeToken(`${part(`${'t'.repeat(148)}:1`)}.${'a'.repeat(100)}`)?.seq).toBe(1)
    expect(decodeToken(`${part('t:1')}.${secret}`)).toEqual({ ticketId: 't', seq: 1, secret })
  })
})
