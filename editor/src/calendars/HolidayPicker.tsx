import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { problemText } from '../ui/problemText.ts'
import type { CalendarForm } from './calendarForm.ts'
import { FieldError } from './FieldError.tsx'
import { errorAt, type FieldErrors } from './fieldErrors.ts'
import { useHolidays } from './useHolidays.ts'

/** Public holidays from a country and optional region, with the holidays of a year to check. */
export function HolidayPicker({
  form,
  errors,
  onChange,
}: {
  form: CalendarForm
  errors: FieldErrors
  onChange: (change: Partial<CalendarForm>) => void
}) {
  const { t, i18n } = useTranslation('calendars')
  const [year, setYear] = useState(() => new Date().getFullYear())
  const h = useHolidays(form.country, form.region, year, i18n.language)
  const error = errorAt(errors, 'holidayRegions')
  const thisYear = new Date().getFullYear()
  const dateText = (date: string) =>
    new Date(`${date}T12:00:00Z`).toLocaleDateString(i18n.language, {
      weekday: 'short',
      day: 'numeric',
      month: 'long',
      timeZone: 'UTC',
    })
  return (
    <fieldset className="cal-section">
      <legend>{t('holidays.title')}</legend>
      <div className="cal-row">
        <label>
          {t('holidays.country')}
          <select
            value={form.country}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'err-holidayRegions' : undefined}
            onChange={(e) => onChange({ country: e.target.value, region: '' })}
          >
            <option value="">{t('holidays.noCountry')}</option>
            {form.country && !h.countries.some((c) => c.code === form.country) && (
              <option value={form.country}>{form.country}</option>
            )}
            {h.countries.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name} ({c.code})
              </option>
            ))}
          </select>
        </label>
        {(h.states.length > 0 || form.region) && (
          <label>
            {t('holidays.region')}
            <select value={form.region} onChange={(e) => onChange({ region: e.target.value })}>
              <option value="">{t('holidays.wholeCountry')}</option>
              {form.region && !h.states.some((s) => s.code === form.region) && (
                <option value={form.region}>{form.region}</option>
              )}
              {h.states.map((s) => (
                <option key={s.code} value={s.code}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <FieldError field="holidayRegions" text={error} />
      {form.otherRegions.length > 0 && (
        <p className="muted small">{t('holidays.others', { regions: form.otherRegions.join(', ') })}</p>
      )}
      {form.country && (
        <div className="cal-preview">
          <label className="cal-inline">
            {t('holidays.year')}
            <select value={year} onChange={(e) => setYear(Number(e.target.value))}>
              {[thisYear - 1, thisYear, thisYear + 1, thisYear + 2].map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            </select>
          </label>
          {h.error && (
            <p className="error" role="alert">
              {problemText(h.error, t)}
            </p>
          )}
          {h.holidays && (
            <ul className="cal-holiday-list" aria-label={t('holidays.previewOf', { year })}>
              {h.holidays.map((x) => (
                <li key={x.date}>
                  <time dateTime={x.date}>{dateText(x.date)}</time> <span>{x.name}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </fieldset>
  )
}
