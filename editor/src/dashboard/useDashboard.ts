import { useMemo, useState } from 'react'
import {
  type DrillKey,
  getMetricOptions,
  getMetrics,
  getWorkload,
  type MetricsParams,
} from '../api/metrics.ts'
import { getVersion, listSops } from '../api/sops.ts'
import type { DocShape } from '../flow/toFlow.ts'
import { useAsync } from '../ui/useAsync.ts'
import { type Preset, periodOf } from './presets.ts'

export interface DashboardFilter {
  preset: Preset
  sop: string
  version: string
  channel: string
  team: string
  /** `exclude`: only the customers' own survey answers count, not those agents entered. */
  agentSurveys: '' | 'exclude'
  /** Custom dates (yyyy-mm-dd), used when the preset is `custom`. */
  from: string
  to: string
}

const INITIAL: DashboardFilter = {
  preset: 'days30',
  sop: '',
  version: '',
  channel: '',
  team: '',
  agentSurveys: '',
  from: '',
  to: '',
}

/** The dashboard's filters, the figures for them, the workload, the heatmap's SOP and the drill-down. */
export function useDashboard() {
  const [filter, setFilter] = useState(INITIAL)
  const [drill, setDrill] = useState<{ figure: DrillKey; tile: string } | null>(null)
  const params = useMemo<MetricsParams>(() => {
    const period = periodOf(filter.preset, new Date(), filter)
    return {
      sop: filter.sop,
      version: filter.sop ? filter.version : '',
      channel: filter.channel,
      team: filter.team,
      agentSurveys: filter.agentSurveys,
      from: period?.from ?? '',
      to: period?.to ?? '',
    }
  }, [filter])
  const options = useAsync(getMetricOptions, [])
  const sops = useAsync(listSops, [])
  const metrics = useAsync(() => getMetrics(params), [params])
  const workload = useAsync(
    () => getWorkload({ ...params, from: '', to: '' }),
    [params.sop, params.version, params.channel, params.team],
  )
  // Without a chosen SOP, the heatmap shows the one most tickets ran through.
  const busiest = Object.entries(
    (metrics.data?.steps ?? []).reduce<Record<string, number>>((acc, s) => {
      acc[s.sopId] = (acc[s.sopId] ?? 0) + s.count
      return acc
    }, {}),
  ).sort((a, b) => b[1] - a[1])[0]?.[0]
  const sopId = filter.sop || busiest || sops.data?.find((s) => s.latestVersion)?.id || ''
  const sopVersion =
    filter.sop && filter.version
      ? Number(filter.version)
      : (sops.data?.find((s) => s.id === sopId)?.latestVersion ?? null)
  const doc = useAsync(
    async () => (sopId && sopVersion ? ((await getVersion(sopId, sopVersion)).document as DocShape) : null),
    [sopId, sopVersion],
  )
  const set = (key: keyof DashboardFilter, value: string) => {
    setFilter((f) => ({ ...f, [key]: value, ...(key === 'sop' ? { version: '' } : {}) }) as DashboardFilter)
    setDrill(null)
  }
  return { filter, set, params, options, metrics, workload, sopId, doc, drill, setDrill }
}
