import { useTranslation } from 'react-i18next'

/** A wait step's "pauses the ticket's clocks": its other SLAs and the policy clocks stop while it waits. */
export function PausesClocks({ value, onChange }: { value: boolean; onChange: (on: boolean) => void }) {
  const { t } = useTranslation('designer')
  return (
    <div className="pauses-clocks">
      <label className="inline">
        <input
          type="checkbox"
          name="step-pauses-clocks"
          checked={value}
          onChange={(e) => onChange(e.target.checked)}
        />
        {t('time.pausesClocks')}
      </label>
      <p className="muted small">{t('time.pausesClocksHint')}</p>
    </div>
  )
}
