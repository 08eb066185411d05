import { useTranslation } from 'react-i18next'
import { ClosedReplySetting } from './ClosedReplySetting.tsx'
import { FieldsEditor } from './FieldsEditor.tsx'
import { TemplatesEditor } from './TemplatesEditor.tsx'
import { SopTimeSettings } from './time/SopTimeSettings.tsx'
import type { Designer } from './useDesigner.ts'

const CHANNELS = ['phone', 'email', 'chat', 'web', 'social', 'walk-in', 'ivr', 'sms']

/** The SOP itself: title, department, purpose, glossary, channels, time and SLA policy, ticket fields, reply templates. */
export function SopPanel({ d }: { d: Designer }) {
  const { t } = useTranslation('designer')
  const doc = d.doc
  const glossary = doc.glossary ?? []
  return (
    <form className="inspector sop-panel" aria-label={t('sop.title')} onSubmit={(e) => e.preventDefault()}>
      <h3>{t('sop.title')}</h3>
      <label>
        {t('sop.name')}
        <input name="sop-title" value={doc.title} onChange={(e) => d.setMeta({ title: e.target.value })} />
      </label>
      <label>
        {t('sop.department')}
        <input
          name="sop-department"
          value={doc.department}
          onChange={(e) => d.setMeta({ department: e.target.value })}
        />
      </label>
      <label>
        {t('sop.purpose')}
        <textarea
          name="sop-purpose"
          rows={3}
          value={doc.purpose}
          onChange={(e) => d.setMeta({ purpose: e.target.value })}
        />
      </label>
      <label>
        {t('sop.language')}
        <select value={doc.language ?? 'en'} onChange={(e) => d.setMeta({ language: e.target.value })}>
          <option value="en">English</option>
          <option value="vi">Tiếng Việt</option>
          <option value="cs">Čeština</option>
        </select>
      </label>
      <fieldset>
        <legend>{t('sop.channels')}</legend>
        {CHANNELS.map((c) => (
          <label key={c} className="inline">
            <input
              type="checkbox"
              checked={(doc.channels ?? []).includes(c)}
              onChange={(e) =>
                d.setMeta({
                  channels: e.target.checked
                    ? [...(doc.channels ?? []), c]
                    : (doc.channels ?? []).filter((x) => x !== c),
                })
              }
            />{' '}
            {c}
          </label>
        ))}
      </fieldset>
      <ClosedReplySetting d={d} />
      <SopTimeSettings d={d} />
      <fieldset>
        <legend>{t('sop.glossary')}</legend>
        {glossary.map((g, i) => (
          <div key={`g${i}`} className="row">
            <input
              aria-label={t('sop.term')}
              value={g.term}
              onChange={(e) =>
                d.setMeta({
                  glossary: glossary.map((x, j) => (j === i ? { ...x, term: e.target.value } : x)),
                })
              }
            />
            <input
              aria-label={t('sop.definition')}
              value={g.definition}
              onChange={(e) =>
                d.setMeta({
                  glossary: glossary.map((x, j) => (j === i ? { ...x, definition: e.target.value } : x)),
                })
              }
            />
            <button type="button" onClick={() => d.setMeta({ glossary: glossary.filter((_, j) => j !== i) })}>
              ×
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() =>
            d.setMeta({ glossary: [...glossary, { term: 'SLA', definition: 'Service Level Agreement' }] })
          }
        >
          + {t('sop.addTerm')}
        </button>
      </fieldset>
      <FieldsEditor d={d} />
      <TemplatesEditor d={d} />
    </form>
  )
}
