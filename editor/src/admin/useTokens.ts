import { useCallback, useState } from 'react'
import { ApiError } from '../api/client.ts'
import {
  type ApiToken,
  createMyToken,
  createTokenFor,
  listAllTokens,
  listMyTokens,
  type MadeToken,
  type NewToken,
  revokeAnyToken,
  revokeMyToken,
} from '../api/tokens.ts'
import { useAsync } from '../ui/useAsync.ts'

/** A list of tokens (mine, or everyone's for an administrator) and what can be done to them. */
export function useTokens(which: 'mine' | 'all', version = 0, changed: () => void = () => {}) {
  const list = useAsync<ApiToken[]>(
    () => (which === 'mine' ? listMyTokens() : listAllTokens()),
    [which, version],
  )
  const [made, setMade] = useState<MadeToken | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const run = useCallback(
    async <T>(work: () => Promise<T>): Promise<T | null> => {
      setBusy(true)
      setError(null)
      setNotice(null)
      try {
        const out = await work()
        await list.reload()
        changed()
        return out
      } catch (err) {
        if (err instanceof ApiError) setError(err)
        else throw err
        return null
      } finally {
        setBusy(false)
      }
    },
    [list.reload, changed],
  )

  /** Makes a token; true when it was made (the form may then be cleared). */
  const create = async (t: NewToken, userId?: string): Promise<boolean> => {
    const out = await run(() => (which === 'all' && userId ? createTokenFor(userId, t) : createMyToken(t)))
    if (out) setMade(out)
    return out !== null
  }
  const revoke = async (token: ApiToken) => {
    const out = await run(() => (which === 'all' ? revokeAnyToken(token.id) : revokeMyToken(token.id)))
    if (out) setNotice(token.name)
  }
  return {
    tokens: list.data ?? [],
    loading: list.loading,
    loadError: list.error,
    made,
    dismissSecret: () => setMade(null),
    error,
    revokedName: notice,
    busy,
    create,
    revoke,
  }
}

/** Whether a token works now: active, expired or revoked. */
export function tokenState(t: ApiToken, now = new Date()): 'active' | 'expired' | 'revoked' {
  if (t.revokedAt) return 'revoked'
  if (t.expiresAt && Date.parse(t.expiresAt) <= now.getTime()) return 'expired'
  return 'active'
}
