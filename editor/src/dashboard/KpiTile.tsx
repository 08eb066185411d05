import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { Metrics } from '../api/metrics.ts'
import { MetricName } from './MetricName.tsx'
import { daysOf } from './presets.ts'
import { formatFigure, meets, SMALL_SAMPLE, type TileSpec, trendOf } from './tiles.ts'

/** One figure: its value, the SOP's target, the trend, the sample size; a click lists its tickets. */
function KpiTileView({
  spec,
  m,
  hint,
  onDrill,
}: {
  spec: TileSpec
  m: Metrics
  hint: string
  onDrill: (s: TileSpec) => void
}) {
  const { t } = useTranslation('insight')
  const value = spec.value(m)
  const n = spec.n(m)
  const target = spec.target(m)
  const met = meets(spec, value, target)
  const trend = trendOf(spec, m, m.previous)
  const days = daysOf(m.period)
  const small = n > 0 && n < SMALL_SAMPLE
  return (
    <div className="card kpi" data-kpi={spec.id}>
      <MetricName id={spec.id} />
      <button
        type="button"
        className="kpi-drill"
        onClick={() => onDrill(spec)}
        aria-label={t('tile.drill', { name: t(`names.${spec.id}`) })}
      >
        <strong className="kpi-value">{formatFigure(spec.kind, value)}</strong>
        <span className="muted small">{hint}</span>
        {target !== null && (
          <span
            className={`kpi-target ${met === null ? '' : met ? 'is-met' : 'is-missed'}`}
            data-testid="kpi-target"
          >
            {t(spec.lowerIsBetter ? 'tile.targetAtMost' : 'tile.targetAtLeast', {
              value: formatFigure(spec.kind, target),
            })}
            {met !== null && ` · ${t(met ? 'tile.met' : 'tile.missed')}`}
          </span>
        )}
        {trend && (
          <span
            className={`kpi-trend ${trend.better === null ? '' : trend.better ? 'is-better' : 'is-worse'}`}
            data-testid="kpi-trend"
          >
            {trend.dir === 'up'
              ? t('tile.trendUp', { delta: trend.delta, days })
              : trend.dir === 'down'
                ? t('tile.trendDown', { delta: trend.delta, days })
                : trend.dir === 'same'
                  ? t('tile.trendSame', { days })
                  : t('tile.trendNone', { days })}
          </span>
        )}
        <span
          className={`kpi-n${small ? ' is-small' : ''}`}
          data-testid="kpi-n"
          title={small ? t('tile.smallSample') : undefined}
        >
          {t('tile.n', { count: n })}
          {small && (
            <>
              {' ⚠'}
              <span className="visually-hidden"> {t('tile.smallSample')}</span>
            </>
          )}
        </span>
        {spec.drill === 'surveys' && (
          <span className="muted small" data-testid="kpi-sources">
            {t('tile.sources', { customers: m.surveys.customerCount, agents: m.surveys.agentCount })}
          </span>
        )}
      </button>
    </div>
  )
}

export const KpiTile = memo(KpiTileView)
