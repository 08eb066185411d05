import { request } from './client.ts'

export interface Metrics {
  tickets: number
  open: number
  closed: number
  frt: { avgMs: number | null; medianMs: number | null; count: number }
  atht: { avgMs: number | null; medianMs: number | null; count: number }
  fcr: { rate: number | null; count: number; of: number }
  outcomes: Record<string, number>
  volume: { byChannel: Record<string, number>; byDay: { day: string; count: number }[] }
  slaBreachRate: number | null
  breaches: number
  steps: {
    sopId: string
    stepId: string
    title: string
    count: number
    avgMs: number | null
    breaches: number
    current: number
  }[]
  surveys: {
    count: number
    csat: number | null
    csatSatisfied: number | null
    nps: number | null
    ces: number | null
  }
}

export const getMetrics = (params: Record<string, string>) =>
  request<Metrics>('GET', `/metrics?${new URLSearchParams(Object.entries(params).filter(([, v]) => v))}`)
