import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, setToken } from '../api/client.ts'
import { getMe, type Me } from '../api/users.ts'
import { problemText } from '../ui/problemText.ts'

/**
 * The advanced way in: an API token (from `sopflow user add --token`), checked against the API
 * before the app opens. The token is kept in this browser until signing out; a wrong one is
 * refused here, and what was typed stays in the field.
 */
export function TokenSignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const { t } = useTranslation()
  const [token, setValue] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  return (
    <details className="sign-in-token">
      <summary>{t('signIn.advanced')}</summary>
      <form
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
        <label>
          {t('signIn.token')}
          <input
            name="token"
            type="password"
            value={token}
            onChange={(e) => setValue(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'token-sign-in-error' : undefined}
          />
        </label>
        {error && (
          <p className="error" role="alert" id="token-sign-in-error" data-testid="sign-in-error">
            {error}
          </p>
        )}
        <button type="submit" disabled={!token.trim() || busy}>
          {t('signIn.submitToken')}
        </button>
      </form>
    </details>
  )
}
