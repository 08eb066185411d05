import { useState } from 'react'
import { ApiError } from '../api/client.ts'
import { changeRole, disableUser, enableUser, listUsers, type UserRow } from '../api/users.ts'
import { useAsync } from '../ui/useAsync.ts'

/** The users and the administrator's changes to them: role, disabled or enabled. */
export function useUsers() {
  const list = useAsync(listUsers, [])
  const [error, setError] = useState<ApiError | null>(null)
  const [done, setDone] = useState<{ key: string; name: string; role?: string } | null>(null)
  const [busy, setBusy] = useState<string | null>(null)

  const apply = async (u: UserRow, work: () => Promise<UserRow>, key: string) => {
    setBusy(u.id)
    setError(null)
    setDone(null)
    try {
      const changed = await work()
      setDone({ key, name: changed.name, role: changed.role })
      await list.reload()
    } catch (err) {
      if (err instanceof ApiError) setError(err)
      else throw err
    } finally {
      setBusy(null)
    }
  }
  return {
    users: list.data ?? [],
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
