import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../api/client.ts'
import { assign, type TicketSummary } from '../api/tickets.ts'
import { listUsers } from '../api/users.ts'
import { problemText } from '../ui/problemText.ts'
import { useAsync } from '../ui/useAsync.ts'

/** Supervisors assign the selected tickets to one person at once; each failure is named. */
export function BulkAssign({ tickets, onDone }: { tickets: TicketSummary[]; onDone: () => void }) {
  const { t } = useTranslation('console')
  const users = useAsync(listUsers, [])
  const [userId, setUserId] = useState('')
  const [busy, setBusy] = useState(false)
  const [errors, setErrors] = useState<string[]>([])
  const workers = (users.data ?? []).filter((u) => ['agent', 'senior_agent', 'supervisor'].includes(u.role))
  return (
    <section className="card bulk-assign" aria-label={t('inbox.bulk.title')}>
      <strong>{t('inbox.bulk.selected', { count: tickets.length })}</strong>
      <label>
        {t('supervisor.assignTo')}{' '}
        <select name="bulk-user" value={userId} onChange={(e) => setUserId(e.target.value)}>
          <option value="">—</option>
          {workers.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} ({t(`roles.${u.role}`, { defaultValue: u.role })})
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="primary"
        disabled={!userId || busy}
        onClick={async () => {
          setBusy(true)
          const failed: string[] = []
          for (const x of tickets) {
            try {
              await assign(x.id, { userId, version: x.version })
            } catch (err) {
              failed.push(
                `${x.subject}: ${err instanceof ApiError ? problemText(err.problem, t) : String(err)}`,
              )
            }
          }
          setBusy(false)
          setErrors(failed)
          if (!failed.length) onDone()
        }}
      >
        {t('inbox.bulk.assign')}
      </button>
      {errors.length > 0 && (
        <ul className="error small" role="alert">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
    </section>
  )
}
