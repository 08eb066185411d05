import { memo, useLayoutEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import type { Designer } from './useDesigner.ts'

const TYPES = ['text', 'longtext', 'number', 'boolean', 'choice', 'date', 'email', 'phone']

type Field = NonNullable<Designer['doc']['fields']>[number]
type Option = { value: string; label: string }

/** The SOP's ticket fields: name, label, type, personal data; a choice field's options as rows. */
export function FieldsEditor({ d }: { d: Designer }) {
  const { t } = useTranslation('designer')
  const fields = d.doc.fields ?? []
  const setField = (i: number, patch: Partial<Field>) =>
    d.setMeta({ fields: fields.map((x, j) => (j === i ? { ...x, ...patch } : x)) })
  return (
    <fieldset>
      <legend>{t('sop.fields')}</legend>
      {fields.map((f, i) => (
        <div key={`f${i}`} className="field-row">
          <input
            aria-label={t('sop.fieldName')}
            name={`field-name-${i}`}
            value={f.name}
            onChange={(e) => setField(i, { name: e.target.value.replace(/\W+/g, '_') })}
          />
          <input
            aria-label={t('sop.fieldLabel')}
            name={`field-label-${i}`}
            value={f.label}
            onChange={(e) => setField(i, { label: e.target.value })}
          />
          <select
            aria-label={t('sop.fieldType')}
            name={`field-type-${i}`}
            value={f.type}
            onChange={(e) =>
              setField(i, {
                type: e.target.value,
                ...(e.target.value === 'choice'
                  ? { options: f.options ?? [{ value: 'yes', label: 'Yes' }] }
                  : {}),
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
            <OptionRows
              field={i}
              options={f.options ?? []}
              onChange={(options) => setField(i, { options })}
            />
          )}
          <label className="inline small">
            <input
              type="checkbox"
              checked={Boolean(f.personal)}
              onChange={(e) => setField(i, { personal: e.target.checked })}
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
  )
}

/**
 * A choice field's options, one row each (value and label as typed, never split or trimmed):
 * add, remove, move up and down; Enter in a value adds the next row.
 */
const OptionRows = memo(function OptionRows({
  field,
  options,
  onChange,
}: {
  field: number
  options: Option[]
  onChange: (options: Option[]) => void
}) {
  const { t } = useTranslation('designer')
  const list = useRef<HTMLTableSectionElement>(null)
  const set = (i: number, patch: Partial<Option>) =>
    onChange(options.map((o, j) => (j === i ? { ...o, ...patch } : o)))
  const move = (i: number, by: number) => {
    const next = [...options]
    const [o] = next.splice(i, 1)
    next.splice(i + by, 0, o)
    onChange(next)
  }
  // The new row takes the focus as soon as it is on the page, before the next key arrives, so
  // that what is typed right after Enter goes into it (a focus on the next frame lost keys).
  const focusAt = useRef<number | null>(null)
  useLayoutEffect(() => {
    if (focusAt.current === null) return
    list.current?.querySelectorAll<HTMLInputElement>('input[data-option-value]')[focusAt.current]?.focus()
    focusAt.current = null
  })
  const add = (at: number) => {
    focusAt.current = at
    onChange([...options.slice(0, at), { value: '', label: '' }, ...options.slice(at)])
  }
  return (
    <table
      className="option-rows"
      aria-label={t('save.options.title')}
      data-testid={`field-options-${field}`}
    >
      <thead>
        <tr>
          <th>{t('save.options.value')}</th>
          <th>{t('save.options.label')}</th>
          <th>
            <span className="sr-only">{t('save.options.actions')}</span>
          </th>
        </tr>
      </thead>
      <tbody ref={list}>
        {options.map((o, i) => (
          <tr key={`o${i}`}>
            <td>
              <input
                data-option-value
                name={`field-${field}-option-value-${i}`}
                aria-label={t('save.options.valueOf', { n: i + 1 })}
                value={o.value}
                onChange={(e) =>
                  // The label follows the value until it is edited on its own.
                  set(i, {
                    value: e.target.value,
                    ...(o.label.toLowerCase() === o.value.toLowerCase() ? { label: e.target.value } : {}),
                  })
                }
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault()
                    add(i + 1)
                  }
                }}
              />
            </td>
            <td>
              <input
                name={`field-${field}-option-label-${i}`}
                aria-label={t('save.options.labelOf', { n: i + 1 })}
                value={o.label}
                onChange={(e) => set(i, { label: e.target.value })}
              />
            </td>
            <td className="option-actions">
              <button
                type="button"
                aria-label={t('save.options.up', { n: i + 1 })}
                disabled={i === 0}
                onClick={() => move(i, -1)}
              >
                ↑
              </button>
              <button
                type="button"
                aria-label={t('save.options.down', { n: i + 1 })}
                disabled={i === options.length - 1}
                onClick={() => move(i, 1)}
              >
                ↓
              </button>
              <button
                type="button"
                aria-label={t('save.options.remove', { n: i + 1 })}
                onClick={() => onChange(options.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <td colSpan={3}>
            <button type="button" name={`field-${field}-add-option`} onClick={() => add(options.length)}>
              + {t('save.options.add')}
            </button>
          </td>
        </tr>
      </tfoot>
    </table>
  )
})
