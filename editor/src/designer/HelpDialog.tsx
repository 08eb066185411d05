import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { CANVAS_SHORTCUTS } from './useCanvasKeyboard.ts'
import { SHORTCUTS } from './useShortcuts.ts'

/** The keyboard shortcuts; Esc closes it. */
export function HelpDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation('designer')
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return
      e.preventDefault()
      e.stopPropagation()
      onClose()
    }
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [onClose])
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <dialog open className="modal" aria-label={t('help.title')} onClick={(e) => e.stopPropagation()}>
        <h2>{t('help.title')}</h2>
        <table className="table">
          <tbody>
            {[...SHORTCUTS, ...CANVAS_SHORTCUTS].map(([keys, what]) => (
              <tr key={what}>
                <td>
                  <kbd>{keys}</kbd>
                </td>
                <td>{t(`help.${what}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="small muted">{t('help.connect')}</p>
        <button type="button" onClick={onClose} autoFocus>
          {t('help.close')}
        </button>
      </dialog>
    </div>
  )
}
