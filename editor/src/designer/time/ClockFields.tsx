import { memo, useId } from 'react'
import { useTranslation } from 'react-i18next'
import { CalendarSelect } from './CalendarSelect.tsx'
import { useCalendarChoices } from './useCalendarChoices.ts'

export interface Clock {
  time?: 'business' | 'calendar'
  calendar?: string
}

/**
 * How a duration counts: wall-clock time, or the open hours of a calendar (its own, else the
 * SOP's). `issue` is the problem of its calendar, shown at the calendar.
 */
export const ClockFields = memo(function ClockFields({
  name,
  value,
  sopCalendar,
  issue,
  onChange,
}: {
  name: string
  value: Clock
  sopCalendar: string | undefined
  issue?: string | null
  onChange: (clock: Clock) => void
}) {
  const { t } = useTranslation('designer')
  const id = useId()
  const { choices } = useCalendarChoices()
  const business = value.time === 'business'
  const sopTitle = sopCalendar ? (choices.find((c) => c.id === sopCalendar)?.title ?? sopCalendar) : ''
  return (
    <div className="clock-fields">
      <label htmlFor={id}>{t('time.countedIn')}</label>
      <select
        id={id}
        name={`${name}-time`}
        value={business ? 'business' : 'calendar'}
        onChange={(e) =>
          onChange(
            e.target.value === 'business'
              ? { time: 'business', calendar: value.calendar }
              : { time: undefined, calendar: undefined },
          )
        }
      >
        <option value="calendar">{t('time.kinds.calendar')}</option>
        <option value="business">{t('time.kinds.business')}</option>
      </select>
      {business && (
        <CalendarSelect
          label={t('time.calendar')}
          name={`${name}-calendar`}
          value={value.calendar}
          none={sopCalendar ? t('time.sopCalendar', { title: sopTitle }) : t('time.chooseCalendar')}
          issue={issue}
          onChange={(calendar) => onChange({ time: 'business', calendar })}
        />
      )}
    </div>
  )
})
