import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { getVersion, type VersionMeta } from '../api/sops.ts'
import { type DocDiff, diffDocs } from './diff.ts'
import type { Doc } from './useDesigner.ts'

/** Version history, and what changed between a version and the draft (listed and marked on the canvas). */
export function Versions(props: {
  sopId: string
  versions: VersionMeta[]
  draft: Doc
  onDiff: (d: DocDiff | null) => void
}) {
  const { t, i18n } = useTranslation('designer')
  const [diff, setDiff] = useState<{ version: number; diff: DocDiff } | null>(null)
  return (
    <section className="versions" aria-label={t('versions.title')}>
      <h3>{t('versions.title')}</h3>
      {!props.versions.length && <p className="muted small">{t('versions.none')}</p>}
      <ul>
        {[...props.versions].reverse().map((v) => (
          <li key={v.version}>
            <strong>v{v.version}</strong>{' '}
            <span className="muted small">{new Date(v.publishedAt).toLocaleString(i18n.language)}</span>{' '}
            <button
              type="button"
              className="link"
              onClick={async () => {
                const old = await getVersion(props.sopId, v.version)
                const d = diffDocs(old.document as Doc, props.draft)
                setDiff({ version: v.version, diff: d })
                props.onDiff(d)
              }}
            >
              {t('versions.compare')}
            </button>
          </li>
        ))}
      </ul>
      {diff && (
        <div className="diff" data-testid="diff">
          <p>
            {t('versions.since', { version: diff.version })}{' '}
            <button
              type="button"
              className="link"
              onClick={() => {
                setDiff(null)
                props.onDiff(null)
              }}
            >
              ×
            </button>
          </p>
          {!diff.diff.steps.length && !diff.diff.transitions.length && !diff.diff.meta.length && (
            <p className="muted">{t('versions.same')}</p>
          )}
          <ul className="small">
            {diff.diff.meta.map((m) => (
              <li key={m}>~ {m}</li>
            ))}
            {diff.diff.steps.map((s) => (
              <li key={`s${s.id}`} className={`diff-${s.change}`}>
                {t(`versions.${s.change}`)} {t('versions.step')} {s.id}
              </li>
            ))}
            {diff.diff.transitions.map((s) => (
              <li key={`t${s.id}`} className={`diff-${s.change}`}>
                {t(`versions.${s.change}`)} {t('versions.transition')} {s.id}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  )
}
