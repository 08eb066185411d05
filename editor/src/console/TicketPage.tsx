import { useCallback, useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { ticketReference } from '../api/channels.ts'
import { can } from '../auth/access.ts'
import { useMe } from '../auth/session.ts'
import { formatDuration, formatTime } from '../ui/format.ts'
import { problemText } from '../ui/problemText.ts'
import { useNow } from '../ui/useNow.ts'
import { ActionBar } from './ActionBar.tsx'
import { ConversationPanel } from './ConversationPanel.tsx'
import { CustomerPanel } from './CustomerPanel.tsx'
import { DeskHelp } from './DeskHelp.tsx'
import { promptNames } from './describeRejection.ts'
import { NotesPanel } from './NotesPanel.tsx'
import { StepCard } from './StepCard.tsx'
import { SupervisorPanel } from './SupervisorPanel.tsx'
import { TicketFields } from './TicketFields.tsx'
import { useTicketShortcuts } from './useDeskShortcuts.ts'
import { useReplyTemplates } from './useReplyTemplates.ts'
import { useTicket } from './useTicket.ts'
import { WatchersPanel } from './WatchersPanel.tsx'

/** The ticket page: the engine's prompt for the current step(s), driven action by action. */
export function TicketPage({ ticketId }: { ticketId: string }) {
  const { t, i18n } = useTranslation('console')
  const tk = useTicket(ticketId)
  const me = useMe()
  const now = useNow()
  const assignee = tk.data?.assignee ?? null
  // A ticket someone else has is read-only here, unless one supervises (an intervention).
  const elsewhere = assignee !== null && assignee.id !== me?.id && !can(me?.role, 'supervise')
  const canAct = can(me?.role, 'workTickets') && !elsewhere
  const prompt = tk.data?.prompt ?? null
  const names = useMemo(() => promptNames(prompt), [prompt])
  const help = useTicketShortcuts(ticketId, prompt, canAct && !tk.busy, tk.act)
  const templates = useReplyTemplates(ticketId, tk.data?.ticket.steps ?? [], canAct)
  const fieldValues = useMemo(
    () => ({ ...(tk.data?.ticket.state.context.fields ?? {}), ...tk.edits }),
    [tk.data, tk.edits],
  )
  const { ticks } = tk
  const bound = tk.data?.bound
  const satisfied = useCallback(
    (id: string) => {
      const v = fieldValues[id] ?? bound?.[id]
      return (v !== undefined && v !== null && v !== '') || Object.values(ticks).some((l) => l.includes(id))
    },
    [fieldValues, bound, ticks],
  )
  if (tk.error) return <p className="error page">{tk.error.message}</p>
  if (!tk.data || !prompt) return <p className="page muted">{t('loading')}</p>
  const { ticket, customer, notes, sop } = tk.data
  const due = ticket.dueAt ? Date.parse(ticket.dueAt) - now : null
  const rejection = tk.failure?.problem.rejection as { missing?: string[] } | undefined
  const missing = rejection?.missing ?? []
  const open = ticket.status === 'open'
  return (
    <div className="page ticket-page">
      <div className="page-head">
        <div className="page-title">
          <a href="#/inbox" className="muted">
            ← {t('inbox.title')}
          </a>
          <h1>{ticket.subject}</h1>
          <p className="muted meta">
            <span className="ticket-number" title={ticket.id}>
              {ticketReference(ticket)}
            </span>{' '}
            · {sop.title} v{sop.version} · {t(`channels.${ticket.channel}`)} ·{' '}
            {formatTime(ticket.createdAt, i18n.language)} ·{' '}
            <span className={`pill priority-${ticket.priority}`}>{t(`priority.${ticket.priority}`)}</span>{' '}
            <span className={`pill status-${ticket.status}`} data-testid="ticket-status">
              {ticket.status === 'closed' ? t(`outcome.${ticket.outcome ?? 'resolved'}`) : t('status.open')}
            </span>
          </p>
        </div>
        {due !== null && open && (
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
        {elsewhere && assignee && (
          <p className="pill assigned-elsewhere" data-testid="assigned-elsewhere">
            {t('ticket.assignedTo', { name: assignee.name })}
          </p>
        )}
        {!ticket.assigneeId && open && canAct && (
          <button type="button" className="primary" onClick={tk.claim} disabled={tk.busy}>
            {t('ticket.claim')}
          </button>
        )}
      </div>
      <div className="ticket-layout">
        <section className="steps" aria-label={t('ticket.currentSteps')}>
          <div className={`step-cards ${prompt.steps.length > 1 ? 'is-parallel' : ''}`}>
            {prompt.steps.map((s) => (
              <StepCard
                key={s.stepId}
                step={s}
                ticks={tk.ticks[s.stepId] ?? []}
                missing={missing}
                onTick={tk.toggleTick}
                closed={!open || !canAct}
              />
            ))}
          </div>
          <TicketFields
            fields={prompt.fields ?? []}
            values={fieldValues}
            bound={tk.data.bound ?? {}}
            actionLabels={names.actions}
            missing={missing}
            disabled={!open || !canAct}
            onField={tk.setField}
          />
          {open && (
            <ActionBar
              prompt={prompt}
              busy={tk.busy}
              failure={tk.failure}
              canAct={canAct}
              satisfied={satisfied}
              onAct={tk.act}
              onSave={tk.save}
            />
          )}
          {!open && tk.failure && (
            <p className="problem" role="alert" data-testid="problem">
              {problemText(tk.failure.problem, t)}
            </p>
          )}
          <ConversationPanel ticketId={ticket.id} canReply={canAct} templates={templates} />
          <NotesPanel notes={notes} onAdd={tk.note} busy={tk.busy} canAdd={canAct} templates={templates} />
        </section>
        <aside className="side">
          <CustomerPanel customer={customer} ticketId={ticket.id} />
          <WatchersPanel
            ticketId={ticket.id}
            meId={me?.id ?? null}
            canChange={can(me?.role, 'workTickets')}
          />
          {can(me?.role, 'supervise') && <SupervisorPanel view={tk.data} run={tk.run} />}
        </aside>
      </div>
      {help.open && <DeskHelp onClose={help.close} />}
    </div>
  )
}
