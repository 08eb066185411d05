import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Weekday } from '../../../../engine/index.ts'
import type { Doc } from '../useDesigner.ts'
import { CalendarSelect } from './CalendarSelect.tsx'
import { useCalendar } from './useCalendarChoices.ts'
import { forbiddenByDay, groupDays } from './windowText.ts'

// 2026-01-05 is a Monday: weekday names in the reader's language from it.
const MONDAY = Date.UTC(2026, 0, 5, 12)
const DAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
function dayName(day: Weekday, language: string) {
  return new Intl.DateTimeFormat(language, { weekday: 'short', timeZone: 'UTC' }).format(
    MONDAY + DAYS.indexOf(day) * 86_400_000,
  )
}

/**
 * When an action or a delay may contact the customer: a contact window (a calendar of the times
 * allowed), shown as the times it forbids per weekday, in the customer's time zone when the SOP
 * names the field holding it. A delay is then moved to the next time the window opens.
 */
export function ContactWindowField({
  doc,
  delay,
  value,
  onChange,
}: {
  doc: Doc
  /** For a delay: "then at the next contact window", off until ticked. */
  delay: boolean
  value: string | undefined
  onChange: (window: string | undefined) => void
}) {
  const { t, i18n } = useTranslation('designer')
  const [open, setOpen] = useState(Boolean(value))
  const window = useCalendar(value)
  const zoneField = typeof doc.customerTimeZoneField === 'string' ? doc.customerTimeZoneField : undefined
  const zoneLabel = zoneField ? (doc.fields?.find((f) => f.name === zoneField)?.label ?? zoneField) : ''
  const shown = !delay || open || Boolean(value)
  return (
    <fieldset className="contact-window" data-testid="contact-window">
      <legend>{t('time.window')}</legend>
      {delay && (
        <label className="inline">
          <input
            type="checkbox"
            name="transition-window-next"
            checked={shown}
            onChange={(e) => {
              setOpen(e.target.checked)
              if (!e.target.checked) onChange(undefined)
            }}
          />
          {t('time.thenNextWindow')}
        </label>
      )}
      {shown && (
        <CalendarSelect
          label={t('time.windowCalendar')}
          name="transition-window"
          value={value}
          none={t('time.anyTime')}
          onChange={onChange}
        />
      )}
      {!delay && !value && <p className="muted small">{t('time.windowHint')}</p>}
      {value && window && (
        <div className="window-summary small" data-testid="window-summary">
          <p>{t('time.forbidden')}</p>
          <ul>
            {groupDays(forbiddenByDay(window)).map((g) => (
              <li key={g.days.join()}>
                <strong>
                  {g.days.length > 2
                    ? `${dayName(g.days[0], i18n.language)}–${dayName(g.days[g.days.length - 1], i18n.language)}`
                    : g.days.map((x) => dayName(x, i18n.language)).join(', ')}
                </strong>
                {': '}
                {g.spans.length
                  ? g.spans.map(([from, to], i) => (
                      <span key={from} className="span">
                        {i > 0 && ', '}
                        <span className="nowrap">{`${from}–${to}`}</span>
                      </span>
                    ))
                  : t('time.nothingForbidden')}
              </li>
            ))}
            {window.holidayRegions.length > 0 && (
              <li>{t('time.holidaysForbidden', { regions: window.holidayRegions.join(', ') })}</li>
            )}
          </ul>
          <p className="muted">
            {zoneField
              ? t('time.inCustomerZone', { field: zoneLabel, zone: window.timeZone })
              : t('time.inWindowZone', { zone: window.timeZone })}
          </p>
        </div>
      )}
    </fieldset>
  )
}
