import { useState } from 'react'
import { useTranslation } from 'react-i18next'

export const EVENTS = [
  'ticket.created',
  'ticket.step_entered',
  'ticket.action_taken',
  'ticket.sla_breached',
  'ticket.sla_warning',
  'ticket.note_added',
  'ticket.assigned',
  'ticket.closed',
  'ticket.reopened',
  'ticket.message_received',
  'survey.answered',
]

/** A new webhook subscription: the URL, its events, and whether private addresses are allowed. */
export function WebhookForm({
  onCreate,
}: {
  onCreate: (body: { url: string; events: string[]; allowPrivate: boolean }) => Promise<boolean>
}) {
  const { t } = useTranslation()
  const [url, setUrl] = useState('')
  const [events, setEvents] = useState<string[]>(['ticket.created'])
  const [allowPrivate, setAllowPrivate] = useState(false)
  return (
    <form
      className="webhook-form"
      onSubmit={async (e) => {
        e.preventDefault()
        // What was typed stays in the form unless the subscription was made.
        if (await onCreate({ url, events, allowPrivate })) setUrl('')
      }}
    >
      <label>
        {t('outbox.webhooks.url')}{' '}
        <input name="url" type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />
      </label>
      <fieldset>
        <legend>{t('outbox.webhooks.events')}</legend>
        {EVENTS.map((ev) => (
          <label key={ev} className="small">
            <input
              type="checkbox"
              checked={events.includes(ev)}
              onChange={(e) =>
                setEvents((xs) => (e.target.checked ? [...xs, ev] : xs.filter((x) => x !== ev)))
              }
            />{' '}
            {ev}
          </label>
        ))}
      </fieldset>
      <label className="small">
        <input type="checkbox" checked={allowPrivate} onChange={(e) => setAllowPrivate(e.target.checked)} />{' '}
        {t('outbox.webhooks.allowPrivate')}
      </label>
      <button type="submit" disabled={!url || !events.length}>
        {t('outbox.webhooks.create')}
      </button>
    </form>
  )
}
