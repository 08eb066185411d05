import { memo, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { getSop, type SopDraft } from '../api/sops.ts'
import { diffDocs } from './diff.ts'
import type { Doc } from './useDesigner.ts'

/** Names of the SOP's own fields, as the SOP panel labels them. */
const META_LABELS: Record<string, string> = {
  title: 'sop.name',
  department: 'sop.department',
  purpose: 'sop.purpose',
  description: 'save.conflict.description',
  glossary: 'sop.glossary',
  channels: 'sop.channels',
  fields: 'sop.fields',
  initial: 'inspector.initial',
}

/**
 * Someone saved the draft since this editor loaded it. The owner sees what differs between their
 * draft and this one, and reloads theirs or keeps this one (saving over theirs).
 */
export const ConflictDialog = memo(function ConflictDialog({
  sopId,
  mine,
  onReloadTheirs,
  onKeepMine,
  onClose,
}: {
  sopId: string
  mine: Doc
  onReloadTheirs: (theirs: Doc, revision: number) => void
  onKeepMine: (revision: number) => void
  onClose: () => void
}) {
  const { t } = useTranslation('designer')
  const [theirs, setTheirs] = useState<SopDraft | null>(null)
  const [error, setError] = useState('')
  useEffect(() => {
    getSop(sopId)
      .then(setTheirs)
      .catch((err: Error) => setError(err.message))
  }, [sopId])
  const diff = useMemo(() => (theirs ? diffDocs(theirs.document as Doc, mine) : null), [theirs, mine])
  const title = (id: string, docs: Doc[]) =>
    docs.flatMap((d) => d.steps ?? []).find((s) => s.id === id)?.title ?? id
  const label = (id: string, docs: Doc[]) => {
    const x = docs.flatMap((d) => d.transitions ?? []).find((s) => s.id === id)
    if (!x) return id
    return `${title(x.from, docs)} → ${title(x.to, docs)}${x.label ? ` (${x.label})` : ''}`
  }
  const docs = theirs ? [mine, theirs.document as Doc] : [mine]
  const change = (c: string) => t(`save.conflict.${c}`)
  const same = diff && !diff.steps.length && !diff.transitions.length && !diff.meta.length
  return (
    <div className="modal-backdrop">
      <dialog
        open
        className="modal conflict-dialog"
        aria-labelledby="conflict-title"
        data-testid="conflict-dialog"
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <h2 id="conflict-title">{t('save.conflict.title')}</h2>
        <p>{t('save.conflict.explain', { revision: theirs?.revision ?? '…' })}</p>
        {error && <p className="error">{error}</p>}
        {!diff && !error && <p className="muted">{t('loading')}</p>}
        {diff && (
          <>
            <h3>{t('save.conflict.differs')}</h3>
            {same ? (
              <p className="muted">{t('save.conflict.same')}</p>
            ) : (
              <ul className="small conflict-diff" data-testid="conflict-diff">
                {diff.meta.map((m) => (
                  <li key={`m${m.property}`} className="diff-changed">
                    {t('save.conflict.metaChanged', { field: t(META_LABELS[m.property] ?? m.property) })}
                  </li>
                ))}
                {diff.steps.map((s) => (
                  <li key={`s${s.id}`} className={`diff-${s.change}`}>
                    {t('save.conflict.step', { title: title(s.id, docs) })}: {change(s.change)}
                  </li>
                ))}
                {diff.transitions.map((s) => (
                  <li key={`t${s.id}`} className={`diff-${s.change}`}>
                    {t('save.conflict.transition', { label: label(s.id, docs) })}: {change(s.change)}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
        <div className="row">
          <button
            type="button"
            disabled={!theirs}
            onClick={() => theirs && onReloadTheirs(theirs.document as Doc, theirs.revision)}
          >
            {t('save.conflict.reload')}
          </button>
          <button
            type="button"
            className="danger"
            disabled={!theirs}
            onClick={() => theirs && onKeepMine(theirs.revision)}
          >
            {t('save.conflict.keep')}
          </button>
          <button type="button" className="link" onClick={onClose}>
            {t('save.conflict.later')}
          </button>
        </div>
      </dialog>
    </div>
  )
})
