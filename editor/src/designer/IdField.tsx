import { memo, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { idProblem } from './ids.ts'
import type { Designer } from './useDesigner.ts'

/**
 * "Advanced: id": the machine id of a step or transition. It follows the title until published;
 * here the owner can set it explicitly. A bad id is named and changes nothing; the text stays.
 */
export const IdField = memo(function IdField({
  d,
  kind,
  id,
}: {
  d: Pick<Designer, 'doc' | 'renameId' | 'isPublished'>
  kind: 'step' | 'transition'
  id: string
}) {
  const { t } = useTranslation('designer')
  const [text, setText] = useState(id)
  const [problem, setProblem] = useState<string | null>(null)
  useEffect(() => {
    setText(id)
    setProblem(null)
  }, [id])
  const apply = () => {
    const next = text.trim()
    const p = idProblem(d.doc, kind, id, next)
    setProblem(p)
    if (!p && next !== id) d.renameId(kind, id, next)
  }
  const name = `${kind}-id`
  return (
    <details className="id-field">
      <summary>{t('ids.advanced')}</summary>
      <label>
        {t('ids.label')}
        <input
          name={name}
          value={text}
          spellCheck={false}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${name}-error` : undefined}
          className={problem ? 'is-invalid' : undefined}
          onChange={(e) => {
            setText(e.target.value)
            setProblem(null)
          }}
          onBlur={apply}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault()
              apply()
            } else if (e.key === 'Escape') {
              setText(id)
              setProblem(null)
            }
          }}
        />
      </label>
      {problem && (
        <p className="issue error" id={`${name}-error`} role="alert" data-testid="id-error">
          {t(`ids.${problem}`, { id: text.trim() })}
        </p>
      )}
      <p className="muted small">{d.isPublished(kind, id) ? t('ids.published') : t('ids.follows')}</p>
    </details>
  )
})
