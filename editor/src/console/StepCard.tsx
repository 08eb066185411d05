import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { StepPrompt } from '../../../engine/index.ts'
import { formatTime } from '../ui/format.ts'
import { Markdown } from '../ui/Markdown.tsx'

/** One current step: where it is, what to do and its checklist (its fields are in TicketFields). */
function StepCardView(props: {
  step: StepPrompt
  ticks: string[]
  missing: string[]
  onTick: (stepId: string, item: string, on: boolean) => void
  closed: boolean
}) {
  const { t, i18n } = useTranslation('console')
  const { step } = props
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
                onChange={(e) => props.onTick(step.stepId, c.id, e.target.checked)}
              />{' '}
              {c.text}
              {c.required && <span className="required">*</span>}
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
