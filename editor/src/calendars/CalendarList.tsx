import { useTranslation } from 'react-i18next'
import { listCalendars } from '../api/calendars.ts'
import { ApiError } from '../api/client.ts'
import { formatTime } from '../ui/format.ts'
import { problemText } from '../ui/problemText.ts'
import { useAsync } from '../ui/useAsync.ts'
import { UsedBy } from './UsedBy.tsx'

/** Every calendar with its zone and current version; a link to each, and to a new one. */
export function CalendarList() {
  const { t, i18n } = useTranslation('calendars')
  const list = useAsync(listCalendars, [])
  return (
    <div className="page calendars">
      <div className="cal-head">
        <h1>{t('title')}</h1>
        <a className="button primary" href="#/calendars?new">
          {t('new')}
        </a>
      </div>
      <p className="muted">{t('help')}</p>
      {list.error && (
        <p className="error" role="alert">
          {list.error instanceof ApiError ? problemText(list.error.problem, t) : list.error.message}
        </p>
      )}
      {list.data && list.data.length === 0 && <p className="muted">{t('none')}</p>}
      {list.data && list.data.length > 0 && (
        <div className="cal-table-wrap">
          <table className="cal-table">
            <thead>
              <tr>
                <th>{t('field.title')}</th>
                <th>{t('field.timeZone')}</th>
                <th>{t('list.version')}</th>
                <th>{t('list.savedAt')}</th>
                <th>{t('usedBy.title')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((c) => (
                <tr key={c.id} data-calendar={c.id}>
                  <td>
                    <a href={`#/calendars/${encodeURIComponent(c.id)}`}>{c.title}</a>{' '}
                    <code className="muted small">{c.id}</code>
                  </td>
                  <td data-label={t('field.timeZone')}>{c.timeZone}</td>
                  <td data-label={t('list.version')}>{c.version}</td>
                  <td data-label={t('list.savedAt')}>{formatTime(c.createdAt, i18n.language)}</td>
                  <td data-label={t('usedBy.title')}>
                    <UsedBy users={c.usedBy ?? []} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
