import { useTranslation } from 'react-i18next'
import type { TicketPrompt } from '../../../engine/index.ts'
import { describeRejection } from './describeRejection.ts'

/** The actions the SOP allows now; a blocked one says why (fill the fields to unblock it). */
export function ActionBar(props: {
  prompt: TicketPrompt
  busy: boolean
  onAct: (a: string) => void
  onSave: () => void
}) {
  const { t } = useTranslation('console')
  return (
    <section className="card actions" aria-label={t('ticket.actions')}>
      <h3>{t('ticket.actions')}</h3>
      <div className="action-list">
        {props.prompt.actions.map((a) => {
          const wrongRole = a.blocked?.code === 'role_not_permitted'
          const escalation = /escalat|manager|chuyen|quan_ly|vedouci/i.test(`${a.action} ${a.label}`)
          return (
            <div key={`${a.stepId}:${a.action}`} className="action">
              <button
                type="button"
                className={escalation ? 'danger' : a.available ? 'primary' : ''}
                disabled={props.busy || wrongRole}
                data-action={a.action}
                onClick={() => props.onAct(a.action)}
              >
                {a.label}
              </button>
              {a.blocked && (
                <span className="blocked small">{describeRejection(a.blocked, props.prompt, t)}</span>
              )}
            </div>
          )
        })}
      </div>
      {props.prompt.pending.length > 0 && (
        <p className="muted small">
          {props.prompt.pending.map((p) => `${p.label}: ${new Date(p.dueAt).toLocaleString()}`).join(' · ')}
        </p>
      )}
      <button type="button" onClick={props.onSave} disabled={props.busy}>
        {t('ticket.save')}
      </button>
    </section>
  )
}
