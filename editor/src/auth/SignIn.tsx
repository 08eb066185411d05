import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { type AuthConfig, getAuthConfig, SSO_START, signInWithPassword } from '../api/auth.ts'
import { ApiError } from '../api/client.ts'
import type { Me } from '../api/users.ts'
import { problemText } from '../ui/problemText.ts'
import { TokenSignIn } from './TokenSignIn.tsx'

/** Sign-in methods the server offers (password always; single sign-on when configured). */
function useAuthConfig(): AuthConfig | null {
  const [config, setConfig] = useState<AuthConfig | null>(null)
  useEffect(() => {
    getAuthConfig()
      .then(setConfig)
      .catch(() => setConfig({ password: true, sso: null }))
  }, [])
  return config
}

/** The text for a failed sign-in, in the reader's language. */
export function signInError(err: unknown, t: (k: string) => string): string {
  if (!(err instanceof ApiError)) return t('signIn.unreachable')
  if (err.status === 401) return t('signIn.wrongPassword')
  return problemText(err.problem, t as never)
}

/**
 * Sign in with an e-mail address and a password (or single sign-on, when the server offers it).
 * What was typed stays in the fields after a refusal. `expired`: the session ended, say so.
 */
export function SignIn({
  onSignedIn,
  expired,
  error: given,
}: {
  onSignedIn: (me: Me) => void
  expired?: boolean
  /** An error to show at once (a failed single sign-on comes back with one). */
  error?: string
}) {
  const { t } = useTranslation()
  const config = useAuthConfig()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState(given ?? '')
  const [busy, setBusy] = useState(false)
  return (
    <div className="sign-in">
      <form
        className="sign-in-password"
        onSubmit={async (e) => {
          e.preventDefault()
          setBusy(true)
          setError('')
          try {
            onSignedIn((await signInWithPassword(email.trim(), password)).user)
          } catch (err) {
            setError(signInError(err, t))
          } finally {
            setBusy(false)
          }
        }}
      >
        <h1>{t('signIn.title')}</h1>
        {expired && (
          <p className="notice" role="status" data-testid="sign-in-expired">
            {t('signIn.sessionEnded')}
          </p>
        )}
        <label>
          {t('signIn.email')}
          <input
            name="email"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'sign-in-error' : undefined}
            autoFocus
          />
        </label>
        <label>
          {t('signIn.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={error ? true : undefined}
          />
        </label>
        {error && (
          <p className="error" role="alert" id="sign-in-error" data-testid="sign-in-error">
            {error}
          </p>
        )}
        <button type="submit" disabled={!email.trim() || !password || busy}>
          {t('signIn.submit')}
        </button>
        {config?.sso && (
          <a className="button sign-in-sso" href={SSO_START}>
            {t('signIn.sso', { provider: config.sso.label })}
          </a>
        )}
      </form>
      <TokenSignIn onSignedIn={onSignedIn} />
    </div>
  )
}
