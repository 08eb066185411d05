import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { type CalendarMeta, type CalendarVersion, getCalendarVersion } from '../api/calendars.ts'
import { formatTime } from '../ui/format.ts'
import { CalendarSummary } from './CalendarSummary.tsx'

/** The versions of a calendar, newest first; any of them can be looked at, none changed. */
export function VersionHistory({ id, versions }: { id: string; versions: CalendarMeta[] }) {
  const { t, i18n } = useTranslation('calendars')
  const [shown, setShown] = useState<CalendarVersion | null>(null)
  return (
    <section className="cal-section cal-history" aria-labelledby="cal-history-title">
      <h2 id="cal-history-title">{t('history.title')}</h2>
      <ol reversed className="cal-versions">
        {[...versions].reverse().map((v) => (
          <li key={v.version}>
            <button
              type="button"
              className="linklike"
              aria-pressed={shown?.version === v.version}
              onClick={async () =>
                setShown(shown?.version === v.version ? null : await getCalendarVersion(id, v.version))
              }
            >
              {t('history.version', { n: v.version })}
            </button>{' '}
            <span className="muted small">
              {formatTime(v.createdAt, i18n.language)} · {v.title}
            </span>
          </li>
        ))}
      </ol>
      {shown && (
        <div className="cal-old" data-version={shown.version}>
          <h3>{t('history.readOnly', { n: shown.version })}</h3>
          <CalendarSummary calendar={shown.calendar} />
        </div>
      )}
    </section>
  )
}
