import { useTranslation } from 'react-i18next'
import { formatDuration, formatTime } from '../ui/format.ts'
import { useNow } from '../ui/useNow.ts'
import { ActionBar } from './ActionBar.tsx'
import { CustomerPanel } from './CustomerPanel.tsx'
import { describeRejection } from './describeRejection.ts'
import { NotesPanel } from './NotesPanel.tsx'
import { StepCard } from './StepCard.tsx'
import { SupervisorPanel } from './SupervisorPanel.tsx'
import { useTicket } from './useTicket.ts'

/** The ticket page: the engine's prompt for the current step(s), driven action by action. */
export function TicketPage({ ticketId }: { ticketId: string }) {
  const { t, i18n } = useTranslation('console')
  const tk = useTicket(ticketId)
  const now = useNow()
  if (tk.error) return <p className="error page">{tk.error.message}</p>
  if (!tk.data) return <p className="page muted">{t('loading')}</p>
  const { ticket, prompt, customer, notes, sop } = tk.data
  const due = ticket.dueAt ? Date.parse(ticket.dueAt) - now : null
  return (
    <div className="page ticket-page">
      <div className="page-head">
        <div>
          <a href="#/inbox" className="muted">
            ← {t('inbox.title')}
          </a>
          <h1>{ticket.subject}</h1>
          <p className="muted">
            {sop.title} v{sop.version} · {t(`channels.${ticket.channel}`)} ·{' '}
            {formatTime(ticket.createdAt, i18n.language)} ·{' '}
            <span className={`pill priority-${ticket.priority}`}>{t(`priority.${ticket.priority}`)}</span>{' '}
            <span className={`pill status-${ticket.status}`} data-testid="ticket-status">
              {ticket.status === 'closed' ? t(`outcome.${ticket.outcome ?? 'resolved'}`) : t('status.open')}
            </span>
          </p>
        </div>
        {due !== null && ticket.status === 'open' && (
          <div
            className={`sla-countdown ${due < 0 ? 'is-breached' : due < 5 * 60_000 ? 'is-near' : ''}`}
            role="timer"
          >
            <span>{t('ticket.sla')}</span>
            <strong>
              {due < 0 ? t('ticket.overdueBy', { time: formatDuration(-due) }) : formatDuration(due)}
            </strong>
          </div>
        )}
        {!ticket.assigneeId && ticket.status === 'open' && (
          <button type="button" className="primary" onClick={tk.claim} disabled={tk.busy}>
            {t('ticket.claim')}
          </button>
        )}
      </div>
      {tk.problem && (
        <div className="problem" role="alert" data-testid="problem">
          <strong>
            {t(`rejection.${tk.problem.code ?? 'error'}`, { defaultValue: t('rejection.error') })}
          </strong>{' '}
          {tk.problem.message}
        </div>
      )}
      <div className="ticket-layout">
        <section className="steps" aria-label={t('ticket.currentSteps')}>
          <div className={`step-cards ${prompt.steps.length > 1 ? 'is-parallel' : ''}`}>
            {prompt.steps.map((s) => (
              <StepCard
                key={s.stepId}
                step={s}
                fields={{ ...ticket.state.context.fields, ...tk.edits }}
                ticks={tk.ticks[s.stepId] ?? []}
                missing={tk.problem?.missing ?? []}
                onField={tk.setField}
                onTick={(item, on) => tk.toggleTick(s.stepId, item, on)}
                closed={ticket.status === 'closed'}
              />
            ))}
          </div>
          {ticket.status === 'open' && (
            <ActionBar prompt={prompt} busy={tk.busy} onAct={tk.act} onSave={tk.save} />
          )}
          <NotesPanel notes={notes} onAdd={tk.note} busy={tk.busy} />
        </section>
        <aside className="side">
          <CustomerPanel customer={customer} ticketId={ticket.id} />
          <SupervisorPanel view={tk.data} run={tk.run} />
        </aside>
      </div>
    </div>
  )
}
