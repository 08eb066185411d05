import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { acceptLink, getLink, type LinkInfo } from '../api/auth.ts'
import { ApiError, setToken } from '../api/client.ts'
import type { Me } from '../api/users.ts'
import { problemText } from '../ui/problemText.ts'

/** A one-time link's page: what the link is for, and choosing the password with it. */
export function useChoosePassword(secret: string, onSignedIn: (me: Me) => void) {
  const { t } = useTranslation()
  const [link, setLink] = useState<LinkInfo | null>(null)
  const [invalid, setInvalid] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    let cancelled = false
    getLink(secret)
      .then((l) => !cancelled && setLink(l))
      .catch((err) => {
        if (cancelled) return
        setInvalid(err instanceof ApiError ? problemText(err.problem, t) : t('signIn.unreachable'))
      })
    return () => {
      cancelled = true
    }
  }, [secret, t])
  const submit = async (password: string, email: string) => {
    setBusy(true)
    setError('')
    try {
      const session = await acceptLink(secret, password, link?.user.email ? undefined : email.trim())
      // The session cookie replaces any API token this browser held.
      setToken(null)
      onSignedIn(session.user)
    } catch (err) {
      setError(err instanceof ApiError ? problemText(err.problem, t) : t('signIn.unreachable'))
    } finally {
      setBusy(false)
    }
  }
  return { link, invalid, error, busy, submit }
}
