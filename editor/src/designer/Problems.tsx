import { useTranslation } from 'react-i18next'
import { diagnosticText } from './diagnosticText.ts'
import type { Designer } from './useDesigner.ts'
import { useRevealProblem } from './useRevealProblem.ts'

/** The engine's diagnostics in the reader's language; clicking one selects and reveals the element. */
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
            data-code={p.code}
          >
            <button type="button" onClick={() => reveal(p)}>
              <span className="sev">{p.severity === 'error' ? '✗' : '!'}</span> {diagnosticText(t, p, d.doc)}
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}
