import { useTranslation } from 'react-i18next'
import { problemText } from '../ui/problemText.ts'
import './admin.css'
import { GroupCard } from './GroupCard.tsx'
import { NewGroupForm } from './NewGroupForm.tsx'
import { TeamCalendarSelect } from './TeamCalendarSelect.tsx'
import { usePeople } from './usePeople.ts'

/** Teams (departments) and organisation roles, with their members: who is responsible for what. */
export function TeamsPage() {
  const { t } = useTranslation('admin')
  const people = usePeople()
  const teamName = (id: string | null) => people.teams.find((x) => x.id === id)?.name ?? id
  return (
    <div className="page admin people">
      <h1>{t('people.title')}</h1>
      <p className="muted">{t('people.help')}</p>
      {people.error && (
        <p className="error" role="alert">
          {problemText(people.error.problem, t)}
        </p>
      )}
      {people.done && (
        <p role="status">
          {t(`people.${people.done.key}`, { name: people.done.name, group: people.done.group })}
        </p>
      )}
      <h2 className="admin-section">{t('people.team.title')}</h2>
      <div className="admin-grid">
        <NewGroupForm
          kind="team"
          busy={people.busy}
          onCreate={(id, name) => people.createTeam({ id, name })}
        />
        <div className="group-list">
          {people.teams.length === 0 && <p className="muted">{t('people.team.none')}</p>}
          {people.teams.map((team) => (
            <GroupCard
              key={team.id}
              title={team.name}
              code={team.id}
              members={people.users.filter((u) => u.team === team.id)}
              others={people.users.filter((u) => u.team !== team.id)}
              note={(u) => (u.team ? t('people.team.moves', { team: teamName(u.team) }) : null)}
              busy={people.busy}
              onAdd={(u) => people.joinTeam(team, u)}
              onRemove={(u) => people.leaveTeam(team, u)}
            >
              <TeamCalendarSelect
                team={team}
                calendars={people.calendars}
                busy={people.busy}
                onChange={(id) => people.setTeamCalendar(team, id)}
              />
            </GroupCard>
          ))}
        </div>
      </div>
      <h2 className="admin-section">{t('people.role.title')}</h2>
      <p className="muted">{t('people.role.help')}</p>
      <div className="admin-grid">
        <NewGroupForm
          kind="role"
          busy={people.busy}
          onCreate={(name, label) => people.createRole({ name, label })}
        />
        <div className="group-list">
          {people.roles.length === 0 && <p className="muted">{t('people.role.none')}</p>}
          {people.roles.map((role) => (
            <GroupCard
              key={role.name}
              title={role.label}
              code={role.name}
              members={people.users.filter((u) => u.orgRoles?.includes(role.name))}
              others={people.users.filter((u) => !u.orgRoles?.includes(role.name))}
              busy={people.busy}
              onAdd={(u) => people.giveRole(role, u)}
              onRemove={(u) => people.takeRole(role, u)}
            />
          ))}
        </div>
      </div>
    </div>
  )
}
