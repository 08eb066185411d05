import { useTranslation } from 'react-i18next'
import type { CalendarChoice, Team } from '../api/teams.ts'

/** The calendar a team's business time counts in: one of the calendars, or the SOP's own. */
export function TeamCalendarSelect({
  team,
  calendars,
  busy,
  onChange,
}: {
  team: Team
  calendars: CalendarChoice[]
  busy: boolean
  onChange: (calendarId: string | null) => void
}) {
  const { t } = useTranslation('admin')
  return (
    <label className="team-calendar small">
      {t('people.team.calendar')}{' '}
      <select
        value={team.calendarId ?? ''}
        disabled={busy}
        data-team-calendar={team.id}
        onChange={(e) => onChange(e.target.value || null)}
      >
        <option value="">{t('people.team.calendarNone')}</option>
        {calendars.map((c) => (
          <option key={c.id} value={c.id}>
            {c.title}
          </option>
        ))}
      </select>
      <span className="muted"> {t('people.team.calendarHelp')}</span>
    </label>
  )
}
