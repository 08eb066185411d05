import { parseDuration } from '../../../engine/duration.ts'
import type { DrillKey, Figures, Metrics } from '../api/metrics.ts'
import { formatDuration, percent } from '../ui/format.ts'

/** Figures made of fewer values than this are marked as a small sample. */
export const SMALL_SAMPLE = 5

export type TileId = 'tickets' | 'frt' | 'atht' | 'fcr' | 'sla' | 'csat' | 'nps' | 'ces'
type Kind = 'count' | 'duration' | 'share' | 'score' | 'nps'

export interface TileSpec {
  id: TileId
  kind: Kind
  /** Lower values are better (times, breaches, effort). */
  lowerIsBetter: boolean
  /** Neither more nor less is better (the number of tickets). */
  neutral?: boolean
  value: (f: Figures) => number | null
  n: (f: Figures) => number
  drill: DrillKey
  /** The SOP's target, as a number in the figure's unit. */
  target: (m: Metrics) => number | null
}

const num = (x: number | undefined | null) => (x === undefined || x === null ? null : x)

export const TILES: TileSpec[] = [
  {
    id: 'tickets',
    kind: 'count',
    lowerIsBetter: false,
    neutral: true,
    value: (f) => f.tickets,
    n: (f) => f.tickets,
    drill: 'tickets',
    target: () => null,
  },
  {
    id: 'frt',
    kind: 'duration',
    lowerIsBetter: true,
    value: (f) => f.frt.avgMs,
    n: (f) => f.frt.count,
    drill: 'frt',
    target: (m) => (m.targets?.frt ? parseDuration(m.targets.frt) : null),
  },
  {
    id: 'atht',
    kind: 'duration',
    lowerIsBetter: true,
    value: (f) => f.atht.avgMs,
    n: (f) => f.atht.count,
    drill: 'atht',
    target: (m) => (m.targets?.atht ? parseDuration(m.targets.atht) : null),
  },
  {
    id: 'fcr',
    kind: 'share',
    lowerIsBetter: false,
    value: (f) => f.fcr.rate,
    n: (f) => f.fcr.of,
    drill: 'fcrOf',
    target: (m) => num(m.targets?.fcr),
  },
  {
    id: 'sla',
    kind: 'share',
    lowerIsBetter: true,
    value: (f) => f.slaBreachRate,
    n: (f) => f.tickets,
    drill: 'sla',
    target: (m) => num(m.targets?.slaBreachRate),
  },
  {
    id: 'csat',
    kind: 'score',
    lowerIsBetter: false,
    value: (f) => f.surveys.csat,
    n: (f) => f.surveys.csatCount,
    drill: 'surveys',
    target: (m) => num(m.targets?.csat),
  },
  {
    id: 'nps',
    kind: 'nps',
    lowerIsBetter: false,
    value: (f) => f.surveys.nps,
    n: (f) => f.surveys.npsCount,
    drill: 'surveys',
    target: (m) => num(m.targets?.nps),
  },
  {
    id: 'ces',
    kind: 'score',
    lowerIsBetter: true,
    value: (f) => f.surveys.ces,
    n: (f) => f.surveys.cesCount,
    drill: 'surveys',
    target: (m) => num(m.targets?.ces),
  },
]

/** A figure as the tile writes it. */
export function formatFigure(kind: Kind, x: number | null): string {
  if (x === null) return '—'
  switch (kind) {
    case 'count':
      return String(x)
    case 'duration':
      return formatDuration(x)
    case 'share':
      return percent(x)
    case 'score':
      return x.toFixed(1)
    case 'nps':
      return String(Math.round(x))
  }
}

/** The difference with the previous period, unsigned, in the figure's unit. */
export function formatDelta(kind: Kind, d: number): string {
  const a = Math.abs(d)
  if (kind === 'share') return percent(a)
  return formatFigure(kind, a)
}

export interface Trend {
  dir: 'up' | 'down' | 'same' | 'none'
  delta: string
  /** Whether the change is for the better (null when there is none). */
  better: boolean | null
}

export function trendOf(spec: TileSpec, now: Figures, previous: Figures | null): Trend | null {
  if (!previous) return null
  const a = spec.value(now)
  const b = spec.value(previous)
  if (a === null || b === null) return { dir: 'none', delta: '', better: null }
  const d = a - b
  // A change too small to show in the figure's unit is no change.
  if (
    formatFigure(spec.kind, a) === formatFigure(spec.kind, b) ||
    formatDelta(spec.kind, d) === formatFigure(spec.kind, 0)
  )
    return { dir: 'same', delta: '', better: null }
  const better = spec.neutral ? null : d < 0 === spec.lowerIsBetter
  return { dir: d > 0 ? 'up' : 'down', delta: formatDelta(spec.kind, d), better }
}

/** Whether the figure meets the SOP's target (null without a figure or a target). */
export function meets(spec: TileSpec, value: number | null, target: number | null): boolean | null {
  if (value === null || target === null) return null
  return spec.lowerIsBetter ? value <= target : value >= target
}
