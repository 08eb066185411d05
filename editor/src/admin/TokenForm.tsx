import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { SCOPES } from '../../../server/auth/permissions.ts'
import type { NewToken } from '../api/tokens.ts'
import type { UserRow } from '../api/users.ts'

/** The form for a new token: name, scopes, optional expiry (and, for administrators, its user). */
export function TokenForm({
  users,
  busy,
  onCreate,
}: {
  /** Offered for administrators: the user the token is for. */
  users?: UserRow[]
  busy: boolean
  onCreate: (t: NewToken, userId?: string) => Promise<boolean>
}) {
  const { t } = useTranslation('admin')
  const [name, setName] = useState('')
  const [scopes, setScopes] = useState<string[]>(['read'])
  const [expires, setExpires] = useState('')
  const [userId, setUserId] = useState('')
  const [missingScope, setMissingScope] = useState(false)
  const toggle = (s: string) => setScopes((v) => (v.includes(s) ? v.filter((x) => x !== s) : [...v, s]))
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!scopes.length) return setMissingScope(true)
    setMissingScope(false)
    // A date means "until the end of that day" in the reader's time zone.
    const expiresAt = expires ? new Date(`${expires}T23:59:59`).toISOString() : null
    const ok = await onCreate({ name, scopes, expiresAt }, users ? userId : undefined)
    // Only a token that was made clears the form: nothing typed is lost on a refusal.
    if (ok) {
      setName('')
      setExpires('')
    }
  }
  const prefix = users ? 'all' : 'mine'
  return (
    <form className="card token-form" onSubmit={submit} aria-label={t('tokens.new')}>
      <h3>{t('tokens.new')}</h3>
      {users && (
        <label>
          {t('tokens.forUser')}
          <select name="userId" required value={userId} onChange={(e) => setUserId(e.target.value)}>
            <option value="" />
            {users
              .filter((u) => !u.disabledAt)
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
          </select>
        </label>
      )}
      <label>
        {t('tokens.name')}
        <input
          name="name"
          required
          maxLength={100}
          value={name}
          placeholder={t('tokens.namePlaceholder')}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <fieldset>
        <legend>{t('tokens.scopes')}</legend>
        {SCOPES.map((s) => (
          <label key={s} className="check">
            <input
              type="checkbox"
              name={`${prefix}-scope-${s}`}
              checked={scopes.includes(s)}
              onChange={() => toggle(s)}
            />
            {t(`tokens.scope.${s}`)}
          </label>
        ))}
        {missingScope && <p className="error">{t('tokens.pickScope')}</p>}
      </fieldset>
      <label>
        {t('tokens.expires')}
        <input type="date" name="expires" value={expires} onChange={(e) => setExpires(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={busy}>
        {t('tokens.create')}
      </button>
    </form>
  )
}
