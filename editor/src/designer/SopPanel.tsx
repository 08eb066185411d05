import { useTranslation } from 'react-i18next'
import type { Designer } from './useDesigner.ts'

const CHANNELS = ['phone', 'email', 'chat', 'web', 'social', 'walk-in', 'ivr', 'sms']
const TYPES = ['text', 'longtext', 'number', 'boolean', 'choice', 'date', 'email', 'phone']

/** The SOP itself: title, department, purpose, glossary, channels, ticket fields. */
export function SopPanel({ d }: { d: Designer }) {
  const { t } = useTranslation('designer')
  const doc = d.doc
  const fields = doc.fields ?? []
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
      <fieldset>
        <legend>{t('sop.fields')}</legend>
        {fields.map((f, i) => (
          <div key={`f${i}`} className="field-row">
            <input
              aria-label={t('sop.fieldName')}
              name={`field-name-${i}`}
              value={f.name}
              onChange={(e) =>
                d.setMeta({
                  fields: fields.map((x, j) =>
                    j === i ? { ...x, name: e.target.value.replace(/\W+/g, '_') } : x,
                  ),
                })
              }
            />
            <input
              aria-label={t('sop.fieldLabel')}
              name={`field-label-${i}`}
              value={f.label}
              onChange={(e) =>
                d.setMeta({ fields: fields.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)) })
              }
            />
            <select
              aria-label={t('sop.fieldType')}
              name={`field-type-${i}`}
              value={f.type}
              onChange={(e) =>
                d.setMeta({
                  fields: fields.map((x, j) =>
                    j === i
                      ? {
                          ...x,
                          type: e.target.value,
                          ...(e.target.value === 'choice'
                            ? { options: x.options ?? [{ value: 'yes', label: 'Yes' }] }
                            : {}),
                        }
                      : x,
                  ),
                })
              }
            >
              {TYPES.map((ty) => (
                <option key={ty} value={ty}>
                  {ty}
                </option>
              ))}
            </select>
            {f.type === 'choice' && (
              <input
                aria-label={t('sop.options')}
                name={`field-options-${i}`}
                value={(f.options ?? []).map((o) => o.value).join(', ')}
                onChange={(e) =>
                  d.setMeta({
                    fields: fields.map((x, j) =>
                      j === i
                        ? {
                            ...x,
                            options: e.target.value
                              .split(',')
                              .map((v) => v.trim())
                              .filter(Boolean)
                              .map((v) => ({ value: v, label: v })),
                          }
                        : x,
                    ),
                  })
                }
              />
            )}
            <label className="inline small">
              <input
                type="checkbox"
                checked={Boolean(f.personal)}
                onChange={(e) =>
                  d.setMeta({
                    fields: fields.map((x, j) => (j === i ? { ...x, personal: e.target.checked } : x)),
                  })
                }
              />
              {t('sop.personal')}
            </label>
            <button type="button" onClick={() => d.setMeta({ fields: fields.filter((_, j) => j !== i) })}>
              ×
            </button>
          </div>
        ))}
        <button
          type="button"
          name="add-field"
          onClick={() =>
            d.setMeta({
              fields: [
                ...fields,
                { name: `field${fields.length + 1}`, label: `Field ${fields.length + 1}`, type: 'text' },
              ],
            })
          }
        >
          + {t('sop.addField')}
        </button>
      </fieldset>
    </form>
  )
}
