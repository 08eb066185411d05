import { memo, useId } from 'react'
import { useTranslation } from 'react-i18next'

/** A metric's short name with its glossary entry as a tooltip (on hover and on keyboard focus). */
function MetricNameView({ id }: { id: string }) {
  const { t } = useTranslation('insight')
  const tip = useId()
  return (
    <span className="metric-name">
      <span className="kpi-label">{t(`metrics.${id}`)}</span>
      <button type="button" className="glossary-tip" aria-describedby={tip} aria-label={t(`names.${id}`)}>
        ⓘ
      </button>
      <span role="tooltip" id={tip} className="metric-tooltip">
        <strong>{t(`names.${id}`)}</strong> {t(`glossary.${id}`)}
      </span>
    </span>
  )
}

export const MetricName = memo(MetricNameView)
