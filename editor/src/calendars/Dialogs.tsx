import { useTranslation } from 'react-i18next'
import type { Problem } from '../api/client.ts'
import { type ProblemLike, problemText } from '../ui/problemText.ts'

/** Someone saved the calendar meanwhile: reload theirs (dropping what was typed), or keep editing. */
export function ConflictDialog({
  problem,
  onReload,
  onKeep,
}: {
  problem: Problem
  onReload: () => void
  onKeep: () => void
}) {
  const { t } = useTranslation('calendars')
  return (
    <div className="cal-backdrop">
      <dialog open className="cal-modal" aria-labelledby="cal-conflict-title" data-testid="calendar-conflict">
        <h2 id="cal-conflict-title">{t('conflict.title')}</h2>
        <p>{problemText(problem as ProblemLike, t)}</p>
        <p className="muted">{t('conflict.help')}</p>
        <div className="row">
          <button type="button" className="primary" autoFocus onClick={onKeep}>
            {t('conflict.keep')}
          </button>
          <button type="button" className="danger" onClick={onReload}>
            {t('conflict.reload')}
          </button>
        </div>
      </dialog>
    </div>
  )
}

/** Asked when leaving the page with unsaved edits. */
export function LeaveDialog({ onDecide }: { onDecide: (leave: boolean) => void }) {
  const { t } = useTranslation('calendars')
  return (
    <div className="cal-backdrop">
      <dialog
        open
        className="cal-modal"
        aria-labelledby="cal-leave-title"
        data-testid="calendar-leave"
        onKeyDown={(e) => e.key === 'Escape' && onDecide(false)}
      >
        <h2 id="cal-leave-title">{t('leave.title')}</h2>
        <p>{t('leave.text')}</p>
        <div className="row">
          <button type="button" className="primary" autoFocus onClick={() => onDecide(false)}>
            {t('leave.stay')}
          </button>
          <button type="button" className="danger" onClick={() => onDecide(true)}>
            {t('leave.leave')}
          </button>
        </div>
      </dialog>
    </div>
  )
}
