import { useTranslation } from 'react-i18next'
import type { OutboxMessage } from '../api/outbox.ts'

/** Messages with their delivery state; `action` adds a button to a row (retry, resend). */
export function MessageTable({
  rows,
  action,
}: {
  rows: OutboxMessage[]
  action?: (m: OutboxMessage) => { label: string; run: () => void } | null
}) {
  const { t } = useTranslation()
  if (!rows.length) return <p className="muted small">{t('outbox.empty')}</p>
  return (
    <table className="table">
      <thead>
        <tr>
          <th>{t('outbox.col.event')}</th>
          <th>{t('outbox.col.target')}</th>
          <th>{t('outbox.col.status')}</th>
          <th>{t('outbox.col.attempts')}</th>
          <th>{t('outbox.col.next')}</th>
          <th>{t('outbox.col.error')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((m) => {
          const a = action?.(m)
          return (
            <tr key={m.id} data-status={m.status}>
              <td>
                {m.event}
                {m.ticketId && (
                  <>
                    {' '}
                    · <a href={`#/tickets/${m.ticketId}`}>{m.ticketId}</a>
                  </>
                )}
              </td>
              <td className="small">{m.target}</td>
              <td>
                {t(`outbox.status.${m.status}`)}
                {m.lastStatus !== null && ` (${m.lastStatus})`}
              </td>
              <td>{m.attempts}</td>
              <td className="small">{m.status === 'queued' ? new Date(m.nextAt).toLocaleString() : '—'}</td>
              <td className="small">{m.lastError ?? ''}</td>
              <td>
                {a && (
                  <button type="button" className="small" onClick={a.run}>
                    {a.label}
                  </button>
                )}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
