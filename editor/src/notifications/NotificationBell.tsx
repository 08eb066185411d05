import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNotices } from './useNotices.ts'

/** The bell in the header: the unread count, live, and the latest notices, each linking to its ticket. */
export function NotificationBell() {
  const { t } = useTranslation()
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
        🔔{' '}
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
                    {t(`notifications.kinds.${n.kind}`, n.params)}
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
