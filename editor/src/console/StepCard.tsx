import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { FieldValue, StepPrompt } from '../../../engine/index.ts'
import { formatTime } from '../ui/format.ts'
import { Markdown } from '../ui/Markdown.tsx'

/** One current step: where it is, what to do, the checklist and the fields to fill. */
function StepCardView(props: {
  step: StepPrompt
  fields: Record<string, FieldValue>
  ticks: string[]
  missing: string[]
  onField: (name: string, value: FieldValue) => void
  onTick: (item: string, on: boolean) => void
  closed: boolean
}) {
  const { t, i18n } = useTranslation('console')
  const { step, fields } = props
  return (
    <article className={`card step-card kind-${step.kind}`} data-step={step.stepId}>
      {step.path.length > 0 && <p className="crumbs">{step.path.join(' › ')}</p>}
      <h2>{step.title}</h2>
      {step.roles.length > 0 && (
        <p className="muted small">
          {t('ticket.roles')}: {step.roles.map((r) => t(`roles.${r}`, { defaultValue: r })).join(', ')}
        </p>
      )}
      <Markdown text={step.instructions} className="instructions" />
      {step.glossary.length > 0 && (
        <p className="glossary small">
          {step.glossary.map((g) => (
            <abbr key={g.term} title={g.definition} tabIndex={0}>
              {g.term}
            </abbr>
          ))}
        </p>
      )}
      {step.checklist.length > 0 && (
        <fieldset className="checklist">
          <legend>{t('ticket.checklist')}</legend>
          {step.checklist.map((c) => (
            <label key={c.id} className={props.missing.includes(c.id) ? 'is-missing' : ''}>
              <input
                type="checkbox"
                name={`tick-${step.stepId}-${c.id}`}
                checked={c.done || props.ticks.includes(c.id)}
                disabled={c.done || props.closed}
                onChange={(e) => props.onTick(c.id, e.target.checked)}
              />{' '}
              {c.text}
              {c.required && <span className="required">*</span>}
            </label>
          ))}
        </fieldset>
      )}
      {step.requiredFields.length > 0 && (
        <fieldset className="fields">
          <legend>{t('ticket.fields')}</legend>
          {step.requiredFields.map((f) => (
            <label key={f.name} className={props.missing.includes(f.name) ? 'is-missing' : ''}>
              <span>
                {f.label}
                <span className="required">*</span>
              </span>
              <FieldInput
                name={f.name}
                type={f.type}
                options={f.options}
                value={fields[f.name] ?? ''}
                disabled={props.closed}
                onChange={(v) => props.onField(f.name, v)}
              />
            </label>
          ))}
        </fieldset>
      )}
      <p className="muted small">
        {t('ticket.enteredAt')} {formatTime(step.enteredAt, i18n.language)}
        {step.sla && (
          <>
            {' '}
            · {t('ticket.sla')} {formatTime(step.sla.dueAt, i18n.language)}
            {step.sla.breached && <span className="pill danger">{t('ticket.breached')}</span>}
          </>
        )}
      </p>
    </article>
  )
}

export const StepCard = memo(StepCardView)

function FieldInput(props: {
  name: string
  type: string
  options?: { value: string; label: string }[]
  value: FieldValue
  disabled: boolean
  onChange: (v: FieldValue) => void
}) {
  const { type, value, onChange } = props
  const common = { name: `field-${props.name}`, disabled: props.disabled }
  if (type === 'choice')
    return (
      <select {...common} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)}>
        <option value="">—</option>
        {props.options?.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    )
  if (type === 'boolean')
    return (
      <select
        {...common}
        value={value === true ? 'true' : value === false ? 'false' : ''}
        onChange={(e) => onChange(e.target.value === '' ? null : e.target.value === 'true')}
      >
        <option value="">—</option>
        <option value="true">✓</option>
        <option value="false">✗</option>
      </select>
    )
  if (type === 'longtext')
    return (
      <textarea {...common} rows={3} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)} />
    )
  if (type === 'number')
    return (
      <input
        {...common}
        type="number"
        value={value === null || value === '' ? '' : String(value)}
        onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
      />
    )
  const htmlType = type === 'email' ? 'email' : type === 'phone' ? 'tel' : type === 'date' ? 'date' : 'text'
  return (
    <input
      {...common}
      type={htmlType}
      value={String(value ?? '')}
      onChange={(e) => onChange(e.target.value)}
    />
  )
}
