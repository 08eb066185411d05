import { useTranslation } from 'react-i18next'
import type { ApiToken } from '../api/tokens.ts'
import { formatTime } from '../ui/format.ts'
import { tokenState } from './useTokens.ts'

/** Tokens with their scopes, dates and state; an active one can be revoked. */
export function TokenTable({
  tokens,
  showUser,
  busy,
  onRevoke,
}: {
  tokens: ApiToken[]
  showUser: boolean
  busy: boolean
  onRevoke: (t: ApiToken) => void
}) {
  const { t, i18n } = useTranslation('admin')
  if (!tokens.length) return <p className="muted">{t('tokens.none')}</p>
  const when = (iso: string | null, none: string) => (iso ? formatTime(iso, i18n.language) : none)
  return (
    <div className="table-wrap">
      <table className="admin-table">
        <thead>
          <tr>
            <th>{t('tokens.name')}</th>
            {showUser && <th>{t('tokens.user')}</th>}
            <th>{t('tokens.scopes')}</th>
            <th>{t('tokens.created')}</th>
            <th>{t('tokens.expires')}</th>
            <th>{t('tokens.lastUsed')}</th>
            <th>{t('tokens.state')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens.map((tk) => {
            const state = tokenState(tk)
            return (
              <tr key={tk.id} data-token={tk.id}>
                <td data-label={t('tokens.name')}>{tk.name}</td>
                {showUser && (
                  <td data-label={t('tokens.user')}>
                    {tk.userName}{' '}
                    <span className="muted small">
                      ({tk.kind === 'service' ? t('tokens.kindService') : t('tokens.kindPersonal')})
                    </span>
                  </td>
                )}
                <td data-label={t('tokens.scopes')}>{tk.scopes.join(', ')}</td>
                <td data-label={t('tokens.created')}>{when(tk.createdAt, '')}</td>
                <td data-label={t('tokens.expires')}>{when(tk.expiresAt, t('tokens.never'))}</td>
                <td data-label={t('tokens.lastUsed')}>{when(tk.lastUsedAt, t('tokens.neverUsed'))}</td>
                <td data-label={t('tokens.state')}>
                  <span className={`pill ${state === 'active' ? '' : 'danger'}`}>
                    {t(`tokens.state${state[0].toUpperCase()}${state.slice(1)}`)}
                  </span>
                </td>
                <td className="row-action">
                  {state !== 'revoked' && (
                    <button
                      type="button"
                      className="danger"
                      disabled={busy}
                      aria-label={t('tokens.revokeLabel', { name: tk.name })}
                      onClick={() => onRevoke(tk)}
                    >
                      {t('tokens.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
