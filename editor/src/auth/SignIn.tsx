import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { setToken } from '../api/client.ts'

/** Sign in with an access token (created with `sopflow user add`). */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useTranslation()
  const [token, setValue] = useState('')
  return (
    <form
      className="sign-in"
      onSubmit={(e) => {
        e.preventDefault()
        setToken(token.trim())
        onSignedIn()
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
          autoFocus
        />
      </label>
      <button type="submit" disabled={!token.trim()}>
        {t('signIn.submit')}
      </button>
    </form>
  )
}
