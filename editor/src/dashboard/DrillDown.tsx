import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import { type DrillKey, getMetricTickets, type MetricsParams } from '../api/metrics.ts'
import { formatTime } from '../ui/format.ts'
import { useAsync } from '../ui/useAsync.ts'

/** The tickets behind one figure, each linking to its ticket page and its audit. */
function DrillDownView(props: {
  figure: DrillKey
  name: string
  params: MetricsParams
  firstContact?: readonly string[]
  onClose: () => void
}) {
  const { t, i18n } = useTranslation(['insight', 'console'])
  const list = useAsync(() => getMetricTickets(props.figure, props.params), [props.figure, props.params])
  const fc = props.firstContact ? new Set(props.firstContact) : null
  return (
    <section className="card drill" data-testid="drill" aria-live="polite">
      <div className="drill-head">
        <h3>{t('drill.title', { name: props.name })}</h3>
        {list.data && <span className="muted">{t('drill.total', { count: list.data.total })}</span>}
        <button type="button" onClick={props.onClose}>
          {t('drill.close')}
        </button>
      </div>
      {list.error && <p className="error">{list.error.message}</p>}
      <div className="table-scroll">
        <table className="table small">
          <thead>
            <tr>
              <th>{t('drill.subject')}</th>
              <th>{t('drill.customer')}</th>
              <th>{t('drill.sop')}</th>
              <th>{t('drill.status')}</th>
              <th>{t('drill.assignee')}</th>
              <th>{t('drill.opened')}</th>
              {fc && <th>{t('drill.firstContact')}</th>}
              <th>{t('drill.audit')}</th>
            </tr>
          </thead>
          <tbody>
            {(list.data?.items ?? []).map((r) => (
              <tr key={r.id} data-ticket={r.id}>
                <td>
                  <a href={`#/tickets/${r.id}`}>{r.subject}</a>
                </td>
                <td>{r.customerName ?? '—'}</td>
                <td>
                  {r.sopTitle} v{r.sopVersion}
                </td>
                <td>
                  {r.status === 'closed'
                    ? t(`console:outcome.${r.outcome ?? 'closed'}`)
                    : t('console:status.open')}
                </td>
                <td>{r.assigneeName ?? '—'}</td>
                <td>{formatTime(r.createdAt, i18n.language)}</td>
                {fc && <td>{fc.has(r.id) ? `✓ ${t('drill.yes')}` : t('drill.no')}</td>}
                <td>
                  <a href={`#/audit/${r.id}`}>
                    {r.verified ? '✓' : '✗'} {t('drill.audit')}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

export const DrillDown = memo(DrillDownView)
