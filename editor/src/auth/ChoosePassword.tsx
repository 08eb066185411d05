import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Me } from '../api/users.ts'
import { MIN_PASSWORD_LENGTH, passwordStrength } from './passwordStrength.ts'
import { useChoosePassword } from './useChoosePassword.ts'

/**
 * The page of a one-time link (first start setup, invitation, reset): choose a password, typed
 * twice, with feedback on its strength; the person is signed in when it is accepted.
 */
export function ChoosePassword({ secret, onSignedIn }: { secret: string; onSignedIn: (me: Me) => void }) {
  const { t } = useTranslation()
  const { link, invalid, error, busy, submit } = useChoosePassword(secret, onSignedIn)
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  if (invalid)
    return (
      <div className="sign-in">
        <h1>{t('password.title')}</h1>
        <p className="error" role="alert" data-testid="link-invalid">
          {invalid}
        </p>
        <a href="#/">{t('password.toSignIn')}</a>
      </div>
    )
  if (!link) return <p className="page muted">{t('loading')}</p>
  const strength = passwordStrength(password)
  const mismatch = confirm.length > 0 && confirm !== password
  const needsEmail = !link.user.email
  const ready = strength !== 'short' && confirm === password && (!needsEmail || email.includes('@'))
  return (
    <form
      className="sign-in"
      onSubmit={(e) => {
        e.preventDefault()
        if (ready && !busy) void submit(password, email)
      }}
    >
      <h1>{t(`password.heading.${link.purpose}`)}</h1>
      <p className="muted">
        {t('password.for', {
          name: link.user.name,
          role: t(`roles.${link.user.role}`, { defaultValue: link.user.role }),
        })}
      </p>
      {needsEmail ? (
        <label>
          {t('signIn.email')}
          <input
            name="email"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
      ) : (
        <p data-testid="link-email">{link.user.email}</p>
      )}
      <label>
        {t('password.new')}
        <input
          name="new-password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-describedby="password-strength"
          autoFocus
        />
      </label>
      <p
        id="password-strength"
        className={`password-strength is-${strength}`}
        data-testid="password-strength"
        aria-live="polite"
      >
        {password
          ? t(`password.strength.${strength}`, { min: MIN_PASSWORD_LENGTH })
          : t('password.hint', { min: MIN_PASSWORD_LENGTH })}
      </p>
      <label>
        {t('password.confirm')}
        <input
          name="confirm-password"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          aria-invalid={mismatch ? true : undefined}
        />
      </label>
      {mismatch && <p className="error">{t('password.mismatch')}</p>}
      {error && (
        <p className="error" role="alert" data-testid="password-error">
          {error}
        </p>
      )}
      <button type="submit" disabled={!ready || busy}>
        {t('password.submit')}
      </button>
    </form>
  )
}
