import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { SaveState } from './useAutosave.ts'

/** The draft's save state in the toolbar: saved · saving · unsaved · offline / failed (retry) · conflict. */
export const SaveStatus = memo(function SaveStatus({
  state,
  onRetry,
  onResolve,
}: {
  state: SaveState
  onRetry: () => void
  onResolve: () => void
}) {
  const { t } = useTranslation('designer')
  const tone =
    state.kind === 'saved'
      ? 'ok'
      : state.kind === 'offline' || state.kind === 'failed' || state.kind === 'conflict'
        ? 'danger'
        : ''
  return (
    <span className="save-status" data-testid="save-status" data-state={state.kind}>
      <span className={`pill ${tone}`} role="status" aria-live="polite">
        {state.kind === 'failed'
          ? t('save.state.failed', { message: state.message })
          : t(`save.state.${state.kind}`)}
      </span>
      {(state.kind === 'offline' || state.kind === 'failed') && (
        <button type="button" className="link" onClick={onRetry}>
          {t('save.retry')}
        </button>
      )}
      {state.kind === 'conflict' && (
        <button type="button" className="link" onClick={onResolve}>
          {t('save.conflict.resolve')}
        </button>
      )}
    </span>
  )
})
