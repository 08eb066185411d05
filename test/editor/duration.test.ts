import { describe, expect, it } from 'vitest'
import { fromIso, readDuration, toIso } from '../../editor/src/designer/inspector/duration.ts'
import { parseDuration } from '../../engine/duration.ts'

describe('durations as a number and a unit', () => {
  it('shows each ISO duration in the largest unit that holds it whole', () => {
    expect(fromIso('PT30M')).toEqual({ amount: 30, unit: 'minutes' })
    expect(fromIso('PT4H')).toEqual({ amount: 4, unit: 'hours' })
    expect(fromIso('P2D')).toEqual({ amount: 2, unit: 'days' })
    expect(fromIso('PT1H30M')).toEqual({ amount: 90, unit: 'minutes' })
    expect(fromIso('P1DT4H')).toEqual({ amount: 28, unit: 'hours' })
    expect(fromIso('P1W')).toEqual({ amount: 7, unit: 'days' })
    expect(fromIso('PT48H')).toEqual({ amount: 2, unit: 'days' })
    expect(fromIso('PT90S')).toEqual({ amount: 1.5, unit: 'minutes' })
  })

  it('is null for what is not a duration', () => {
    expect(fromIso(undefined)).toBeNull()
    expect(fromIso('')).toBeNull()
    expect(fromIso('2 hours')).toBeNull()
    expect(fromIso('P1M')).toBeNull()
  })

  it('writes minutes, hours and days as ISO-8601 the engine reads back to the same length', () => {
    expect(toIso(30, 'minutes')).toBe('PT30M')
    expect(toIso(4, 'hours')).toBe('PT4H')
    expect(toIso(2, 'days')).toBe('P2D')
    expect(toIso(1.5, 'hours')).toBe('PT1.5H')
    for (const [amount, unit, ms] of [
      [30, 'minutes', 30 * 60_000],
      [4, 'hours', 4 * 3_600_000],
      [2, 'days', 2 * 86_400_000],
    ] as const)
      expect(parseDuration(toIso(amount, unit))).toBe(ms)
    expect(() => toIso(0, 'hours')).toThrow(RangeError)
    expect(() => toIso(Number.NaN, 'hours')).toThrow(RangeError)
  })

  it('reads what a person typed, refusing an empty, zero or negative amount', () => {
    expect(readDuration(' 2 ', 'days')).toEqual({ ok: true, iso: 'P2D' })
    expect(readDuration('1,5', 'hours')).toEqual({ ok: true, iso: 'PT1.5H' })
    expect(readDuration('', 'days')).toEqual({ ok: false, reason: 'empty' })
    expect(readDuration('0', 'days')).toEqual({ ok: false, reason: 'notPositive' })
    expect(readDuration('-3', 'hours')).toEqual({ ok: false, reason: 'notPositive' })
  })
})
