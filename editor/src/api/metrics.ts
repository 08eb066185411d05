import { request } from './client.ts'

/** The figures the server computes (one definition, shared with the server). */
export type { Metrics } from '../../../server/services/metrics.ts'

import type { Metrics } from '../../../server/services/metrics.ts'

export const getMetrics = (params: Record<string, string>) =>
  request<Metrics>('GET', `/metrics?${new URLSearchParams(Object.entries(params).filter(([, v]) => v))}`)
