import './time.css'
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import type { Designer } from '../useDesigner.ts'
import { CalendarSelect } from './CalendarSelect.tsx'
import { PolicyEditor } from './PolicyEditor.tsx'

/**
 * The SOP's time settings: the calendar its business-time durations count in unless they name
 * another, the ticket field holding the customer's time zone (contact windows count in it), and its
 * ticket-level SLA policy.
 */
export function SopTimeSettings({ d }: { d: Designer }) {
  const { t } = useTranslation('designer')
  const id = useId()
  const calendar = typeof d.doc.calendar === 'string' ? d.doc.calendar : undefined
  const zoneField = typeof d.doc.customerTimeZoneField === 'string' ? d.doc.customerTimeZoneField : undefined
  const textFields = (d.doc.fields ?? []).filter((f) => f.type === 'text' || f.name === zoneField)
  return (
    <>
      <fieldset className="time-settings" data-testid="time-settings">
        <legend>{t('time.title')}</legend>
        <CalendarSelect
          label={t('time.defaultCalendar')}
          name="sop-calendar"
          value={calendar}
          none={t('time.noDefaultCalendar')}
          onChange={(next) => d.setMeta({ calendar: next })}
        />
        <p className="muted small">{t('time.defaultCalendarHint')}</p>
        <label htmlFor={`${id}-zone`}>{t('time.customerZone')}</label>
        <select
          id={`${id}-zone`}
          name="sop-customer-zone"
          value={zoneField ?? ''}
          onChange={(e) => d.setMeta({ customerTimeZoneField: e.target.value || undefined })}
        >
          <option value="">{t('time.windowZone')}</option>
          {textFields.map((f) => (
            <option key={f.name} value={f.name}>
              {f.label}
            </option>
          ))}
        </select>
      </fieldset>
      <PolicyEditor d={d} />
    </>
  )
}
