import { useTranslation } from 'react-i18next'
import { type Calendar, type Hours, WEEKDAYS } from '../api/calendars.ts'

const span = (hours: Hours[]) => hours.map((h) => `${h.from}–${h.to}`).join(', ')

/** A calendar version as read-only text: zone, week, holiday regions, closures and openings. */
export function CalendarSummary({ calendar: c }: { calendar: Calendar }) {
  const { t } = useTranslation('calendars')
  return (
    <dl className="cal-summary">
      <dt>{t('field.title')}</dt>
      <dd>{c.title}</dd>
      <dt>{t('field.timeZone')}</dt>
      <dd>{c.timeZone}</dd>
      <dt>{t('week.title')}</dt>
      <dd>
        {c.always ? (
          t('week.always')
        ) : (
          <ul>
            {WEEKDAYS.map((d) => (
              <li key={d}>
                {t(`days.${d}`)}: {c.week[d]?.length ? span(c.week[d]) : t('week.closed')}
              </li>
            ))}
          </ul>
        )}
      </dd>
      <dt>{t('holidays.title')}</dt>
      <dd>{c.holidayRegions.length ? c.holidayRegions.join(', ') : '—'}</dd>
      <dt>{t('closures.title')}</dt>
      <dd>{c.closures.length ? c.closures.map((x) => `${x.date} ${x.name}`.trim()).join('; ') : '—'}</dd>
      <dt>{t('openings.title')}</dt>
      <dd>
        {c.openings.length ? c.openings.map((x) => `${x.date} ${x.name} ${span(x.hours)}`).join('; ') : '—'}
      </dd>
    </dl>
  )
}
