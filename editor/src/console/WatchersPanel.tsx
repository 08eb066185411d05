import { useTranslation } from 'react-i18next'
import { problemText } from '../ui/problemText.ts'
import { useWatchers } from './useWatchers.ts'

/** Who watches the ticket (told of breaches, escalations and customer replies), and a button to watch it. */
export function WatchersPanel({
  ticketId,
  meId,
  canChange,
}: {
  ticketId: string
  meId: string | null
  canChange: boolean
}) {
  const { t } = useTranslation('console')
  const w = useWatchers(ticketId)
  const watching = meId !== null && w.watchers.some((x) => x.userId === meId)
  return (
    <section className="card watchers" aria-label={t('watchers.title')} data-testid="watchers">
      <h3>{t('watchers.title')}</h3>
      {w.watchers.length === 0 ? (
        <p className="muted small">{t('watchers.none')}</p>
      ) : (
        <ul className="watcher-list">
          {w.watchers.map((x) => (
            <li key={x.userId}>
              {x.name}
              {canChange && (
                <button
                  type="button"
                  className="link small"
                  disabled={w.busy}
                  aria-label={t('watchers.remove', { name: x.name })}
                  onClick={() => void w.leave(x.userId)}
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canChange && meId && (
        <button
          type="button"
          data-testid="watch-toggle"
          aria-pressed={watching}
          disabled={w.busy}
          onClick={() => void (watching ? w.leave(meId) : w.watch(meId))}
        >
          {t(watching ? 'watchers.stop' : 'watchers.watch')}
        </button>
      )}
      {w.failure && (
        <p className="problem" role="alert">
          {w.failure.problem ? problemText(w.failure.problem, t) : w.failure.message}
        </p>
      )}
      <p className="muted small">{t('watchers.hint')}</p>
    </section>
  )
}
