import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import { ticketReference } from '../api/channels.ts'
import type { TicketSummary } from '../api/tickets.ts'
import { formatDuration } from '../ui/format.ts'
import { useNow } from '../ui/useNow.ts'

/**
 * The inbox list: a table on wide screens, a list of cards on narrow ones (each cell carries its
 * column name), keeping priority and due in view. Supervisors get a checkbox per ticket.
 */
function TicketTableView(props: {
  rows: TicketSummary[]
  selected: number
  checked: Set<string> | null
  onCheck: (id: string, on: boolean) => void
}) {
  const { t } = useTranslation('console')
  const now = useNow(30_000)
  if (!props.rows.length) return <p className="muted empty">{t('inbox.empty')}</p>
  const col = (k: string) => t(`ticket.${k}`)
  return (
    <table className="table tickets">
      <thead>
        <tr>
          {props.checked && (
            <th>
              <span className="visually-hidden">{t('inbox.select')}</span>
            </th>
          )}
          <th>{col('subject')}</th>
          <th>{col('priority')}</th>
          <th>{col('due')}</th>
          <th>{col('step')}</th>
          <th>{col('customer')}</th>
          <th>{col('channel')}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r, i) => (
          <tr
            key={r.id}
            data-row={r.id}
            className={`${r.overdue ? 'is-overdue' : ''} ${i === props.selected ? 'is-selected' : ''}`}
          >
            {props.checked && (
              <td className="cell-check">
                <input
                  type="checkbox"
                  name={`select-${r.id}`}
                  aria-label={t('inbox.selectTicket', { subject: r.subject })}
                  checked={props.checked.has(r.id)}
                  onChange={(e) => props.onCheck(r.id, e.target.checked)}
                />
              </td>
            )}
            <td className="cell-subject">
              <a href={`#/tickets/${r.id}`}>{r.subject}</a>
              <span className="muted small ticket-number" title={r.id}>
                {ticketReference(r)}
              </span>
            </td>
            <td data-label={col('priority')} className="cell-priority">
              <span className={`pill priority-${r.priority}`}>{t(`priority.${r.priority}`)}</span>
            </td>
            <td data-label={col('due')} className="cell-due">
              {r.dueAt ? (
                r.overdue ? (
                  <span className="pill danger">
                    {t('ticket.overdueBy', { time: formatDuration(now - Date.parse(r.dueAt)) })}
                  </span>
                ) : (
                  formatDuration(Date.parse(r.dueAt) - now)
                )
              ) : (
                '—'
              )}
            </td>
            <td data-label={col('step')}>{r.stepTitles.join(' · ')}</td>
            <td data-label={col('customer')}>{r.customerName ?? '—'}</td>
            <td data-label={col('channel')}>{t(`channels.${r.channel}`)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export const TicketTable = memo(TicketTableView)
