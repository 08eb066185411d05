import { memo, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'

const ROLE = /^[a-z][a-z0-9_]*$/

/** A role's name in the reader's language; a custom role shows as it was written. */
export function useRoleName() {
  const { t, i18n } = useTranslation('designer')
  return (role: string) =>
    i18n.exists(`inspector2.roleNames.${role}`, { ns: 'designer' }) ? t(`inspector2.roleNames.${role}`) : role
}

/**
 * Roles ticked from those the server knows (and the SOP already uses), plus any other typed in.
 * `value` undefined means none ticked.
 */
export const RolesInput = memo(function RolesInput({
  legend,
  hint,
  known,
  failed,
  value,
  onChange,
}: {
  legend: string
  hint?: string
  known: string[]
  failed: boolean
  value: string[] | undefined
  onChange: (roles: string[]) => void
}) {
  const { t } = useTranslation('designer')
  const name = useRoleName()
  const id = useId()
  const [custom, setCustom] = useState('')
  const [error, setError] = useState('')
  const chosen = value ?? []
  const offered = [...new Set([...known, ...chosen])]
  const add = () => {
    const role = custom.trim()
    if (!ROLE.test(role)) return setError(t('inspector2.roleInvalid'))
    if (chosen.includes(role)) return setError(t('inspector2.roleExists'))
    setError('')
    setCustom('')
    onChange([...chosen, role])
  }
  return (
    <fieldset className="roles-input">
      <legend>{legend}</legend>
      {offered.map((r) => (
        <label key={r} className="inline" title={r}>
          <input
            type="checkbox"
            checked={chosen.includes(r)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, r] : chosen.filter((x) => x !== r))}
          />
          {name(r)}
        </label>
      ))}
      {failed && <p className="muted small">{t('inspector2.rolesFailed')}</p>}
      {hint && !chosen.length && <p className="muted small">{hint}</p>}
      <div className="row">
        <label htmlFor={id} className="small">
          {t('inspector2.customRole')}
        </label>
        <input
          id={id}
          className={error ? 'custom-role is-invalid' : 'custom-role'}
          value={custom}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => {
            setCustom(e.target.value)
            setError('')
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault()
              add()
            }
          }}
        />
        <button type="button" onClick={add} disabled={!custom.trim()}>
          + {t('inspector2.addRole')}
        </button>
      </div>
      {error && (
        <p id={`${id}-error`} className="issue error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  )
})
