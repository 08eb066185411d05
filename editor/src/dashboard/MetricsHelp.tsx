import { memo } from 'react'
import { useTranslation } from 'react-i18next'

const TERMS = ['tickets', 'frt', 'atht', 'fcr', 'sla', 'csat', 'nps', 'ces', 'ctrv'] as const

/** The definition of every figure: the same as the server computes and the README states. */
function MetricsHelpView() {
  const { t } = useTranslation('insight')
  return (
    <details className="card metrics-help" data-testid="metrics-help">
      <summary>{t('help.title')}</summary>
      <p>{t('help.intro')}</p>
      <dl>
        {TERMS.map((id) => (
          <div key={id}>
            <dt>
              {t(`metrics.${id}`)} — {t(`names.${id}`)}
            </dt>
            <dd>{t(`glossary.${id}`)}</dd>
          </div>
        ))}
      </dl>
    </details>
  )
}

export const MetricsHelp = memo(MetricsHelpView)
