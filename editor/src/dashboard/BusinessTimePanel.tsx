import { useTranslation } from 'react-i18next'
import type { Metrics } from '../api/metrics.ts'
import { formatDuration, percent } from '../ui/format.ts'

const METRICS = ['first_reply', 'next_reply', 'resolution'] as const

/** FRT and ATHT in business time, and how often each ticket-level policy target was breached. */
export function BusinessTimePanel({ m }: { m: Metrics }) {
  const { t } = useTranslation('insight')
  if (!m.business && !m.policy) return null
  return (
    <section className="card" data-panel="business-time">
      <h3>{t('business.title')}</h3>
      <p className="muted small">{t('business.hint')}</p>
      {m.business && (
        <dl className="facts">
          <dt>{t('business.frt')}</dt>
          <dd data-figure="business-frt">{formatDuration(m.business.frt.avgMs)}</dd>
          <dt>{t('business.atht')}</dt>
          <dd data-figure="business-atht">{formatDuration(m.business.atht.avgMs)}</dd>
        </dl>
      )}
      {m.policy && (
        <div className="table-scroll">
          <table className="table small">
            <thead>
              <tr>
                <th>{t('business.target')}</th>
                <th>{t('business.applied')}</th>
                <th>{t('business.breached')}</th>
                <th>{t('business.rate')}</th>
              </tr>
            </thead>
            <tbody>
              {METRICS.map((metric) => {
                const f = m.policy![metric]
                return (
                  <tr key={metric} data-policy={metric}>
                    <td>{t(`business.metrics.${metric}`)}</td>
                    <td>{f.tickets}</td>
                    <td>{f.breached}</td>
                    <td>{f.rate === null ? '—' : percent(f.rate)}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
