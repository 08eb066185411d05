import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { listAdminLog } from '../api/adminLog.ts'
import { formatTime } from '../ui/format.ts'
import { problemText } from '../ui/problemText.ts'
import { useAsync } from '../ui/useAsync.ts'
import './admin.css'

const PAGE = 50

const shown = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v))

/** The admin-actions log for administrators and auditors: who changed what, before and after. */
export function AdminLogPage() {
  const { t, i18n } = useTranslation(['admin', 'common'])
  const [offset, setOffset] = useState(0)
  const log = useAsync(() => listAdminLog(offset, PAGE), [offset])
  const total = log.data?.total ?? 0
  const items = log.data?.items ?? []
  return (
    <div className="page admin">
      <h1>{t('log.title')}</h1>
      <p className="muted">{t('log.help')}</p>
      {log.error && (
        <p className="error" role="alert">
          {problemText((log.error as { problem?: object }).problem ?? {}, t)}
        </p>
      )}
      {!log.loading && !items.length && !log.error && <p className="muted">{t('log.none')}</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="admin-table admin-log">
            <thead>
              <tr>
                <th>{t('log.when')}</th>
                <th>{t('log.who')}</th>
                <th>{t('log.what')}</th>
                <th>{t('log.target')}</th>
                <th>{t('log.before')}</th>
                <th>{t('log.after')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.seq} data-action={e.action}>
                  <td data-label={t('log.when')}>{formatTime(e.at, i18n.language)}</td>
                  <td data-label={t('log.who')}>
                    {e.actorId === 'cli' ? (
                      t('log.cli')
                    ) : (
                      <>
                        {e.actorName}{' '}
                        <span className="muted small">
                          ({t(`common:roles.${e.actorRole}`, { defaultValue: e.actorRole })})
                        </span>
                      </>
                    )}
                  </td>
                  <td data-label={t('log.what')}>
                    {t(`log.action.${e.action}`, { defaultValue: e.action })}
                  </td>
                  <td data-label={t('log.target')}>
                    {e.targetName} <code className="muted small">{e.targetId}</code>
                  </td>
                  <td data-label={t('log.before')}>
                    <code>{shown(e.before)}</code>
                  </td>
                  <td data-label={t('log.after')}>
                    <code>{shown(e.after)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {total > PAGE && (
        <div className="pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {t('log.newer')}
          </button>
          <span>{t('log.range', { from: offset + 1, to: Math.min(total, offset + PAGE), total })}</span>
          <button type="button" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
            {t('log.older')}
          </button>
        </div>
      )}
    </div>
  )
}
