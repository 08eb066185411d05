import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { ImportResult } from './importDoc.ts'
import type { Doc } from './useDesigner.ts'

/**
 * Why a file was not imported, in the reader's language: not JSON (with the line and column), not
 * an object, or the engine's diagnostics as the Problems list shows them. A document that is an SOP
 * with problems may still be imported as a draft, on purpose.
 */
export const ImportError = memo(function ImportError({
  file,
  result,
  onImportAnyway,
  onClose,
}: {
  file: string
  result: Exclude<ImportResult, { ok: true }>
  onImportAnyway?: (doc: Doc) => void
  onClose: () => void
}) {
  const { t } = useTranslation('designer')
  // The file may hold anything: read step titles only from a list of steps.
  const steps = result.reason === 'invalid' && Array.isArray(result.doc.steps) ? result.doc.steps : []
  return (
    <div className="import-error card" role="alert" data-testid="import-error">
      <p>
        <strong>{t('save.import.refused', { file })}</strong>{' '}
        {result.reason === 'malformed'
          ? result.line
            ? t('save.import.malformedAt', { line: result.line, column: result.column })
            : t('save.import.malformed')
          : result.reason === 'notObject'
            ? t('save.import.notObject')
            : t('save.import.invalid', { count: result.diagnostics.length })}
      </p>
      {result.reason === 'invalid' && (
        <ul className="small" data-testid="import-diagnostics">
          {result.diagnostics.map((p, i) => (
            <li key={`${p.code}-${i}`} className={`problem-${p.severity}`}>
              <span className="sev">✗</span>{' '}
              {t(`diag.${p.code}`, {
                defaultValue: p.message,
                title: steps.find((s) => s?.id === p.stepId)?.title ?? p.stepId,
                transition: p.transitionId,
                id: p.stepId ?? p.transitionId,
              })}
            </li>
          ))}
        </ul>
      )}
      <p className="row">
        {result.reason === 'invalid' && !result.schema && onImportAnyway && (
          <button type="button" onClick={() => onImportAnyway(result.doc)}>
            {t('save.import.anyway')}
          </button>
        )}
        <button type="button" onClick={onClose}>
          {t('save.import.close')}
        </button>
      </p>
    </div>
  )
})
