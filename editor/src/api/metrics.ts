import { request } from './client.ts'

export type { TicketListItem } from '../../../server/services/auditSearch.ts'
/** The figures the server computes (one definition, shared with the server). */
export type { DrillKey, Figures, Metrics, StepFigure } from '../../../server/services/metrics.ts'
export type { Load, Workload } from '../../../server/services/workload.ts'

import type { TicketListItem } from '../../../server/services/auditSearch.ts'
import type { DrillKey, Metrics } from '../../../server/services/metrics.ts'
import type { Workload } from '../../../server/services/workload.ts'

export type MetricsParams = Record<string, string>

const query = (params: MetricsParams) =>
  new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString()

export const getMetrics = (params: MetricsParams) => request<Metrics>('GET', `/metrics?${query(params)}`)

/** The tickets behind one figure. */
export const getMetricTickets = (figure: DrillKey, params: MetricsParams) =>
  request<{ figure: DrillKey; total: number; items: TicketListItem[] }>(
    'GET',
    `/metrics/tickets?${query({ ...params, figure })}`,
  )

export const getWorkload = (params: MetricsParams) =>
  request<Workload>('GET', `/metrics/workload?${query(params)}`)

export interface MetricOptions {
  sops: { id: string; title: string; versions: number[] }[]
  teams: string[]
}
export const getMetricOptions = () => request<MetricOptions>('GET', '/metrics/options')
