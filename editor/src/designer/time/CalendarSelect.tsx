import { memo, useId } from 'react'
import { useTranslation } from 'react-i18next'
import { useCalendarChoices } from './useCalendarChoices.ts'

/**
 * Picks a calendar the server knows by its title. A calendar the document names that the server
 * lacks is kept and marked; `issue` (a problem of this field) is shown under it.
 */
export const CalendarSelect = memo(function CalendarSelect({
  label,
  name,
  value,
  none,
  issue,
  onChange,
}: {
  label: string
  name: string
  value: string | undefined
  /** The text of the empty choice. */
  none: string
  issue?: string | null
  onChange: (id: string | undefined) => void
}) {
  const { t } = useTranslation('designer')
  const id = useId()
  const { choices, failed } = useCalendarChoices()
  const missing = value && !choices.some((c) => c.id === value)
  return (
    <div className="calendar-select">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        name={name}
        value={value ?? ''}
        aria-invalid={Boolean(issue)}
        aria-describedby={issue ? `${id}-issue` : undefined}
        className={issue ? 'is-invalid' : ''}
        onChange={(e) => onChange(e.target.value || undefined)}
      >
        <option value="">{none}</option>
        {missing && <option value={value}>{t('time.unknownCalendar', { id: value })}</option>}
        {choices.map((c) => (
          <option key={c.id} value={c.id}>
            {c.title} ({c.timeZone})
          </option>
        ))}
      </select>
      {failed && <p className="muted small">{t('time.calendarsFailed')}</p>}
      {issue && (
        <p id={`${id}-issue`} className="issue error" data-testid="field-issue">
          {issue}
        </p>
      )}
    </div>
  )
})
