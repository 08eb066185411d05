import { useTranslation } from 'react-i18next'
import { ROLES } from '../../../server/storage/types.ts'
import type { Team } from '../api/teams.ts'
import type { UserRow } from '../api/users.ts'
import { useMe } from '../auth/session.ts'
import { formatTime } from '../ui/format.ts'
import { problemText } from '../ui/problemText.ts'
import './admin.css'
import { InviteForm } from './InviteForm.tsx'
import { OneTimeLink } from './OneTimeLink.tsx'
import { useUsers } from './useUsers.ts'

/** The administrator's list of users: role, team, whether they may sign in; invitations and resets. */
export function UsersPage() {
  const { t } = useTranslation(['admin', 'common'])
  const users = useUsers()
  return (
    <div className="page admin">
      <h1>{t('users.title')}</h1>
      {users.error && (
        <p className="error" role="alert">
          {problemText(users.error.problem, t)}
        </p>
      )}
      {users.done && (
        <p role="status">
          {t(`users.${users.done.key}`, {
            name: users.done.name,
            role: t(`common:roles.${users.done.role}`, { defaultValue: users.done.role }),
            team:
              users.teams.find((x) => x.id === users.done?.team)?.name ?? users.done.team ?? t('teams.none'),
          })}
        </p>
      )}
      {users.link && (
        <OneTimeLink
          title={t(`links.${users.link.kind}`, { name: users.link.name })}
          link={users.link.link}
          onDone={users.clearLink}
        />
      )}
      <InviteForm teams={users.teams} busy={users.busy === 'invite'} onInvite={users.invite} />
      <div className="table-wrap admin-section">
        <table className="admin-table">
          <thead>
            <tr>
              <th>{t('users.name')}</th>
              <th>{t('users.role')}</th>
              <th>{t('users.team')}</th>
              <th>{t('users.status')}</th>
              <th>{t('users.created')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.users.map((u) => (
              <UserLine
                key={u.id}
                user={u}
                busy={users.busy === u.id}
                teams={users.teams}
                setRole={users.setRole}
                setTeam={users.setTeam}
                reset={users.reset}
                toggle={users.toggle}
              />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}

function UserLine({
  user,
  busy,
  teams,
  setRole,
  setTeam,
  reset,
  toggle,
}: {
  user: UserRow
  busy: boolean
  teams: Team[]
  setRole: (u: UserRow, role: string) => void
  setTeam: (u: UserRow, team: string | null) => void
  reset: (u: UserRow) => void
  toggle: (u: UserRow) => void
}) {
  const { t, i18n } = useTranslation(['admin', 'common'])
  const me = useMe()
  return (
    <tr data-user={user.id} className={user.disabledAt ? 'is-disabled' : undefined}>
      <td data-label={t('users.name')}>
        <span>
          {user.name} {me?.id === user.id && <span className="muted small">({t('users.you')})</span>}
        </span>
      </td>
      <td data-label={t('users.role')}>
        <select
          value={user.role}
          disabled={busy}
          aria-label={t('users.changeRole', { name: user.name })}
          onChange={(e) => setRole(user, e.target.value)}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`common:roles.${r}`)}
            </option>
          ))}
        </select>
      </td>
      <td data-label={t('users.team')}>
        <select
          value={user.team ?? ''}
          disabled={busy}
          aria-label={t('users.changeTeam', { name: user.name })}
          onChange={(e) => setTeam(user, e.target.value || null)}
        >
          <option value="">{t('teams.none')}</option>
          {teams.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
          {user.team && !teams.some((x) => x.id === user.team) && (
            <option value={user.team}>{user.team}</option>
          )}
        </select>
      </td>
      <td data-label={t('users.status')}>
        {user.disabledAt ? (
          <span className="pill danger">
            {t('users.disabled', { at: formatTime(user.disabledAt, i18n.language) })}
          </span>
        ) : (
          <span className="pill">{t('users.active')}</span>
        )}
      </td>
      <td data-label={t('users.created')}>{formatTime(user.createdAt, i18n.language)}</td>
      <td className="row-action">
        <button
          type="button"
          disabled={busy || Boolean(user.disabledAt)}
          aria-label={t('users.resetLabel', { name: user.name })}
          onClick={() => reset(user)}
        >
          {t('users.reset')}
        </button>{' '}
        <button
          type="button"
          className={user.disabledAt ? '' : 'danger'}
          disabled={busy}
          aria-pressed={Boolean(user.disabledAt)}
          onClick={() => toggle(user)}
        >
          {user.disabledAt ? t('users.enable') : t('users.disable')}
        </button>
      </td>
    </tr>
  )
}
