import { useTranslation } from 'react-i18next'
import { WEEKDAYS, type Weekday } from '../api/calendars.ts'
import type { CalendarForm } from './calendarForm.ts'
import type { FieldErrors } from './fieldErrors.ts'
import { HoursList } from './HoursList.tsx'

/** Weekly opening hours: several intervals a day, a day without any is closed; or open 24/7. */
export function WeekHours({
  form,
  errors,
  onChange,
}: {
  form: CalendarForm
  errors: FieldErrors
  onChange: (change: Partial<CalendarForm>) => void
}) {
  const { t } = useTranslation('calendars')
  const setDay = (day: Weekday, hours: CalendarForm['week'][Weekday]) =>
    onChange({ week: { ...form.week, [day]: hours } })
  return (
    <fieldset className="cal-section">
      <legend>{t('week.title')}</legend>
      <label className="cal-check">
        <input
          type="checkbox"
          checked={form.always}
          onChange={(e) => onChange({ always: e.target.checked })}
        />
        {t('week.always')}
      </label>
      {form.always && <p className="muted small">{t('week.alwaysHelp')}</p>}
      <div className="cal-week">
        {WEEKDAYS.map((day) => {
          const label = t(`days.${day}`)
          const open = form.week[day].length > 0
          return (
            <div key={day} className="cal-day" data-day={day}>
              <label className="cal-check cal-day-name">
                <input
                  type="checkbox"
                  checked={open}
                  disabled={form.always}
                  aria-label={t('week.openOn', { day: label })}
                  onChange={(e) => setDay(day, e.target.checked ? [{ from: '08:00', to: '17:00' }] : [])}
                />
                <span>{label}</span>
              </label>
              {open ? (
                <HoursList
                  hours={form.week[day]}
                  path={`week.${day}`}
                  dayLabel={label}
                  errors={errors}
                  disabled={form.always}
                  onChange={(hours) => setDay(day, hours)}
                />
              ) : (
                <span className="muted">{t('week.closed')}</span>
              )}
            </div>
          )
        })}
      </div>
    </fieldset>
  )
}
