import { describe, expect, it } from 'vitest'
import type { Figures } from '../../editor/src/api/metrics.ts'
import { periodOf } from '../../editor/src/dashboard/presets.ts'
import { meets, TILES, trendOf } from '../../editor/src/dashboard/tiles.ts'

const figures = (over: { tickets?: number; frt?: number | null }): Figures => ({
  tickets: over.tickets ?? 0,
  open: 0,
  closed: 0,
  frt: { avgMs: over.frt ?? null, medianMs: null, count: 1 },
  atht: { avgMs: null, medianMs: null, count: 0 },
  fcr: { rate: null, count: 0, of: 0 },
  slaBreachRate: null,
  breaches: 0,
  breachedTickets: 0,
  surveys: {
    count: 0,
    csat: null,
    csatCount: 0,
    csatSatisfied: null,
    nps: null,
    npsCount: 0,
    ces: null,
    cesCount: 0,
    customerCount: 0,
    agentCount: 0,
  },
})
const tile = (id: string) => TILES.find((x) => x.id === id)!

describe('dashboard tiles', () => {
  it('reads a trend for the better or the worse, and a change below the figure’s precision as none', () => {
    expect(trendOf(tile('frt'), figures({ frt: 5 * 60_000 }), figures({ frt: 20 * 60_000 }))).toEqual({
      dir: 'down',
      delta: '15 min',
      better: true,
    })
    expect(trendOf(tile('frt'), figures({ frt: 300 }), figures({ frt: 700 }))?.dir).toBe('same')
    expect(trendOf(tile('frt'), figures({ frt: 1 }), figures({}))?.dir).toBe('none')
    expect(trendOf(tile('tickets'), figures({ tickets: 5 }), figures({ tickets: 2 }))).toEqual({
      dir: 'up',
      delta: '3',
      better: null,
    })
    expect(trendOf(tile('frt'), figures({ frt: 1 }), null)).toBeNull()
  })

  it('checks a figure against the target in the right direction', () => {
    expect(meets(tile('frt'), 10 * 60_000, 15 * 60_000)).toBe(true)
    expect(meets(tile('frt'), 20 * 60_000, 15 * 60_000)).toBe(false)
    expect(meets(tile('fcr'), 0.8, 0.7)).toBe(true)
    expect(meets(tile('fcr'), null, 0.7)).toBeNull()
  })

  it('turns date presets into periods in local time, the end excluded', () => {
    const now = new Date(2026, 2, 18, 15, 30)
    const day = (y: number, m: number, d: number) => new Date(y, m, d).toISOString()
    expect(periodOf('today', now)).toEqual({ from: day(2026, 2, 18), to: day(2026, 2, 19) })
    expect(periodOf('days7', now)).toEqual({ from: day(2026, 2, 12), to: day(2026, 2, 19) })
    expect(periodOf('days30', now)).toEqual({ from: day(2026, 1, 17), to: day(2026, 2, 19) })
    expect(periodOf('month', now)).toEqual({ from: day(2026, 2, 1), to: day(2026, 2, 19) })
    expect(periodOf('allTime', now)).toBeNull()
    expect(periodOf('custom', now, { from: '2026-03-02', to: '2026-03-04' })).toEqual({
      from: day(2026, 2, 2),
      to: day(2026, 2, 5),
    })
  })
})
