import { useTranslation } from 'react-i18next'
import type { CalendarForm } from './calendarForm.ts'
import { FieldError } from './FieldError.tsx'
import { errorAt, type FieldErrors } from './fieldErrors.ts'
import { HoursList } from './HoursList.tsx'

type Change = (change: Partial<CalendarForm>) => void

/** Extra closed days and extra opening days (a working Saturday before Tết), by date. */
export function DateExceptions({
  form,
  errors,
  onChange,
}: {
  form: CalendarForm
  errors: FieldErrors
  onChange: Change
}) {
  const { t } = useTranslation('calendars')
  const closures = form.closures
  const openings = form.openings
  return (
    <>
      <fieldset className="cal-section">
        <legend>{t('closures.title')}</legend>
        <p className="muted small">{t('closures.help')}</p>
        {closures.map((c, i) => (
          <div key={i} className="cal-date-row" data-field={`closures.${i}`}>
            <DateName
              date={c.date}
              name={c.name}
              label={t('closures.row', { n: i + 1 })}
              error={errorAt(errors, `closures.${i}`)}
              field={`closures.${i}`}
              onChange={(v) => onChange({ closures: closures.map((x, j) => (j === i ? { ...x, ...v } : x)) })}
              onRemove={() => onChange({ closures: closures.filter((_, j) => j !== i) })}
            />
          </div>
        ))}
        <button type="button" onClick={() => onChange({ closures: [...closures, { date: '', name: '' }] })}>
          {t('closures.add')}
        </button>
      </fieldset>
      <fieldset className="cal-section">
        <legend>{t('openings.title')}</legend>
        <p className="muted small">{t('openings.help')}</p>
        {openings.map((o, i) => {
          const set = (v: Partial<(typeof openings)[number]>) =>
            onChange({ openings: openings.map((x, j) => (j === i ? { ...x, ...v } : x)) })
          const label = t('openings.row', { n: i + 1 })
          return (
            <div key={i} className="cal-date-row" data-field={`openings.${i}`}>
              <DateName
                date={o.date}
                name={o.name}
                label={label}
                field={`openings.${i}`}
                error={errorAt(errors, `openings.${i}.date`) ?? errorAt(errors, `openings.${i}.name`)}
                onChange={set}
                onRemove={() => onChange({ openings: openings.filter((_, j) => j !== i) })}
              />
              <HoursList
                hours={o.hours}
                path={`openings.${i}.hours`}
                dayLabel={label}
                errors={errors}
                onChange={(hours) => set({ hours })}
              />
            </div>
          )
        })}
        <button
          type="button"
          onClick={() =>
            onChange({
              openings: [...openings, { date: '', name: '', hours: [{ from: '08:00', to: '12:00' }] }],
            })
          }
        >
          {t('openings.add')}
        </button>
      </fieldset>
    </>
  )
}

function DateName({
  date,
  name,
  label,
  field,
  error,
  onChange,
  onRemove,
}: {
  date: string
  name: string
  label: string
  field: string
  error?: string
  onChange: (v: { date?: string; name?: string }) => void
  onRemove: () => void
}) {
  const { t } = useTranslation('calendars')
  return (
    <div className="cal-row">
      <input
        type="date"
        value={date}
        aria-label={t('dates.date', { row: label })}
        aria-invalid={error ? true : undefined}
        onChange={(e) => onChange({ date: e.target.value })}
      />
      <input
        value={name}
        aria-label={t('dates.name', { row: label })}
        placeholder={t('dates.namePlaceholder')}
        onChange={(e) => onChange({ name: e.target.value })}
      />
      <button
        type="button"
        className="cal-remove"
        aria-label={t('dates.remove', { row: label })}
        onClick={onRemove}
      >
        ×
      </button>
      <FieldError field={field} text={error} />
    </div>
  )
}
