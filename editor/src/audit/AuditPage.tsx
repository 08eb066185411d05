import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { listSops } from '../api/sops.ts'
import { listTickets } from '../api/tickets.ts'
import { listUsers } from '../api/users.ts'
import { formatTime } from '../ui/format.ts'
import { useAsync } from '../ui/useAsync.ts'
import type { Route } from '../useRoute.ts'
import { TicketAudit } from './TicketAudit.tsx'

/** The auditor's page: find tickets, then replay one's history. */
export function AuditPage({ route }: { route: Route }) {
  const id = route.segments[1]
  if (id) return <TicketAudit ticketId={id} />
  return <AuditSearch />
}

function AuditSearch() {
  const { t, i18n } = useTranslation('console')
  const sops = useAsync(listSops, [])
  const users = useAsync(() => listUsers().catch(() => []), [])
  const [filter, setFilter] = useState({
    sop: '',
    status: '',
    channel: '',
    from: '',
    to: '',
    outcome: '',
    version: '',
    agent: '',
  })
  const tickets = useAsync(
    () =>
      listTickets({
        sop: filter.sop,
        status: filter.status,
        channel: filter.channel,
        assignee: filter.agent,
        limit: '500',
      }),
    [filter.sop, filter.status, filter.channel, filter.agent],
  )
  const rows = (tickets.data ?? []).filter(
    (x) =>
      (!filter.from || x.createdAt >= filter.from) &&
      (!filter.to || x.createdAt.slice(0, 10) <= filter.to) &&
      (!filter.outcome || x.outcome === filter.outcome) &&
      (!filter.version || String(x.sopVersion) === filter.version),
  )
  const set = (k: keyof typeof filter) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setFilter({ ...filter, [k]: e.target.value })
  return (
    <div className="page audit">
      <h1>{t('audit.title')}</h1>
      <div className="filters card">
        <label>
          {t('ticket.sop')}
          <select name="sop" value={filter.sop} onChange={set('sop')}>
            <option value="">{t('all')}</option>
            {(sops.data ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.version')}
          <input name="version" value={filter.version} onChange={set('version')} size={3} />
        </label>
        <label>
          {t('audit.status')}
          <select name="status" value={filter.status} onChange={set('status')}>
            <option value="">{t('all')}</option>
            <option value="open">{t('status.open')}</option>
            <option value="closed">{t('status.closed')}</option>
          </select>
        </label>
        <label>
          {t('audit.outcome')}
          <select name="outcome" value={filter.outcome} onChange={set('outcome')}>
            <option value="">{t('all')}</option>
            {['resolved', 'escalated', 'cancelled', 'no_response', 'sold', 'lost'].map((o) => (
              <option key={o} value={o}>
                {t(`outcome.${o}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.agent')}
          <select name="agent" value={filter.agent} onChange={set('agent')}>
            <option value="">{t('all')}</option>
            {(users.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.name} ({u.role})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.from')}
          <input type="date" name="from" value={filter.from} onChange={set('from')} />
        </label>
        <label>
          {t('audit.to')}
          <input type="date" name="to" value={filter.to} onChange={set('to')} />
        </label>
      </div>
      <table className="table">
        <thead>
          <tr>
            <th>{t('ticket.subject')}</th>
            <th>{t('ticket.sop')}</th>
            <th>{t('audit.status')}</th>
            <th>{t('audit.created')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>
                <a href={`#/audit/${r.id}`}>{r.subject}</a>
              </td>
              <td>
                {r.sopTitle} v{r.sopVersion}
              </td>
              <td>{r.status === 'closed' ? t(`outcome.${r.outcome ?? 'resolved'}`) : t('status.open')}</td>
              <td>{formatTime(r.createdAt, i18n.language)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
