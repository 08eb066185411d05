import { useTranslation } from 'react-i18next'
import type { CalendarUser } from '../api/calendars.ts'

/** The SOPs running on a calendar (their latest published version pins it), each a link. */
export function UsedBy({ users }: { users: CalendarUser[] }) {
  const { t } = useTranslation('calendars')
  if (!users.length) return <span className="muted">{t('usedBy.none')}</span>
  return (
    <span className="cal-users">
      {users.map((u, i) => (
        <span key={u.sopId}>
          {i > 0 && ', '}
          <a href={`#/designer/${encodeURIComponent(u.sopId)}`}>{u.title}</a>{' '}
          <span className="muted small">{t('usedBy.version', { n: u.sopVersion })}</span>
        </span>
      ))}
    </span>
  )
}
