import { useTranslation } from 'react-i18next'
import { listTeams, type Team } from '../../api/teams.ts'
import { useAsync } from '../../ui/useAsync.ts'

let loaded: Promise<Team[]> | null = null
/** The server's teams, asked once per page load (again after a failure). */
function serverTeams(): Promise<Team[]> {
  loaded ??= listTeams().catch((err) => {
    loaded = null
    throw err
  })
  return loaded
}

/** Picks the team responsible for a step; none means any team. A team the server lacks is kept. */
export function TeamSelect({
  value,
  onChange,
}: {
  value: string | undefined
  onChange: (team?: string) => void
}) {
  const { t } = useTranslation('designer')
  const teams = useAsync(serverTeams, [])
  const known = teams.data ?? []
  const options = value && !known.some((x) => x.id === value) ? [...known, { id: value, name: value }] : known
  return (
    <label>
      {t('inspector2.team')}
      <select name="step-team" value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">{t('inspector2.teamAny')}</option>
        {options.map((x) => (
          <option key={x.id} value={x.id}>
            {x.name}
          </option>
        ))}
      </select>
      {teams.error && <span className="muted small">{t('inspector2.teamsFailed')}</span>}
    </label>
  )
}
