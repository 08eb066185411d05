import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { ActionPrompt, Rejection, TicketPrompt } from '../../../engine/index.ts'
import { problemText } from '../ui/problemText.ts'
import { describeRejection, promptNames } from './describeRejection.ts'
import type { Failure } from './useTicket.ts'

/**
 * The actions the SOP allows now, numbered for the keyboard (1–9); the step's main way forward is
 * the primary button, leaving it unfinished (cancel, escalate) looks like a danger. A blocked or a
 * refused action says why beside it, in the reader's language; the condition is under "details".
 */
function ActionBarView(props: {
  prompt: TicketPrompt
  busy: boolean
  failure: Failure | null
  canAct: boolean
  satisfied: (id: string) => boolean
  onAct: (a: string) => void
  onSave: () => void
}) {
  const { t } = useTranslation('console')
  const { failure, prompt } = props
  const refused = failure?.problem.rejection as Rejection | undefined
  const general = failure && !(failure.action && prompt.actions.some((a) => a.action === failure.action))
  return (
    <section className="card actions" aria-label={t('ticket.actions')} id="action-bar" tabIndex={-1}>
      <h3>{t('ticket.actions')}</h3>
      {general && failure && (
        <div className="problem" role="alert" data-testid="problem">
          {problemText(failure.problem, t, promptNames(prompt))}
        </div>
      )}
      <ol className="action-list">
        {prompt.actions.map((a, i) => (
          <ActionRow
            key={`${a.stepId}:${a.action}`}
            a={a}
            n={i + 1}
            prompt={prompt}
            busy={props.busy || !props.canAct}
            refusal={failure?.action === a.action ? (refused ?? null) : null}
            failure={failure?.action === a.action ? failure : null}
            satisfied={props.satisfied}
            onAct={props.onAct}
          />
        ))}
      </ol>
      {prompt.pending.length > 0 && (
        <p className="muted small">
          {prompt.pending.map((p) => `${p.label}: ${new Date(p.dueAt).toLocaleString()}`).join(' · ')}
        </p>
      )}
      {props.canAct && (
        <button type="button" onClick={props.onSave} disabled={props.busy}>
          {t('ticket.save')}
        </button>
      )}
    </section>
  )
}

export const ActionBar = memo(ActionBarView)

function ActionRow(props: {
  a: ActionPrompt
  n: number
  prompt: TicketPrompt
  busy: boolean
  refusal: Rejection | null
  failure: Failure | null
  satisfied: (id: string) => boolean
  onAct: (a: string) => void
}) {
  const { t } = useTranslation('console')
  const { a, prompt } = props
  const reason = props.refusal ?? a.blocked
  const wrongRole = a.blocked?.code === 'role_not_permitted'
  const text = props.refusal
    ? describeRejection(props.refusal, prompt, t, a.action)
    : props.failure
      ? problemText(props.failure.problem, t, promptNames(prompt))
      : a.blocked
        ? describeRejection(a.blocked, prompt, t, a.action, props.satisfied)
        : null
  const guards = reason?.guards ?? []
  return (
    <li className={`action tone-${a.tone}`}>
      <button
        type="button"
        className={a.tone === 'primary' ? 'primary' : a.tone === 'danger' ? 'danger' : 'secondary'}
        disabled={props.busy || wrongRole}
        data-action={a.action}
        data-key={props.n <= 9 ? props.n : undefined}
        onClick={() => props.onAct(a.action)}
      >
        {props.n <= 9 && (
          <span className="key" aria-hidden="true">
            {props.n}
          </span>
        )}
        {a.label}
      </button>
      {text && (
        <span
          className={`blocked small ${props.refusal || props.failure ? 'is-refused' : ''}`}
          role={props.refusal || props.failure ? 'alert' : undefined}
          data-testid={props.refusal || props.failure ? 'problem' : `blocked-${a.action}`}
        >
          {text}
          {guards.length > 0 && (
            <details className="details">
              <summary>{t('blocked.details')}</summary>
              <code>{guards.map((g) => g.guard).join(' · ')}</code>
            </details>
          )}
        </span>
      )}
    </li>
  )
}
