import { useState } from 'react'
import { ApiError } from '../api/client.ts'
import { listTeams } from '../api/teams.ts'
import {
  changeRole,
  disableUser,
  enableUser,
  type Invitation,
  inviteUser,
  listUsers,
  type OneTimeLink,
  resetPassword,
  setTeam,
  type UserRow,
} from '../api/users.ts'
import { useAsync } from '../ui/useAsync.ts'

/** A one-time link just made, for whom and why (`invited` or `reset`). */
export interface MadeLink {
  kind: 'invited' | 'reset'
  name: string
  link: OneTimeLink
}

/** The users and the administrator's changes to them: role, team, disabled or enabled, invitations, resets. */
export function useUsers() {
  const list = useAsync(listUsers, [])
  const teams = useAsync(listTeams, [])
  const [link, setLink] = useState<MadeLink | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [done, setDone] = useState<{ key: string; name: string; role?: string; team?: string | null } | null>(
    null,
  )
  const [busy, setBusy] = useState<string | null>(null)

  const apply = async (u: UserRow, work: () => Promise<UserRow>, key: string) => {
    setBusy(u.id)
    setError(null)
    setDone(null)
    try {
      const changed = await work()
      setDone({ key, name: changed.name, role: changed.role, team: changed.team })
      await list.reload()
    } catch (err) {
      if (err instanceof ApiError) setError(err)
      else throw err
    } finally {
      setBusy(null)
    }
  }
  /** Runs a change that answers with a one-time link; false (the form keeps its text) on a refusal. */
  const withLink = async (key: string, work: () => Promise<MadeLink>) => {
    setBusy(key)
    setError(null)
    setDone(null)
    setLink(null)
    try {
      setLink(await work())
      await list.reload()
      return true
    } catch (err) {
      if (err instanceof ApiError) setError(err)
      else throw err
      return false
    } finally {
      setBusy(null)
    }
  }
  return {
    users: list.data ?? [],
    teams: teams.data ?? [],
    link,
    clearLink: () => setLink(null),
    setTeam: (u: UserRow, team: string | null) => apply(u, () => setTeam(u.id, team), 'teamSaved'),
    invite: (inv: Invitation) =>
      withLink('invite', async () => ({
        kind: 'invited',
        name: inv.name,
        link: (await inviteUser(inv)).link,
      })),
    reset: (u: UserRow) =>
      withLink(u.id, async () => ({ kind: 'reset', name: u.name, link: (await resetPassword(u.id)).link })),
    loading: list.loading,
    error,
    done,
    busy,
    setRole: (u: UserRow, role: string) => apply(u, () => changeRole(u.id, role), 'saved'),
    toggle: (u: UserRow) =>
      u.disabledAt
        ? apply(u, () => enableUser(u.id), 'enabledDone')
        : apply(u, () => disableUser(u.id), 'disabledDone'),
  }
}
