import { describe, expect, it } from 'vitest'
import { addDuration, isDuration, parseDuration } from '../../engine/index.ts'

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H
const W = 7 * D

describe('ISO-8601 durations', () => {
  // Each part alone, with one digit, several digits, a fraction and a fraction of several digits.
  const accepted: [string, number][] = [
    ['P1W', W],
    ['P12W', 12 * W],
    ['P1.5W', 1.5 * W],
    ['P2.25W', 2.25 * W],
    ['P1D', D],
    ['P10D', 10 * D],
    ['P1.5D', 1.5 * D],
    ['P1.25D', 1.25 * D],
    ['PT2H', 2 * H],
    ['PT36H', 36 * H],
    ['PT1.5H', 1.5 * H],
    ['PT0.25H', 0.25 * H],
    ['PT5M', 5 * M],
    ['PT90M', 90 * M],
    ['PT1.5M', 1.5 * M],
    ['PT2.75M', 2.75 * M],
    ['PT7S', 7 * S],
    ['PT45S', 45 * S],
    ['PT0.5S', 0.5 * S],
    ['PT1.125S', 1.125 * S],
    ['P1DT4H30M', D + 4 * H + 30 * M],
    ['P1W2DT3H4M5S', W + 2 * D + 3 * H + 4 * M + 5 * S],
    ['P3W4DT5H6M7S', 3 * W + 4 * D + 5 * H + 6 * M + 7 * S],
    ['PT0S', 0],
    ['P0D', 0],
  ]
  it.each(accepted)('reads %s as %d ms', (iso, ms) => {
    expect(isDuration(iso)).toBe(true)
    expect(parseDuration(iso)).toBe(ms)
  })

  const refused = [
    '',
    'P',
    'PT',
    'P1DT',
    'PTH',
    'PT.5H',
    'PT1.H',
    'PT1.5.5H',
    'PT1x5H',
    'PT1,5H',
    'P1H',
    'P1S',
    'PT1D',
    'PT1W',
    'P1D1W',
    'PT1M1H',
    'PT1S1M',
    'PT-1H',
    'P1Y',
    'P1M',
    'PT2HT',
    'xPT2H',
    'PT2Hx',
    ' PT2H',
    'PT2H ',
    'PTxH',
    'P1W1W',
    '2 hours',
  ]
  it.each(refused)('refuses %j', (iso) => {
    expect(isDuration(iso)).toBe(false)
    expect(() => parseDuration(iso)).toThrow(RangeError)
  })

  it('names the refused text and an example in the error', () => {
    expect(() => parseDuration('P1Y')).toThrow('"P1Y" is not an ISO-8601 duration such as PT2H or P1D')
  })

  it('gives the same figure when asked again', () => {
    expect(parseDuration('PT3H20M')).toBe(3 * H + 20 * M)
    expect(parseDuration('PT3H20M')).toBe(3 * H + 20 * M)
  })

  it('adds a duration to an ISO time', () => {
    expect(addDuration('2026-01-01T00:00:00.000Z', 'PT90M')).toBe('2026-01-01T01:30:00.000Z')
    expect(addDuration('2026-03-30T22:15:00.000Z', 'P1DT2H')).toBe('2026-04-01T00:15:00.000Z')
  })
})
