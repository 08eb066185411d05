import { useTranslation } from 'react-i18next'
import type { VersionMeta } from '../api/sops.ts'
import { formatDuration } from '../flow/duration.ts'
import { SopDiagram } from '../flow/SopDiagram.tsx'
import type { DocShape } from '../flow/toFlow.ts'
import { Markdown } from '../ui/Markdown.tsx'
import { navigate } from '../useRoute.ts'
import type { Doc } from './useDesigner.ts'
import type { Shown } from './useLatestSop.ts'

/**
 * The SOP as a readable document: title, department, purpose, glossary, numbered instructions,
 * flowchart; of the current draft or of a chosen published version, and saying which.
 */
export function PrintView({
  sopId,
  shown,
  versions,
}: {
  sopId: string
  shown: Shown
  versions: VersionMeta[]
}) {
  const { t, i18n } = useTranslation('designer')
  const doc = shown.doc
  const order = orderSteps(doc)
  const date = (iso: string) => new Date(iso).toLocaleDateString(i18n.language)
  const which =
    shown.kind === 'draft'
      ? t('save.print.draft', { revision: shown.revision, date: date(shown.savedAt) })
      : t('save.print.version', { version: shown.meta.version, date: date(shown.meta.publishedAt) })
  return (
    <article className="print-view" lang={doc.language ?? 'en'}>
      <p className="no-print">
        <a href={`#/designer/${sopId}`}>← {t('print.back')}</a>{' '}
        <label>
          {t('save.print.choose')}{' '}
          <select
            name="print-version"
            value={shown.kind === 'draft' ? 'draft' : String(shown.meta.version)}
            onChange={(e) =>
              navigate(
                `/designer/${encodeURIComponent(sopId)}/print${e.target.value === 'draft' ? '' : `?version=${e.target.value}`}`,
              )
            }
          >
            <option value="draft">{t('save.print.draftOption')}</option>
            {[...versions].reverse().map((v) => (
              <option key={v.version} value={v.version}>
                {t('save.print.versionOption', { version: v.version, date: date(v.publishedAt) })}
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="button" onClick={() => window.print()}>
          🖶 {t('print.print')}
        </button>
      </p>
      <h1>{doc.title}</h1>
      <p className="print-which" data-testid="print-which">
        {which}
      </p>
      <dl className="print-meta">
        <dt>{t('sop.department')}</dt>
        <dd>{doc.department}</dd>
        <dt>{t('sop.purpose')}</dt>
        <dd>{doc.purpose}</dd>
        {doc.channels?.length ? (
          <>
            <dt>{t('sop.channels')}</dt>
            <dd>{doc.channels.join(', ')}</dd>
          </>
        ) : null}
      </dl>
      {doc.glossary?.length ? (
        <>
          <h2>{t('sop.glossary')}</h2>
          <dl className="glossary-list">
            {doc.glossary.map((g) => (
              <div key={g.term}>
                <dt>{g.term}</dt>
                <dd>{g.definition}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : null}
      <h2>{t('print.instructions')}</h2>
      <ol className="print-steps">
        {order.map((s) => (
          <li key={s.id} data-kind={s.kind}>
            <h3>{s.title}</h3>
            {s.instructions && <Markdown text={s.instructions} />}
            {s.checklist?.length ? (
              <ul className="print-checklist">
                {s.checklist.map((c) => (
                  <li key={c.id}>☐ {c.text}</li>
                ))}
              </ul>
            ) : null}
            {s.sla && (
              <p className="small print-sla">
                SLA: {formatDuration(s.sla.due, i18n.language)}
                {s.sla.escalateTo ? ` → ${doc.steps.find((x) => x.id === s.sla?.escalateTo)?.title}` : ''}
              </p>
            )}
            <ul className="small print-exits">
              {doc.transitions
                .filter((x) => x.from === s.id)
                .map((x) => (
                  <li key={x.id}>
                    {x.label || x.action || x.guard || '→'}: {doc.steps.find((y) => y.id === x.to)?.title}
                  </li>
                ))}
            </ul>
          </li>
        ))}
      </ol>
      <h2>{t('print.flowchart')}</h2>
      <SopDiagram document={doc as DocShape} height={900} />
    </article>
  )
}

function orderSteps(doc: Doc) {
  const seen = new Set<string>()
  const out: Doc['steps'] = []
  const visit = (id: string) => {
    const s = doc.steps.find((x) => x.id === id)
    if (!s || seen.has(id)) return
    seen.add(id)
    out.push(s)
    if (s.initial) visit(s.initial)
    for (const c of doc.steps.filter((x) => x.parent === id)) visit(c.id)
    for (const t of doc.transitions.filter((x) => x.from === id)) visit(t.to)
  }
  visit(doc.initial)
  for (const s of doc.steps) visit(s.id)
  return out
}
