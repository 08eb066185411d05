import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { getVersion } from '../api/sops.ts'
import { assign, override, type TicketView } from '../api/tickets.ts'
import { listUsers } from '../api/users.ts'
import { useAsync } from '../ui/useAsync.ts'

interface StepChoice {
  id: string
  title: string
  kind: string
  parent?: string
}

/** Steps a ticket can be moved to, by title, with their group's title for context. */
function stepChoices(doc: Record<string, unknown>): { id: string; label: string }[] {
  const steps = (doc.steps as StepChoice[] | undefined) ?? []
  const byId = new Map(steps.map((s) => [s.id, s]))
  return steps
    .filter((s) => s.kind !== 'group' && s.kind !== 'parallel')
    .map((s) => {
      const parent = s.parent ? byId.get(s.parent)?.title : undefined
      return { id: s.id, label: parent ? `${parent} › ${s.title}` : s.title }
    })
}

/** Supervisors reassign the ticket or move it to another step (picked by title), with a reason. */
export function SupervisorPanel({
  view,
  run,
}: {
  view: TicketView
  run: (op: (v: TicketView) => Promise<TicketView>) => Promise<boolean>
}) {
  const { t } = useTranslation('console')
  const users = useAsync(listUsers, [])
  const sop = useAsync(() => getVersion(view.sop.id, view.sop.version), [view.sop.id, view.sop.version])
  const [userId, setUserId] = useState('')
  const [target, setTarget] = useState('')
  const [reason, setReason] = useState('')
  if (view.ticket.status === 'closed') return null
  const here = new Set(view.prompt.steps.map((s) => s.stepId))
  const choices = sop.data ? stepChoices(sop.data.document).filter((c) => !here.has(c.id)) : []
  return (
    <section className="card supervisor" aria-label={t('supervisor.title')}>
      <h3>{t('supervisor.title')}</h3>
      <label>
        {t('supervisor.assignTo')}
        <select name="assign-user" value={userId} onChange={(e) => setUserId(e.target.value)}>
          <option value="">—</option>
          {(users.data ?? []).map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} ({t(`roles.${u.role}`, { defaultValue: u.role })})
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
        <select name="override-target" value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="">—</option>
          {choices.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('supervisor.reason')}
        <input name="override-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <button
        type="button"
        disabled={!target || !reason.trim()}
        onClick={async () => {
          if (await run((v) => override(v.ticket.id, { target, reason, version: v.ticket.version }))) {
            setTarget('')
            setReason('')
          }
        }}
      >
        {t('supervisor.override')}
      </button>
    </section>
  )
}
