import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { FieldPrompt, FieldValue } from '../../../engine/index.ts'
import { FieldInput } from './FieldInput.tsx'

/**
 * The ticket fields the current step(s) may edit: their required fields and the fields their
 * actions' conditions read (so a guarded action can always be unblocked here). A bound field shows
 * the customer's detail it is bound to until the agent changes it.
 */
function TicketFieldsView(props: {
  fields: FieldPrompt[]
  values: Record<string, FieldValue>
  bound: Record<string, FieldValue>
  actionLabels: ReadonlyMap<string, string>
  missing: string[]
  disabled: boolean
  onField: (name: string, value: FieldValue) => void
}) {
  const { t } = useTranslation('console')
  if (!props.fields.length) return null
  return (
    <section className="card ticket-fields" aria-label={t('fields.title')}>
      <h3>{t('fields.title')}</h3>
      <div className="field-grid">
        {props.fields.map((f) => {
          const own = props.values[f.name]
          const fromBind = (own === undefined || own === null) && props.bound[f.name] !== undefined
          return (
            <label key={f.name} className={props.missing.includes(f.name) ? 'is-missing' : ''}>
              <span>
                {f.label}
                {f.required && <span className="required">*</span>}
              </span>
              <FieldInput
                name={f.name}
                type={f.type}
                options={f.options}
                value={fromBind ? props.bound[f.name] : (own ?? '')}
                disabled={props.disabled}
                onChange={(v) => props.onField(f.name, v)}
              />
              {f.bind && (
                <span className="hint small" data-bound={f.name}>
                  {t(`fields.bind.${f.bind}`, { defaultValue: f.bind })}
                </span>
              )}
              {!f.required && f.readBy.length > 0 && (
                <span className="hint small">
                  {t('fields.readBy', {
                    actions: f.readBy.map((a) => props.actionLabels.get(a) ?? a).join(', '),
                  })}
                </span>
              )}
            </label>
          )
        })}
      </div>
    </section>
  )
}

export const TicketFields = memo(TicketFieldsView)
