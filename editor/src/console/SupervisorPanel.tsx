import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { assign, override, type TicketView } from '../api/tickets.ts'
import { getMe, listUsers } from '../api/users.ts'
import { useAsync } from '../ui/useAsync.ts'

/** Supervisors reassign the ticket or move it to another step, with a reason. */
export function SupervisorPanel({
  view,
  run,
}: {
  view: TicketView
  run: (op: (v: TicketView) => Promise<TicketView>) => Promise<void>
}) {
  const { t } = useTranslation('console')
  const me = useAsync(getMe, [])
  const users = useAsync(
    async () =>
      (await getMe()).role === 'supervisor' || (await getMe()).role === 'admin' ? listUsers() : [],
    [],
  )
  const [userId, setUserId] = useState('')
  const [target, setTarget] = useState('')
  const [reason, setReason] = useState('')
  if (!me.data || !['supervisor', 'admin'].includes(me.data.role) || view.ticket.status === 'closed')
    return null
  const steps = Object.keys(view.ticket.state.active).length ? view.prompt.steps : []
  return (
    <section className="card supervisor" aria-label={t('supervisor.title')}>
      <h3>{t('supervisor.title')}</h3>
      <label>
        {t('supervisor.assignTo')}
        <select name="assign-user" value={userId} onChange={(e) => setUserId(e.target.value)}>
          <option value="">—</option>
          {(users.data ?? []).map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} ({u.role})
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        disabled={!userId}
        onClick={() => run((v) => assign(v.ticket.id, { userId, version: v.ticket.version }))}
      >
        {t('supervisor.assign')}
      </button>
      <label>
        {t('supervisor.moveTo')}
        <input
          name="override-target"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          placeholder={steps[0]?.stepId}
        />
      </label>
      <label>
        {t('supervisor.reason')}
        <input name="override-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <button
        type="button"
        disabled={!target || !reason.trim()}
        onClick={() => run((v) => override(v.ticket.id, { target, reason, version: v.ticket.version }))}
      >
        {t('supervisor.override')}
      </button>
    </section>
  )
}
