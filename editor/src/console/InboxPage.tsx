import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { listTickets, type TicketSummary } from '../api/tickets.ts'
import { getMe } from '../api/users.ts'
import { formatDuration } from '../ui/format.ts'
import { useAsync } from '../ui/useAsync.ts'
import { useNow } from '../ui/useNow.ts'
import type { Route } from '../useRoute.ts'
import { NewTicketForm } from './NewTicketForm.tsx'

type Tab = 'mine' | 'queue' | 'unassigned' | 'all'

/** The agent's inbox: their tickets, their team's queue and unassigned tickets, overdue first. */
export function InboxPage(_: { route: Route }) {
  const { t } = useTranslation('console')
  const [tab, setTab] = useState<Tab>('mine')
  const [creating, setCreating] = useState(false)
  const me = useAsync(getMe, [])
  const data = useAsync(async () => {
    const user = await getMe()
    const [mine, unassigned, all] = await Promise.all([
      listTickets({ assignee: 'me', status: 'open' }),
      listTickets({ unassigned: 'true', status: 'open' }),
      listTickets({ status: 'open' }),
    ])
    const queue = all.filter((x) => x.queue && (x.queue === user.team || x.queue === user.role))
    return { mine, unassigned, all, queue }
  }, [])
  const lists = data.data
  const rows = lists ? lists[tab] : []
  return (
    <div className="page inbox">
      <div className="page-head">
        <h1>{t('inbox.title')}</h1>
        {me.data && (
          <span className="muted">{t('inbox.signedInAs', { name: me.data.name, role: me.data.role })}</span>
        )}
        <button type="button" className="primary" onClick={() => setCreating((v) => !v)}>
          {t('inbox.new')}
        </button>
      </div>
      {creating && <NewTicketForm onCancel={() => setCreating(false)} />}
      <div className="tabs" role="tablist">
        {(['mine', 'queue', 'unassigned', 'all'] as Tab[]).map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={tab === k}
            className={tab === k ? 'tab is-current' : 'tab'}
            onClick={() => setTab(k)}
          >
            {t(`inbox.tabs.${k}`)} <span className="count">{lists ? lists[k].length : '…'}</span>
          </button>
        ))}
      </div>
      {data.error && <p className="error">{data.error.message}</p>}
      {lists?.mine.some((x) => x.overdue) && (
        <p className="warning">
          {t('inbox.overdueMine', { count: lists.mine.filter((x) => x.overdue).length })}
        </p>
      )}
      <TicketTable rows={rows} />
    </div>
  )
}

function TicketTable({ rows }: { rows: TicketSummary[] }) {
  const { t } = useTranslation('console')
  const now = useNow(30_000)
  if (!rows.length) return <p className="muted empty">{t('inbox.empty')}</p>
  return (
    <table className="table tickets">
      <thead>
        <tr>
          <th>{t('ticket.subject')}</th>
          <th>{t('ticket.step')}</th>
          <th>{t('ticket.sop')}</th>
          <th>{t('ticket.channel')}</th>
          <th>{t('ticket.priority')}</th>
          <th>{t('ticket.due')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} className={r.overdue ? 'is-overdue' : ''}>
            <td>
              <a href={`#/tickets/${r.id}`}>{r.subject}</a>
            </td>
            <td>{r.stepTitles.join(' · ')}</td>
            <td>{r.sopTitle}</td>
            <td>{t(`channels.${r.channel}`)}</td>
            <td>
              <span className={`pill priority-${r.priority}`}>{t(`priority.${r.priority}`)}</span>
            </td>
            <td>
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
          </tr>
        ))}
      </tbody>
    </table>
  )
}
