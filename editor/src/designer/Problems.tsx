import { useTranslation } from 'react-i18next'
import type { Designer } from './useDesigner.ts'
import { useRevealProblem } from './useRevealProblem.ts'

/** SOP fields the panel edits, by their path in a schema diagnostic. */
const SOP_FIELDS: Record<string, string> = {
  title: 'sop.name',
  department: 'sop.department',
  purpose: 'sop.purpose',
}

/** The engine's diagnostics; clicking one selects and reveals the element. */
export function Problems({ d }: { d: Designer }) {
  const { t } = useTranslation('designer')
  const reveal = useRevealProblem(d)
  const errors = d.problems.filter((p) => p.severity === 'error').length
  return (
    <section className="problems" aria-label={t('problems.title')} data-testid="problems">
      <h3>
        {t('problems.title')}{' '}
        <span className={`pill ${errors ? 'danger' : 'ok'}`} data-testid="problem-count">
          {errors ? t('problems.errors', { count: errors }) : t('problems.none')}
        </span>
      </h3>
      <ul>
        {d.problems.map((p, i) => (
          <li
            key={`${p.code}-${p.stepId ?? p.transitionId ?? p.path ?? ''}-${i}`}
            className={`problem-${p.severity}`}
          >
            <button type="button" onClick={() => reveal(p)}>
              <span className="sev">{p.severity === 'error' ? '✗' : '!'}</span>{' '}
              {p.code === 'schema' && p.path && SOP_FIELDS[p.path]
                ? t('diag.sopFieldMissing', { field: t(SOP_FIELDS[p.path]) })
                : t(`diag.${p.code}`, {
                    defaultValue: p.message,
                    title: d.doc.steps.find((s) => s.id === p.stepId)?.title ?? p.stepId,
                    transition: p.transitionId,
                    id: p.stepId ?? p.transitionId,
                  })}
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}
