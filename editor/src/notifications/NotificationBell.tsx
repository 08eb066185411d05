import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNotices } from './useNotices.ts'

/** The bell in the header: the unread count, live, and the latest notices, each linking to its ticket. */
export function NotificationBell() {
  const { t, i18n } = useTranslation()
  const { items, unread, readAll } = useNotices()
  const [open, setOpen] = useState(false)
  return (
    <div className="bell">
      <button
        type="button"
        className="bell-button"
        aria-expanded={open}
        aria-label={t('notifications.bell', { count: unread })}
        onClick={() => setOpen((v) => !v)}
      >
        <svg className="bell-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
          />
        </svg>
        <span className="bell-count" data-testid="bell-count">
          {unread}
        </span>
      </button>
      {open && (
        <section className="bell-panel" aria-label={t('notifications.title')}>
          {items.length === 0 ? (
            <p className="muted small">{t('notifications.none')}</p>
          ) : (
            <ul className="bell-list">
              {items.map((n) => (
                <li key={n.id} className={n.readAt ? 'is-read' : 'is-unread'}>
                  <a href={n.ticketId ? `#/tickets/${n.ticketId}` : '#/'} onClick={() => setOpen(false)}>
                    {t(`notifications.kinds.${n.kind}`, {
                      ...n.params,
                      ...(n.params.metric ? { metric: t(`notifications.metrics.${n.params.metric}`) } : {}),
                      ...(n.params.due ? { due: new Date(n.params.due).toLocaleString(i18n.language) } : {}),
                    })}
                  </a>
                </li>
              ))}
            </ul>
          )}
          {unread > 0 && (
            <button type="button" className="small" onClick={() => void readAll()}>
              {t('notifications.readAll')}
            </button>
          )}
        </section>
      )}
    </div>
  )
}
