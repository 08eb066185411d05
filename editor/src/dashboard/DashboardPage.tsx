import { useCallback, useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { Metrics } from '../api/metrics.ts'
import { formatDuration, percent } from '../ui/format.ts'
import type { Route } from '../useRoute.ts'
import { BarChart } from './BarChart.tsx'
import './dashboard.css'
import { BusinessTimePanel } from './BusinessTimePanel.tsx'
import { DrillDown } from './DrillDown.tsx'
import { Filters } from './Filters.tsx'
import { Heatmap } from './Heatmap.tsx'
import { KpiTile } from './KpiTile.tsx'
import { MetricName } from './MetricName.tsx'
import { MetricsHelp } from './MetricsHelp.tsx'
import { TILES, type TileId, type TileSpec } from './tiles.ts'
import { useDashboard } from './useDashboard.ts'
import { WorkloadPanel } from './WorkloadPanel.tsx'

type T = (key: string, options?: Record<string, unknown>) => string

function hintOf(id: TileId, m: Metrics, t: T): string {
  switch (id) {
    case 'tickets':
      return t('tile.openClosed', { open: m.open, closed: m.closed })
    case 'frt':
      return t('tile.median', { value: formatDuration(m.frt.medianMs) })
    case 'atht':
      return t('tile.median', { value: formatDuration(m.atht.medianMs) })
    case 'fcr':
      return t('tile.fcrOf', { count: m.fcr.count, of: m.fcr.of })
    case 'sla':
      return t('tile.breaches', { count: m.breachedTickets })
    case 'csat':
      return t('tile.satisfied', { value: percent(m.surveys.csatSatisfied) })
    case 'nps':
      return t('tile.answers', { count: m.surveys.npsCount })
    case 'ces':
      return t('tile.cesScale')
  }
}

/** The supervisor's dashboard: figures with targets and trends, charts, the heatmap and the workload. */
export function DashboardPage(_: { route: Route }) {
  const { t } = useTranslation(['insight', 'console'])
  const d = useDashboard()
  const m = d.metrics.data
  const { setDrill } = d
  const onDrill = useCallback((spec: TileSpec) => setDrill({ figure: spec.drill, tile: spec.id }), [setDrill])
  const charts = useMemo(
    () =>
      m && {
        byDay: m.volume.byDay.map((x) => ({ label: x.day.slice(5), value: x.count })),
        byChannel: Object.entries(m.volume.byChannel).map(([k, v]) => ({
          label: t(`console:channels.${k}`),
          value: v,
        })),
        outcomes: Object.entries(m.outcomes).map(([k, v]) => ({
          label: t(`console:outcome.${k}`),
          value: v,
        })),
      },
    [m, t],
  )
  const steps = (m?.steps ?? []).filter((s) => s.sopId === d.sopId)
  return (
    <div className="page dashboard">
      <h1>{t('dashboard.title')}</h1>
      <Filters filter={d.filter} options={d.options.data} set={d.set} />
      {d.metrics.error && <p className="error">{d.metrics.error.message}</p>}
      {m && charts && (
        <>
          {m.tickets === 0 && <p className="muted">{t('dashboard.noData')}</p>}
          <div className="kpis">
            {TILES.map((spec) => (
              <KpiTile key={spec.id} spec={spec} m={m} hint={hintOf(spec.id, m, t)} onDrill={onDrill} />
            ))}
          </div>
          {d.drill && (
            <DrillDown
              figure={d.drill.figure}
              name={t(`names.${d.drill.tile}`)}
              params={d.params}
              firstContact={d.drill.tile === 'fcr' ? m.drill.fcr : undefined}
              onClose={() => setDrill(null)}
            />
          )}
          <MetricsHelp />
          <div className="charts">
            <section className="card chart-card" data-chart-card="byDay">
              <h3>
                {t('charts.byDay')} <MetricName id="ctrv" />
              </h3>
              <BarChart data={charts.byDay} valueName={t('charts.tickets')} title={t('charts.byDay')} />
            </section>
            <section className="card chart-card" data-chart-card="byChannel">
              <h3>{t('charts.byChannel')}</h3>
              <BarChart
                data={charts.byChannel}
                valueName={t('charts.tickets')}
                title={t('charts.byChannel')}
              />
            </section>
            <section className="card chart-card" data-chart-card="outcomes">
              <h3>{t('charts.outcomes')}</h3>
              <BarChart data={charts.outcomes} valueName={t('charts.tickets')} title={t('charts.outcomes')} />
            </section>
          </div>
          <BusinessTimePanel m={m} />
          {d.workload.data && <WorkloadPanel workload={d.workload.data} />}
          {d.doc.data && <Heatmap document={d.doc.data} steps={steps} />}
        </>
      )}
    </div>
  )
}
