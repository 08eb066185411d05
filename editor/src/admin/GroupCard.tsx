import { type ReactNode, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { UserRow } from '../api/users.ts'

/** One team or organisation role: its members, each removable, and a picker to add someone. */
export function GroupCard({
  title,
  code,
  members,
  others,
  busy,
  onAdd,
  onRemove,
  note,
  children,
}: {
  title: string
  code: string
  members: UserRow[]
  others: UserRow[]
  busy: boolean
  onAdd: (u: UserRow) => void
  onRemove: (u: UserRow) => void
  /** What to say beside a person one could add (e.g. the team they would leave). */
  note?: (u: UserRow) => string | null
  /** More settings of the group, under its title (a team's calendar). */
  children?: ReactNode
}) {
  const { t } = useTranslation('admin')
  const [pick, setPick] = useState('')
  const add = () => {
    const u = others.find((x) => x.id === pick)
    if (u) onAdd(u)
    setPick('')
  }
  return (
    <section className="card group-card" data-group={code} aria-label={title}>
      <h3>
        {title} <code className="muted small">{code}</code>
      </h3>
      {children}
      {members.length === 0 ? (
        <p className="muted">{t('people.noMembers')}</p>
      ) : (
        <ul className="member-list">
          {members.map((u) => (
            <li key={u.id}>
              <span>{u.name}</span>
              <button
                type="button"
                disabled={busy}
                aria-label={t('people.removeLabel', { name: u.name, group: title })}
                onClick={() => onRemove(u)}
              >
                {t('people.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="member-add">
        <select
          value={pick}
          aria-label={t('people.addLabel', { group: title })}
          onChange={(e) => setPick(e.target.value)}
        >
          <option value="">{t('people.choose')}</option>
          {others.map((u) => (
            <option key={u.id} value={u.id}>
              {note?.(u) ? `${u.name} (${note(u)})` : u.name}
            </option>
          ))}
        </select>
        <button type="button" disabled={busy || !pick} onClick={add}>
          {t('people.add')}
        </button>
      </div>
    </section>
  )
}
