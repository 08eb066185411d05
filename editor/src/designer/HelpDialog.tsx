import { useTranslation } from 'react-i18next'
import { SHORTCUTS } from './useShortcuts.ts'

/** The keyboard shortcuts. */
export function HelpDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation('designer')
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <dialog open className="modal" aria-label={t('help.title')} onClick={(e) => e.stopPropagation()}>
        <h2>{t('help.title')}</h2>
        <table className="table">
          <tbody>
            {SHORTCUTS.map(([keys, what]) => (
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
