import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ROLES } from '../../../server/storage/types.ts'
import type { Team } from '../api/teams.ts'
import type { Invitation } from '../api/users.ts'

/** Invite a person by name, e-mail, role and team; what was typed stays when the server refuses. */
export function InviteForm({
  teams,
  busy,
  onInvite,
}: {
  teams: Team[]
  busy: boolean
  onInvite: (invitation: Invitation) => Promise<boolean>
}) {
  const { t } = useTranslation(['admin', 'common'])
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [role, setRole] = useState('agent')
  const [team, setTeam] = useState('')
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (await onInvite({ name, email, role, team: team || null })) {
      setName('')
      setEmail('')
    }
  }
  return (
    <form className="card invite-form" onSubmit={submit} aria-label={t('invite.title')}>
      <h3>{t('invite.title')}</h3>
      <p className="muted small">{t('invite.help')}</p>
      <label>
        {t('users.name')}
        <input name="name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {t('invite.email')}
        <input
          name="email"
          type="email"
          required
          autoComplete="off"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </label>
      <label>
        {t('users.role')}
        <select name="role" value={role} onChange={(e) => setRole(e.target.value)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`common:roles.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('users.team')}
        <select name="team" value={team} onChange={(e) => setTeam(e.target.value)}>
          <option value="">{t('teams.none')}</option>
          {teams.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary" disabled={busy}>
        {t('invite.submit')}
      </button>
    </form>
  )
}
