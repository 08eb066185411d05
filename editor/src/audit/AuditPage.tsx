import { useTranslation } from 'react-i18next'
import { getMetricOptions } from '../api/metrics.ts'
import { listUsers } from '../api/users.ts'
import { formatTime } from '../ui/format.ts'
import { SopVersionSelects } from '../ui/SopVersionSelects.tsx'
import { useAsync } from '../ui/useAsync.ts'
import type { Route } from '../useRoute.ts'
import { CHANNELS, OUTCOMES } from './choices.ts'
import './audit.css'
import { TicketAudit } from './TicketAudit.tsx'
import { PAGE, useAuditSearch } from './useAuditSearch.ts'

/** The auditor's page: find tickets, then replay one's history. */
export function AuditPage({ route }: { route: Route }) {
  const id = route.segments[1]
  if (id) return <TicketAudit ticketId={id} />
  return <AuditSearch />
}

function AuditSearch() {
  const { t, i18n } = useTranslation(['insight', 'console'])
  const options = useAsync(() => getMetricOptions().catch(() => ({ sops: [], teams: [] })), [])
  const users = useAsync(() => listUsers().catch(() => []), [])
  const { filter, set, result, offset, setOffset } = useAuditSearch()
  const on = (k: Parameters<typeof set>[0]) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    set(k, e.target.value)
  const total = result.data?.total ?? 0
  const items = result.data?.items ?? []
  return (
    <div className="page audit audit-search">
      <h1>{t('audit.title')}</h1>
      <div className="filters card">
        <label className="search-box">
          {t('audit.search')}
          <input
            type="search"
            name="q"
            value={filter.q}
            onChange={on('q')}
            placeholder={t('audit.searchPlaceholder')}
          />
        </label>
        <SopVersionSelects
          sops={options.data?.sops ?? []}
          sop={filter.sop}
          version={filter.version}
          onSop={on('sop')}
          onVersion={on('version')}
          labels={{ sop: t('audit.sop'), version: t('audit.version'), all: t('audit.all') }}
        />
        <label>
          {t('audit.status')}
          <select name="status" value={filter.status} onChange={on('status')}>
            <option value="">{t('audit.all')}</option>
            <option value="open">{t('console:status.open')}</option>
            <option value="closed">{t('console:status.closed')}</option>
          </select>
        </label>
        <label>
          {t('audit.outcome')}
          <select name="outcome" value={filter.outcome} onChange={on('outcome')}>
            <option value="">{t('audit.all')}</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {t(`console:outcome.${o}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.channel')}
          <select name="channel" value={filter.channel} onChange={on('channel')}>
            <option value="">{t('audit.all')}</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`console:channels.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.agent')}
          <select name="agent" value={filter.assignee} onChange={on('assignee')}>
            <option value="">{t('audit.all')}</option>
            {(users.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.from')}
          <input type="date" name="from" value={filter.from} onChange={on('from')} />
        </label>
        <label>
          {t('audit.to')}
          <input type="date" name="to" value={filter.to} onChange={on('to')} />
        </label>
      </div>
      {result.error && <p className="error">{result.error.message}</p>}
      <p className="muted" data-testid="audit-found">
        {t('audit.found', { count: total })}
      </p>
      <div className="table-scroll">
        <table className="table" data-testid="audit-results">
          <thead>
            <tr>
              <th>{t('audit.subject')}</th>
              <th>{t('audit.customer')}</th>
              <th>{t('audit.sop')}</th>
              <th>{t('audit.status')}</th>
              <th>{t('audit.agent')}</th>
              <th>{t('audit.opened')}</th>
              <th>{t('audit.verified')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id} data-ticket={r.id}>
                <td>
                  <a href={`#/audit/${r.id}`}>{r.subject}</a>
                  <br />
                  <span className="ticket-ref">{r.id}</span>
                </td>
                <td>{r.customerName ?? '—'}</td>
                <td>
                  {r.sopTitle} v{r.sopVersion}
                </td>
                <td>
                  {r.status === 'closed'
                    ? t(`console:outcome.${r.outcome ?? 'closed'}`)
                    : `${t('console:status.open')} · ${r.stepTitles.join(', ')}`}
                </td>
                <td>{r.assigneeName ?? '—'}</td>
                <td>{formatTime(r.createdAt, i18n.language)}</td>
                <td data-verified={r.verified}>
                  <span className={r.verified ? 'verified-yes' : 'verified-no'}>
                    {r.verified ? t('audit.verifiedYes') : t('audit.verifiedNo')}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!result.loading && !items.length && <p className="muted">{t('audit.none')}</p>}
      {total > PAGE && (
        <div className="pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {t('audit.previous')}
          </button>
          <span>{t('audit.page', { from: offset + 1, to: Math.min(total, offset + PAGE), total })}</span>
          <button type="button" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
            {t('audit.next')}
          </button>
        </div>
      )}
    </div>
  )
}
