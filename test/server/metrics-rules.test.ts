import { describe, expect, it } from 'vitest'
import { median, previousPeriod } from '../../server/services/metrics.ts'

describe('metrics period and median rules', () => {
  it('gives the previous period of the same length, ending where the asked one starts', () => {
    expect(previousPeriod('2026-03-10T00:00:00.000Z', '2026-03-17T00:00:00.000Z')).toEqual({
      from: '2026-03-03T00:00:00.000Z',
      to: '2026-03-10T00:00:00.000Z',
    })
  })

  it('gives no previous period without both ends, with an unreadable end, or an empty or reversed period', () => {
    expect(previousPeriod(undefined, '2026-03-17T00:00:00.000Z')).toBeNull()
    expect(previousPeriod('2026-03-10T00:00:00.000Z', undefined)).toBeNull()
    expect(previousPeriod('soon', '2026-03-17T00:00:00.000Z')).toBeNull()
    expect(previousPeriod('2026-03-10T00:00:00.000Z', 'later')).toBeNull()
    expect(previousPeriod('2026-03-10T00:00:00.000Z', '2026-03-10T00:00:00.000Z')).toBeNull()
    expect(previousPeriod('2026-03-11T00:00:00.000Z', '2026-03-10T00:00:00.000Z')).toBeNull()
  })

  it('takes the middle value, the mean of the two middle ones for an even count, and none of nothing', () => {
    expect(median([])).toBeNull()
    expect(median([7])).toBe(7)
    expect(median([9, 1, 5])).toBe(5)
    expect(median([10, 1, 4, 2])).toBe(3)
    expect(median([30, 20, 10, 40, 50, 60])).toBe(35)
  })
})
