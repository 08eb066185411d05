import { memo, useId } from 'react'
import { useTranslation } from 'react-i18next'
import { ClockFields } from '../time/ClockFields.tsx'
import type { Doc, Step } from '../useDesigner.ts'
import { DurationInput } from './DurationInput.tsx'
import { useRoleName } from './RolesInput.tsx'

/** A step's SLA: due within (number and unit), the step it escalates to, the role notified. */
export const SlaSection = memo(function SlaSection({
  step,
  steps,
  roles,
  sopCalendar,
  calendarIssue,
  onChange,
}: {
  step: Step
  steps: Doc['steps']
  roles: string[]
  /** The SOP's default calendar, for business time. */
  sopCalendar?: string
  /** The problem of its calendar, shown there. */
  calendarIssue?: string | null
  onChange: (sla: Step['sla']) => void
}) {
  const { t } = useTranslation('designer')
  const name = useRoleName()
  const id = useId()
  const sla = step.sla
  const others = steps.filter((s) => s.id !== step.id)
  const titled = new Map<string, number>()
  for (const s of others) titled.set(s.title, (titled.get(s.title) ?? 0) + 1)
  const offered = [...new Set([...roles, ...(sla?.notify ? [sla.notify] : [])])]
  return (
    <fieldset id="inspector-sla" className="sla-section" data-testid="sla-section">
      <legend>{t('inspector2.sla')}</legend>
      <DurationInput
        label={t('inspector2.slaDue')}
        name="step-sla"
        value={sla?.due}
        optional={!sla}
        onChange={(due) => onChange({ ...sla, due })}
      />
      {sla && (
        <>
          <ClockFields
            name="step-sla"
            value={{ time: sla.time, calendar: sla.calendar }}
            sopCalendar={sopCalendar}
            issue={calendarIssue}
            onChange={(clock) => onChange({ ...sla, time: clock.time, calendar: clock.calendar })}
          />
          <label htmlFor={`${id}-escalate`}>{t('inspector.escalateTo')}</label>
          <select
            id={`${id}-escalate`}
            name="step-sla-escalate"
            value={sla.escalateTo ?? ''}
            onChange={(e) => onChange({ ...sla, escalateTo: e.target.value || undefined })}
          >
            <option value="">{t('inspector2.noEscalation')}</option>
            {sla.escalateTo && !others.some((s) => s.id === sla.escalateTo) && (
              <option value={sla.escalateTo}>{sla.escalateTo}</option>
            )}
            {others.map((s) => (
              <option key={s.id} value={s.id}>
                {(titled.get(s.title) ?? 0) > 1 ? `${s.title} (${s.id})` : s.title}
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-notify`}>{t('inspector.notify')}</label>
          <select
            id={`${id}-notify`}
            name="step-sla-notify"
            value={sla.notify ?? ''}
            onChange={(e) => onChange({ ...sla, notify: e.target.value || undefined })}
          >
            <option value="">{t('inspector2.noNotify')}</option>
            {offered.map((r) => (
              <option key={r} value={r}>
                {name(r)}
              </option>
            ))}
          </select>
          <button type="button" className="link" onClick={() => onChange(undefined)}>
            {t('inspector2.removeSla')}
          </button>
        </>
      )}
    </fieldset>
  )
})
