import { useMachine } from '@xstate/react'
import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { compile, type FieldValue, paths, prompt, type SopPath } from '../../../engine/index.ts'
import { durationText } from './durationText.ts'
import { logText } from './simulatorLog.ts'
import { simulatorMachine } from './simulatorMachine.ts'
import type { Designer } from './useDesigner.ts'

/** Runs the SOP as an agent would, inside the designer, with the engine itself. */
export function Simulator({ d, onActive }: { d: Designer; onActive: (ids: string[]) => void }) {
  const { t, i18n } = useTranslation('designer')
  const [snap, send] = useMachine(simulatorMachine)
  const [fields, setFields] = useState<Record<string, FieldValue>>({})
  const [role, setRole] = useState('agent')
  const { sop, ticket, blocked, log, error, timers } = snap.context
  const p = useMemo(
    () =>
      sop && ticket
        ? prompt(sop, ticket, { id: 'simulator', role }, new Date(snap.context.now).toISOString())
        : null,
    [sop, ticket, role, snap.context.now],
  )
  // Paths of the document as it stands, before any test ticket runs.
  const drafted = useMemo(() => (d.valid ? compile(d.doc) : null), [d.doc, d.valid])
  const allPaths = useMemo(() => (drafted ? paths(drafted, { limit: 200 }) : []), [drafted])
  const active = p?.steps.map((s) => s.stepId) ?? []
  const activeKey = active.join(',')
  useEffect(() => onActive(activeKey ? activeKey.split(',') : []), [activeKey, onActive])

  const ticks = Object.fromEntries(
    (p?.steps ?? []).map((s) => [s.stepId, s.checklist.filter((c) => c.required).map((c) => c.id)]),
  )
  const play = (path: SopPath) => {
    send({ type: 'RESET' })
    send({ type: 'START', document: d.doc })
    for (const step of path.inputs) {
      if (step.input.kind === 'action')
        send({
          type: 'ACT',
          action: step.input.action,
          fields: step.input.fields ?? {},
          ticks: step.input.ticks ?? {},
          role: step.actor.role,
        })
      else if (step.input.kind === 'timer') send({ type: 'TIMER', timerId: step.input.timerId })
    }
  }

  return (
    <section className="simulator" aria-label={t('sim.title')} data-testid="simulator">
      <h3>
        {t('sim.title')} <span className="pill">{t(`sim.state.${String(snap.value)}`)}</span>
      </h3>
      {snap.matches('idle') && (
        <button
          type="button"
          className="primary"
          disabled={!d.valid}
          onClick={() => send({ type: 'START', document: d.doc })}
        >
          ▶ {t('sim.start')}
        </button>
      )}
      {!d.valid && snap.matches('idle') && <p className="muted small">{t('sim.fixFirst')}</p>}
      {error && <p className="error">{error}</p>}
      {p && (
        <>
          <label>
            {t('sim.role')}
            <select value={role} onChange={(e) => setRole(e.target.value)}>
              {['agent', 'senior_agent', 'supervisor'].map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          {p.steps.map((s) => (
            <div key={s.stepId} className="sim-step" data-testid="sim-step">
              <strong>{s.title}</strong>
              {s.requiredFields.map((f) => (
                <label key={f.name}>
                  {f.label}
                  {f.type === 'choice' ? (
                    <select
                      name={`sim-${f.name}`}
                      value={String(fields[f.name] ?? '')}
                      onChange={(e) => setFields({ ...fields, [f.name]: e.target.value })}
                    >
                      <option value="">—</option>
                      {f.options?.map((o) => (
                        <option key={o.value} value={o.value}>
                          {o.label}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input
                      name={`sim-${f.name}`}
                      value={String(fields[f.name] ?? '')}
                      onChange={(e) =>
                        setFields({
                          ...fields,
                          [f.name]: f.type === 'number' ? Number(e.target.value) : e.target.value,
                        })
                      }
                    />
                  )}
                </label>
              ))}
            </div>
          ))}
          <div className="sim-actions">
            {p.actions.map((a) => (
              <button
                key={a.stepId + a.action}
                type="button"
                data-sim-action={a.action}
                onClick={() =>
                  send({
                    type: 'ACT',
                    action: a.action,
                    fields: Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== '')),
                    ticks,
                    role,
                  })
                }
              >
                {a.label}
              </button>
            ))}
            {p.pending.map((x) => {
              const timer = Object.values(timers).find((tm) => tm.transitionId === x.transitionId)
              const after = sop?.transitions.get(x.transitionId)?.after
              return (
                timer && (
                  <button
                    key={x.transitionId}
                    type="button"
                    data-testid="sim-fire-delay"
                    onClick={() => send({ type: 'TIMER', timerId: timer.id })}
                  >
                    ⏱{' '}
                    {t('sim.fireDelay', {
                      label: x.label,
                      after: after ? durationText(after, i18n.language) : '',
                    })}
                  </button>
                )
              )
            })}
            {p.steps.map(
              (s) =>
                s.sla &&
                !s.sla.breached &&
                timers[s.sla.timerId] && (
                  <button
                    key={s.sla.timerId}
                    type="button"
                    className="danger"
                    data-testid="sim-fire-sla"
                    onClick={() => send({ type: 'TIMER', timerId: s.sla!.timerId })}
                  >
                    ⏱ {t('sim.fireSla', { step: s.title, due: durationText(s.sla.due, i18n.language) })}
                  </button>
                ),
            )}
            {Object.keys(timers).length > 0 && (
              <button type="button" data-testid="sim-advance" onClick={() => send({ type: 'ADVANCE' })}>
                ⏩ {t('sim.advance')}
              </button>
            )}
          </div>
          {blocked && (
            <p className="blocked" role="alert" data-testid="sim-blocked">
              {blocked.message}
            </p>
          )}
        </>
      )}
      {snap.matches('finished') && (
        <p className="ok" data-testid="sim-finished">
          ✓ {t('sim.finished', { outcome: ticket?.outcome ?? '' })}
        </p>
      )}
      {!snap.matches('idle') && (
        <button type="button" onClick={() => send({ type: 'RESET' })}>
          ↺ {t('sim.reset')}
        </button>
      )}
      {log.length > 0 && sop && (
        <ol className="sim-log small" data-testid="sim-log">
          {log.map((l, i) => (
            <li key={i}>{logText(t, l, sop.document, i18n.language)}</li>
          ))}
        </ol>
      )}
      {allPaths.length > 0 && (
        <details>
          <summary>{t('sim.paths', { count: allPaths.length })}</summary>
          <ol className="small">
            {allPaths.map((path, i) => (
              <li key={`${i}-${path.endStepId}`}>
                {path.steps.map((id) => drafted?.steps.get(id)?.title ?? id).join(' → ')}{' '}
                <button type="button" className="link" onClick={() => play(path)}>
                  {t('sim.play')}
                </button>
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  )
}
