import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { MadeToken } from '../api/tokens.ts'

/** A new token's secret, shown this once, with a copy button. */
export function SecretOnce({ made, onDone }: { made: MadeToken; onDone: () => void }) {
  const { t } = useTranslation('admin')
  const [copied, setCopied] = useState(false)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(made.secret)
      setCopied(true)
    } catch {
      // No clipboard (an insecure origin): the secret stays selected for the person to copy.
      ;(document.getElementById('token-secret') as HTMLInputElement | null)?.select()
    }
  }
  return (
    <section className="card secret-once" role="status" aria-labelledby="secret-title">
      <h3 id="secret-title">{t('tokens.secretTitle', { name: made.token.name })}</h3>
      <p>{t('tokens.secretOnce')}</p>
      <div className="secret-row">
        <input
          id="token-secret"
          data-testid="token-secret"
          readOnly
          value={made.secret}
          onFocus={(e) => e.currentTarget.select()}
          aria-label={t('tokens.secretTitle', { name: made.token.name })}
        />
        <button type="button" className="primary" onClick={copy}>
          {copied ? t('tokens.copied') : t('tokens.copy')}
        </button>
      </div>
      <button type="button" onClick={onDone}>
        {t('tokens.done')}
      </button>
    </section>
  )
}
