import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'

/** A new team or organisation role: its id (as SOP steps name it) and its display name. */
export function NewGroupForm({
  kind,
  busy,
  onCreate,
}: {
  kind: 'team' | 'role'
  busy: boolean
  onCreate: (id: string, name: string) => Promise<boolean>
}) {
  const { t } = useTranslation('admin')
  const [id, setId] = useState('')
  const [name, setName] = useState('')
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    // Only what was made clears the form: nothing typed is lost on a refusal.
    if (await onCreate(id.trim(), name.trim())) {
      setId('')
      setName('')
    }
  }
  const title = t(`people.${kind}.new`)
  return (
    <form className="card token-form" onSubmit={submit} aria-label={title}>
      <h3>{title}</h3>
      <label>
        {t('people.name')}
        <input name="name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {t(`people.${kind}.id`)}
        <input
          name="id"
          required
          maxLength={kind === 'team' ? 100 : 50}
          pattern={kind === 'team' ? '[a-z0-9][a-z0-9_\\-]*' : '[a-z][a-z0-9_]+'}
          autoCapitalize="none"
          spellCheck={false}
          value={id}
          onChange={(e) => setId(e.target.value)}
        />
        <span className="muted small">{t(`people.${kind}.idHelp`)}</span>
      </label>
      <button type="submit" className="primary" disabled={busy}>
        {t('people.create')}
      </button>
    </form>
  )
}
