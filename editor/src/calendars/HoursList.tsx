import { useTranslation } from 'react-i18next'
import type { Hours } from '../api/calendars.ts'
import { FieldError } from './FieldError.tsx'
import { errorAt, type FieldErrors } from './fieldErrors.ts'

/** Opening intervals of one day (`path` as the server names it: `week.mon`, `openings.0.hours`). */
export function HoursList({
  hours,
  path,
  dayLabel,
  errors,
  disabled,
  onChange,
}: {
  hours: Hours[]
  path: string
  dayLabel: string
  errors: FieldErrors
  disabled?: boolean
  onChange: (hours: Hours[]) => void
}) {
  const { t } = useTranslation('calendars')
  const set = (i: number, h: Partial<Hours>) => onChange(hours.map((x, j) => (j === i ? { ...x, ...h } : x)))
  return (
    <div className="cal-hours">
      {hours.map((h, i) => {
        const field = `${path}.${i}`
        const error = errorAt(errors, field)
        return (
          <div key={i} className="cal-interval" data-field={field}>
            <input
              className="cal-time"
              value={h.from}
              aria-label={t('hours.from', { day: dayLabel, n: i + 1 })}
              placeholder="08:00"
              inputMode="numeric"
              maxLength={5}
              disabled={disabled}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `err-${field}` : undefined}
              onChange={(e) => set(i, { from: e.target.value })}
            />
            <span aria-hidden="true">–</span>
            <input
              className="cal-time"
              value={h.to}
              aria-label={t('hours.to', { day: dayLabel, n: i + 1 })}
              placeholder="17:00"
              inputMode="numeric"
              maxLength={5}
              disabled={disabled}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `err-${field}` : undefined}
              onChange={(e) => set(i, { to: e.target.value })}
            />
            <button
              type="button"
              className="cal-remove"
              disabled={disabled}
              aria-label={t('hours.remove', { day: dayLabel, n: i + 1 })}
              onClick={() => onChange(hours.filter((_, j) => j !== i))}
            >
              ×
            </button>
            <FieldError field={field} text={error} />
          </div>
        )
      })}
      <button
        type="button"
        className="cal-add"
        disabled={disabled}
        aria-label={t('hours.addFor', { day: dayLabel })}
        onClick={() => {
          const last = hours[hours.length - 1]
          onChange([...hours, last ? { from: last.to, to: last.to } : { from: '08:00', to: '17:00' }])
        }}
      >
        {t('hours.add')}
      </button>
    </div>
  )
}
