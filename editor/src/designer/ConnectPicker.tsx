import { useId, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'

/**
 * "Connect to…": a searchable list of the steps; arrows move through it, Enter connects the
 * selected step to the one chosen, Esc closes.
 */
export function ConnectPicker(props: {
  from: { id: string; title: string }
  steps: { id: string; title: string; kind: string }[]
  onPick: (toId: string) => void
  onClose: () => void
}) {
  const { t } = useTranslation('designer')
  const [query, setQuery] = useState('')
  const [index, setIndex] = useState(0)
  const listId = useId()
  const matches = useMemo(() => {
    const q = query.trim().toLocaleLowerCase()
    return props.steps.filter((s) => s.id !== props.from.id && s.title.toLocaleLowerCase().includes(q))
  }, [query, props.steps, props.from.id])
  const current = matches[Math.min(index, matches.length - 1)]
  return (
    <div className="modal-backdrop" onClick={props.onClose}>
      <dialog
        open
        className="modal connect-picker"
        aria-label={t('connect.title', { title: props.from.title })}
        data-testid="connect-picker"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault()
            e.stopPropagation()
            props.onClose()
          }
        }}
      >
        <h2>{t('connect.title', { title: props.from.title })}</h2>
        <input
          type="search"
          className="connect-search"
          aria-label={t('connect.search')}
          placeholder={t('connect.search')}
          aria-controls={listId}
          value={query}
          autoFocus
          onChange={(e) => {
            setQuery(e.target.value)
            setIndex(0)
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setIndex((i) => Math.min(i + 1, matches.length - 1))
            else if (e.key === 'ArrowUp') setIndex((i) => Math.max(i - 1, 0))
            else if (e.key === 'Enter' && current) props.onPick(current.id)
            else return
            e.preventDefault()
          }}
        />
        <fieldset className="connect-list" id={listId} aria-label={t('connect.steps')}>
          {matches.map((s) => (
            <button
              key={s.id}
              type="button"
              tabIndex={-1}
              id={`${listId}-${s.id}`}
              aria-current={s === current ? 'true' : undefined}
              className={s === current ? 'is-current' : undefined}
              onClick={() => props.onPick(s.id)}
            >
              {s.title} <span className="muted small">{t(`kinds.${s.kind}.name`)}</span>
            </button>
          ))}
          {matches.length === 0 && <p className="muted">{t('connect.none')}</p>}
        </fieldset>
        <p className="small muted">{t('connect.hint')}</p>
      </dialog>
    </div>
  )
}
