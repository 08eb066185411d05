import { useReactFlow } from '@xyflow/react'
import { memo, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { getSop, listSops } from '../api/sops.ts'
import { FIT_VIEW } from '../flow/SopDiagram.tsx'
import { useAsync } from '../ui/useAsync.ts'
import './inspector/inspector.css'
import type { Designer, Doc } from './useDesigner.ts'

/** Metadata a copy fills in where this draft has none yet. */
const FILLED = ['department', 'purpose', 'description', 'channels', 'glossary', 'language'] as const

/** This draft with the flow of `source` (steps, transitions, fields, layout) copied into it. */
export function copyFlow(draft: Doc, source: Doc): Doc {
  const next: Doc = {
    ...draft,
    initial: source.initial,
    steps: structuredClone(source.steps ?? []),
    transitions: structuredClone(source.transitions ?? []),
    fields: structuredClone(source.fields ?? []),
    layout: structuredClone(source.layout ?? { nodes: {}, edges: {} }),
  }
  for (const key of FILLED) {
    const mine = draft[key]
    const empty = mine === undefined || mine === '' || (Array.isArray(mine) && !mine.length)
    if (empty && source[key] !== undefined)
      (next as Record<string, unknown>)[key] = structuredClone(source[key])
  }
  return next
}

/** Over an empty canvas: start with a first task, or from a copy of another SOP (the examples). */
export const EmptyStart = memo(function EmptyStart({ d }: { d: Designer }) {
  const { t } = useTranslation('designer')
  const flow = useReactFlow()
  const id = useId()
  const sops = useAsync(listSops, [])
  const [chosen, setChosen] = useState('')
  const [error, setError] = useState('')
  const [copying, setCopying] = useState(false)
  const others = (sops.data ?? []).filter((s) => s.id !== d.doc.id && !s.archived)
  const fitSoon = () => setTimeout(() => void flow.fitView(FIT_VIEW), 50)
  const blank = () => {
    const box = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect()
    const p = flow.screenToFlowPosition({
      x: (box?.left ?? 0) + (box?.width ?? 600) / 2 - 90,
      y: (box?.top ?? 0) + 120,
    })
    d.addStep('task', p)
  }
  const copy = async () => {
    setError('')
    setCopying(true)
    try {
      const source = await getSop(chosen)
      d.replace(copyFlow(d.doc, source.document as Doc))
      fitSoon()
    } catch (err) {
      setError(t('emptyStart.failed', { message: err instanceof Error ? err.message : String(err) }))
    } finally {
      setCopying(false)
    }
  }
  return (
    <div className="empty-start" data-testid="empty-start">
      <section className="card" aria-labelledby={`${id}-title`}>
        <h3 id={`${id}-title`}>{t('emptyStart.title')}</h3>
        <button type="button" className="primary" onClick={blank}>
          ▭ {t('emptyStart.blank')}
        </button>
        <p className="muted small">{t('emptyStart.hint')}</p>
        <label htmlFor={`${id}-source`}>{t('emptyStart.copyOf')}</label>
        <div className="row">
          <select
            id={`${id}-source`}
            name="copy-source"
            value={chosen}
            disabled={!others.length}
            onChange={(e) => setChosen(e.target.value)}
          >
            <option value="">{t('emptyStart.choose')}</option>
            {others.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
          </select>
          <button type="button" disabled={!chosen || copying} aria-busy={copying} onClick={copy}>
            {t('emptyStart.copy')}
          </button>
        </div>
        {sops.loading && <p className="muted small">{t('emptyStart.loading')}</p>}
        {sops.error && (
          <p className="issue error" role="alert">
            {t('emptyStart.failed', { message: sops.error.message })}
          </p>
        )}
        {sops.data && !others.length && <p className="muted small">{t('emptyStart.none')}</p>}
        {error && (
          <p className="issue error" role="alert">
            {error}
          </p>
        )}
      </section>
    </div>
  )
})
