import { useTranslation } from 'react-i18next'
import { TEMPLATE_PLACEHOLDERS as PLACEHOLDERS } from '../../../engine/templates.ts'
import { nextTemplateId, type ReplyTemplateDraft, templatesOf } from './templates.ts'
import type { Designer } from './useDesigner.ts'

/** The SOP's reply templates: title, text with placeholders, and the steps each is offered in. */
export function TemplatesEditor({ d }: { d: Designer }) {
  const { t } = useTranslation('designer')
  const templates = templatesOf(d.doc)
  const set = (next: ReplyTemplateDraft[]) => d.setMeta({ templates: next })
  const patch = (i: number, p: Partial<ReplyTemplateDraft>) =>
    set(templates.map((x, j) => (j === i ? { ...x, ...p } : x)))
  const steps = d.doc.steps.filter((s) => s.kind !== 'group' && s.kind !== 'parallel')
  return (
    <fieldset className="templates-editor" data-testid="templates-editor">
      <legend>{t('templates.title')}</legend>
      <p className="muted small">
        {t('templates.hint', { placeholders: PLACEHOLDERS.map((x) => `{{ ${x} }}`).join(', ') })}
      </p>
      {templates.map((x, i) => (
        <div key={x.id} className="template-item card" data-template={x.id}>
          <label>
            {t('templates.name')}
            <input
              name={`template-title-${x.id}`}
              value={x.title}
              onChange={(e) => patch(i, { title: e.target.value })}
            />
          </label>
          <label>
            {t('templates.text')}
            <textarea
              name={`template-text-${x.id}`}
              rows={5}
              value={x.text}
              onChange={(e) => patch(i, { text: e.target.value })}
            />
          </label>
          <label>
            {t('templates.step')}
            <select
              name={`template-step-${x.id}`}
              value={x.steps?.[0] ?? ''}
              onChange={(e) => patch(i, { steps: e.target.value ? [e.target.value] : undefined })}
            >
              <option value="">{t('templates.everyStep')}</option>
              {steps.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.title || s.id}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => set(templates.filter((_, j) => j !== i))}>
            {t('templates.remove')}
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() =>
          set([
            ...templates,
            {
              id: nextTemplateId(templates),
              title: t('templates.newTitle'),
              text: t('templates.newText', { customer: '{{ customer.name }}', agent: '{{ agent.name }}' }),
            },
          ])
        }
      >
        + {t('templates.add')}
      </button>
    </fieldset>
  )
}
