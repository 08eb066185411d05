import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { OneTimeLink as Link } from '../api/users.ts'
import { formatTime } from '../ui/format.ts'

/** A one-time link (an invitation, a password reset), shown this once, with a copy button. */
export function OneTimeLink({ title, link, onDone }: { title: string; link: Link; onDone: () => void }) {
  const { t, i18n } = useTranslation('admin')
  const [copied, setCopied] = useState(false)
  const id = useId()
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link.url)
      setCopied(true)
    } catch {
      // No clipboard (an insecure origin): the link stays selected for the person to copy.
      ;(document.getElementById(id) as HTMLInputElement | null)?.select()
    }
  }
  return (
    <section className="card secret-once" role="status" aria-label={title}>
      <h3>{title}</h3>
      <p>{t('links.once', { at: formatTime(link.expiresAt, i18n.language) })}</p>
      <div className="secret-row">
        <input
          id={id}
          data-testid="one-time-link"
          readOnly
          value={link.url}
          onFocus={(e) => e.currentTarget.select()}
          aria-label={title}
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
