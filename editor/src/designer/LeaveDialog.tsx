import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { SaveState } from './useAutosave.ts'

/** Asked when leaving the designer while the draft could not be saved. */
export const LeaveDialog = memo(function LeaveDialog({
  state,
  onDecide,
}: {
  state: SaveState
  onDecide: (leave: boolean) => void
}) {
  const { t } = useTranslation('designer')
  const why =
    state.kind === 'offline'
      ? t('save.leave.offline')
      : state.kind === 'conflict'
        ? t('save.leave.conflict')
        : state.kind === 'failed'
          ? t('save.leave.failed', { message: state.message })
          : t('save.leave.unsaved')
  return (
    <div className="modal-backdrop">
      <dialog
        open
        className="modal"
        aria-labelledby="leave-title"
        data-testid="leave-dialog"
        onKeyDown={(e) => e.key === 'Escape' && onDecide(false)}
      >
        <h2 id="leave-title">{t('save.leave.title')}</h2>
        <p>{why}</p>
        <div className="row">
          <button type="button" className="primary" autoFocus onClick={() => onDecide(false)}>
            {t('save.leave.stay')}
          </button>
          <button type="button" className="danger" onClick={() => onDecide(true)}>
            {t('save.leave.leave')}
          </button>
        </div>
      </dialog>
    </div>
  )
})
