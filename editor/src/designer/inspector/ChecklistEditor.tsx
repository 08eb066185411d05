import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { Step } from '../useDesigner.ts'

type Item = NonNullable<Step['checklist']>[number]

/** A step's checklist: each item's text and whether it is required; add and remove items. */
export const ChecklistEditor = memo(function ChecklistEditor({
  items,
  onChange,
}: {
  items: Item[]
  onChange: (items: Item[]) => void
}) {
  const { t } = useTranslation('designer')
  const put = (i: number, patch: Partial<Item>) =>
    onChange(items.map((x, j) => (j === i ? { ...x, ...patch } : x)))
  const nextId = () => {
    const taken = new Set(items.map((x) => x.id))
    let n = items.length + 1
    while (taken.has(`item${n}`)) n++
    return `item${n}`
  }
  return (
    <fieldset>
      <legend>{t('inspector.checklist')}</legend>
      {items.map((c, i) => (
        <div key={c.id} className="row">
          <input
            value={c.text}
            aria-label={t('inspector2.checklistItem', { n: i + 1 })}
            onChange={(e) => put(i, { text: e.target.value })}
          />
          <label className="inline small">
            <input
              type="checkbox"
              aria-label={t('inspector2.itemRequired', { n: i + 1 })}
              checked={c.required}
              onChange={(e) => put(i, { required: e.target.checked })}
            />
            {t('inspector.required')}
          </label>
          <button
            type="button"
            aria-label={t('inspector2.removeItem', { n: i + 1 })}
            onClick={() => onChange(items.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() => onChange([...items, { id: nextId(), text: t('inspector.newItem'), required: true }])}
      >
        + {t('inspector.addItem')}
      </button>
    </fieldset>
  )
})
