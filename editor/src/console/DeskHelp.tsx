import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'

const KEYS: [string, string][] = [
  ['j / k', 'next'],
  ['Enter', 'open'],
  ['a', 'actions'],
  ['1 – 9', 'run'],
  ['n', 'note'],
  ['?', 'help'],
]

/** The desk's keyboard shortcuts, opened with `?`. */
export function DeskHelp({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation('console')
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const d = ref.current
    if (d && !d.open) d.showModal()
  }, [])
  return (
    <dialog ref={ref} className="help-dialog" aria-label={t('keys.title')} onClose={onClose}>
      <h2>{t('keys.title')}</h2>
      <dl className="keys">
        {KEYS.map(([k, what]) => (
          <div key={k}>
            <dt>
              <kbd>{k}</kbd>
            </dt>
            <dd>{t(`keys.${what}`)}</dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={onClose}>
        {t('keys.close')}
      </button>
    </dialog>
  )
}
