import { useCallback, useEffect, useState } from 'react'
import { signOutEverywhere, signOut as signOutHere } from '../api/auth.ts'
import { ApiError, getToken, SIGNED_OUT_EVENT, setToken } from '../api/client.ts'
import { getMe, type Me } from '../api/users.ts'

/** Whether this browser had a session (its CSRF cookie is still there) or kept an API token. */
const hadCredentials = () => !!getToken() || /(?:^|;\s*)sopflow_csrf=/.test(document.cookie)

/**
 * The signed-in person: checked with the server on load (the session cookie is invisible to the
 * page). A 401 while signed in marks the session `lapsed`: the shell asks to sign in again over
 * the page, which stays as it is, with everything typed into it.
 */
export function useSession() {
  const [me, setMe] = useState<Me | null>(null)
  const [state, setState] = useState<'checking' | 'in' | 'out'>('checking')
  const [expired, setExpired] = useState(false)
  const [lapsed, setLapsed] = useState(false)
  useEffect(() => {
    if (state !== 'checking') return
    let cancelled = false
    const had = hadCredentials()
    getMe()
      .then((u) => {
        if (cancelled) return
        setMe(u)
        setState('in')
      })
      .catch((err) => {
        if (cancelled) return
        if (err instanceof ApiError && err.status === 401) {
          setToken(null)
          setExpired(had)
        }
        setState('out')
      })
    return () => {
      cancelled = true
    }
  }, [state])
  useEffect(() => {
    if (state !== 'in') return
    const onSignedOut = () => {
      setToken(null)
      setLapsed(true)
    }
    window.addEventListener(SIGNED_OUT_EVENT, onSignedOut)
    return () => window.removeEventListener(SIGNED_OUT_EVENT, onSignedOut)
  }, [state])
  const signedIn = useCallback((u: Me) => {
    setMe(u)
    setExpired(false)
    setLapsed(false)
    setState('in')
  }, [])
  const end = useCallback(async (everywhere: boolean) => {
    if (!getToken()) await (everywhere ? signOutEverywhere() : signOutHere()).catch(() => undefined)
    setToken(null)
    setMe(null)
    setLapsed(false)
    setExpired(false)
    setState('out')
  }, [])
  const signOut = useCallback(() => end(false), [end])
  const signOutAll = useCallback(() => end(true), [end])
  return { me, state, expired, lapsed, signedIn, signOut, signOutAll }
}
