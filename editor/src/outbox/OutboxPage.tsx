import { useTranslation } from 'react-i18next'
import type { OutboxStatus } from '../api/outbox.ts'
import { problemText } from '../ui/problemText.ts'
import { MessageTable } from './MessageTable.tsx'
import { useOutbox } from './useOutbox.ts'
import { WebhookForm } from './WebhookForm.tsx'

const STATUSES: OutboxStatus[] = ['queued', 'sending', 'sent', 'failed']

/** Admins: the outbox's state with a retry for failed messages, and the webhook subscriptions. */
export function OutboxPage() {
  const { t } = useTranslation()
  const o = useOutbox()
  return (
    <div className="page outbox-page">
      <h1>{t('outbox.title')}</h1>
      {o.error && (
        <p role="alert" className="error">
          {problemText(o.error.problem as never, t)}
        </p>
      )}
      <p>
        {STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            className="small"
            aria-pressed={o.filter === s}
            onClick={() => o.setFilter(o.filter === s ? '' : s)}
          >
            {t(`outbox.status.${s}`)}: {o.counts?.[s] ?? 0}
          </button>
        ))}
      </p>
      <MessageTable
        rows={o.messages}
        action={(m) =>
          m.status === 'failed' ? { label: t('outbox.retry'), run: () => void o.retry(m.id) } : null
        }
      />
      <h2>{t('outbox.webhooks.title')}</h2>
      {o.secret && (
        <p className="notice">
          {t('outbox.webhooks.secret')} <code>{o.secret.secret}</code>
        </p>
      )}
      <ul className="webhook-list">
        {o.hooks.map((h) => (
          <li key={h.id}>
            <code>{h.url}</code> · {h.events.join(', ')} · <code>{h.secretHint}</code>{' '}
            <button type="button" className="small" onClick={() => void o.showLog(h.id)}>
              {t('outbox.webhooks.log')}
            </button>{' '}
            <button type="button" className="small" onClick={() => void o.rotate(h.id)}>
              {t('outbox.webhooks.rotate')}
            </button>
            {o.log?.id === h.id && (
              <MessageTable
                rows={o.log.rows}
                action={(m) => ({ label: t('outbox.webhooks.resend'), run: () => void o.resend(h.id, m.id) })}
              />
            )}
          </li>
        ))}
      </ul>
      <WebhookForm onCreate={o.create} />
    </div>
  )
}
