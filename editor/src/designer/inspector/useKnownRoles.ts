import { useMemo } from 'react'
import { listRoles } from '../../api/roles.ts'
import { useAsync } from '../../ui/useAsync.ts'
import type { Doc } from '../useDesigner.ts'

let loaded: Promise<string[]> | null = null
/** The server's roles, asked once per page load (again after a failure). */
function serverRoles(): Promise<string[]> {
  loaded ??= listRoles().catch((err) => {
    loaded = null
    throw err
  })
  return loaded
}

/** The roles to offer: those the server knows, then those the SOP already uses (custom ones). */
export function useKnownRoles(doc: Doc): { roles: string[]; failed: boolean } {
  const server = useAsync(serverRoles, [])
  const used = useMemo(() => {
    const all = new Set<string>()
    for (const s of doc.steps) {
      for (const r of s.roles ?? []) all.add(r)
      if (s.sla?.notify) all.add(s.sla.notify)
    }
    for (const t of doc.transitions) for (const r of t.roles ?? []) all.add(r)
    return all
  }, [doc.steps, doc.transitions])
  return useMemo(
    () => ({ roles: [...new Set([...(server.data ?? []), ...used])], failed: Boolean(server.error) }),
    [server.data, server.error, used],
  )
}
