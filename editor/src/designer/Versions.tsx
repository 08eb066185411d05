import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { getVersion, type VersionMeta } from '../api/sops.ts'
import { DiffList } from './DiffList.tsx'
import { type DocDiff, diffDocs, withRemovedSteps } from './diff.ts'
import type { Doc } from './useDesigner.ts'

/** What the owner compares: the change list, and the later document when it is not the draft. */
export interface Comparison {
  from: number
  to: number | 'draft'
  diff: DocDiff
  /** The later version's document (null when it is the draft on the canvas). */
  document: Doc | null
}

/**
 * Version history, and what changed between two versions, or between a version and the draft:
 * listed here and marked on the flowchart.
 */
export function Versions(props: {
  sopId: string
  versions: VersionMeta[]
  draft: Doc
  comparison: Comparison | null
  onCompare: (c: Comparison | null) => void
}) {
  const { t, i18n } = useTranslation('designer')
  const latest = props.versions.at(-1)?.version
  const [from, setFrom] = useState<number | undefined>(
    props.versions.length > 1 ? props.versions.at(-2)?.version : latest,
  )
  const [to, setTo] = useState<number | 'draft'>('draft')
  const [error, setError] = useState('')
  const compare = async (a: number, b: number | 'draft') => {
    setError('')
    try {
      const before = (await getVersion(props.sopId, a)).document as Doc
      const after = b === 'draft' ? props.draft : ((await getVersion(props.sopId, b)).document as Doc)
      const diff = diffDocs(before, after)
      props.onCompare({
        from: a,
        to: b,
        diff,
        // A later version is drawn read-only, with the steps it no longer has as ghosts.
        document: b === 'draft' ? null : withRemovedSteps(after, before, diff),
      })
    } catch (err) {
      setError(String(err))
    }
  }
  const c = props.comparison
  const versionOptions = props.versions.map((v) => (
    <option key={v.version} value={v.version}>
      v{v.version}
    </option>
  ))
  return (
    <section className="versions" aria-label={t('versions.title')}>
      <h3>{t('versions.title')}</h3>
      {!props.versions.length && <p className="muted small">{t('versions.none')}</p>}
      <ul>
        {[...props.versions].reverse().map((v) => (
          <li key={v.version}>
            <strong>v{v.version}</strong>{' '}
            <span className="muted small">{new Date(v.publishedAt).toLocaleString(i18n.language)}</span>{' '}
            <button type="button" className="link" onClick={() => compare(v.version, 'draft')}>
              {t('versions.compare')}
            </button>
          </li>
        ))}
      </ul>
      {props.versions.length > 0 && from !== undefined && (
        <form
          className="compare-form"
          onSubmit={(e) => {
            e.preventDefault()
            void compare(from, to)
          }}
        >
          <label>
            {t('versions.from')}{' '}
            <select name="compare-from" value={from} onChange={(e) => setFrom(Number(e.target.value))}>
              {versionOptions}
            </select>
          </label>{' '}
          <label>
            {t('versions.to')}{' '}
            <select
              name="compare-to"
              value={String(to)}
              onChange={(e) => setTo(e.target.value === 'draft' ? 'draft' : Number(e.target.value))}
            >
              <option value="draft">{t('versions.draft')}</option>
              {versionOptions}
            </select>
          </label>{' '}
          <button type="submit">{t('versions.compareButton')}</button>
        </form>
      )}
      {error && <p className="error small">{error}</p>}
      {c && (
        <div className="diff" data-testid="diff">
          <p>
            {c.to === 'draft'
              ? t('versions.since', { version: c.from })
              : t('versions.between', { from: c.from, to: c.to })}{' '}
            <button
              type="button"
              className="link"
              aria-label={t('versions.close')}
              onClick={() => props.onCompare(null)}
            >
              ×
            </button>
          </p>
          <DiffList diff={c.diff} />
        </div>
      )}
    </section>
  )
}
