import { useState } from 'react'
import { ApiError } from '../api/client.ts'
import { createOrgRole, listOrgRoles, type OrgRole, setOrgRoles } from '../api/roles.ts'
import { createTeam, listCalendarChoices, listTeams, setTeamCalendar, type Team } from '../api/teams.ts'
import { listUsers, setTeam, type UserRow } from '../api/users.ts'
import { useAsync } from '../ui/useAsync.ts'

/** Teams and organisation roles with their members, and the administrator's changes to them. */
export function usePeople() {
  const teams = useAsync(listTeams, [])
  const roles = useAsync(listOrgRoles, [])
  const users = useAsync(listUsers, [])
  const calendars = useAsync(listCalendarChoices, [])
  const [error, setError] = useState<ApiError | null>(null)
  const [done, setDone] = useState<{ key: string; name: string; group: string } | null>(null)
  const [busy, setBusy] = useState(false)

  /** Runs a change; false (the form keeps what was typed) when the server refuses it. */
  const run = async (work: () => Promise<unknown>, then: { key: string; name: string; group: string }) => {
    setBusy(true)
    setError(null)
    setDone(null)
    try {
      await work()
      setDone(then)
      await Promise.all([teams.reload(), roles.reload(), users.reload()])
      return true
    } catch (err) {
      if (err instanceof ApiError) setError(err)
      else throw err
      return false
    } finally {
      setBusy(false)
    }
  }
  const held = (u: UserRow) => u.orgRoles ?? []
  return {
    teams: teams.data ?? [],
    roles: roles.data ?? [],
    users: (users.data ?? []).filter((u) => !u.disabledAt),
    calendars: calendars.data ?? [],
    error,
    done,
    busy,
    setTeamCalendar: (team: Team, calendarId: string | null) =>
      run(() => setTeamCalendar(team.id, calendarId), {
        key: calendarId ? 'teamCalendar' : 'teamCalendarNone',
        name: (calendars.data ?? []).find((c) => c.id === calendarId)?.title ?? '',
        group: team.name,
      }),
    createTeam: (team: Team) =>
      run(() => createTeam(team), { key: 'teamCreated', name: team.name, group: team.name }),
    joinTeam: (team: Team, u: UserRow) =>
      run(() => setTeam(u.id, team.id), { key: 'joined', name: u.name, group: team.name }),
    leaveTeam: (team: Team, u: UserRow) =>
      run(() => setTeam(u.id, null), { key: 'left', name: u.name, group: team.name }),
    createRole: (role: OrgRole) =>
      run(() => createOrgRole(role), { key: 'roleCreated', name: role.label, group: role.label }),
    giveRole: (role: OrgRole, u: UserRow) =>
      run(() => setOrgRoles(u.id, [...held(u), role.name]), {
        key: 'given',
        name: u.name,
        group: role.label,
      }),
    takeRole: (role: OrgRole, u: UserRow) =>
      run(
        () =>
          setOrgRoles(
            u.id,
            held(u).filter((r) => r !== role.name),
          ),
        {
          key: 'taken',
          name: u.name,
          group: role.label,
        },
      ),
  }
}

export type People = ReturnType<typeof usePeople>
