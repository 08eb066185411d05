import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, setToken } from '../api/client.ts'
import { getMe, type Me } from '../api/users.ts'
import { problemText } from '../ui/problemText.ts'

/**
 * Sign in with an access token (created with `sopflow user add`). The token is checked against the
 * API before the app opens: a wrong one is refused here, and the typed token stays in the field.
 */
export function SignIn({ onSignedIn, expired }: { onSignedIn: (me: Me) => void; expired?: boolean }) {
  const { t } = useTranslation()
  const [token, setValue] = useState('')
  const [error, setError] = useState(expired ? t('signIn.expired') : '')
  const [busy, setBusy] = useState(false)
  return (
    <form
      className="sign-in"
      onSubmit={async (e) => {
        e.preventDefault()
        setBusy(true)
        setError('')
        setToken(token.trim())
        try {
          onSignedIn(await getMe())
        } catch (err) {
          setToken(null)
          setError(
            err instanceof ApiError
              ? err.status === 401
                ? t('signIn.invalid')
                : problemText(err.problem, t)
              : t('signIn.unreachable'),
          )
        } finally {
          setBusy(false)
        }
      }}
    >
      <h1>{t('signIn.title')}</h1>
      <label>
        {t('signIn.token')}
        <input
          name="token"
          type="password"
          value={token}
          onChange={(e) => setValue(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'sign-in-error' : undefined}
          autoFocus
        />
      </label>
      {error && (
        <p className="error" role="alert" id="sign-in-error" data-testid="sign-in-error">
          {error}
        </p>
      )}
      <button type="submit" disabled={!token.trim() || busy}>
        {t('signIn.submit')}
      </button>
    </form>
  )
}
