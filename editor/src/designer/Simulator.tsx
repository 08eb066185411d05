import { useMachine } from '@xstate/react'
import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  type Calendar,
  calendarsNamed,
  compile,
  type FieldValue,
  paths,
  prompt,
  type SopPath,
  validate,
} from '../../../engine/index.ts'
import { durationText } from './durationText.ts'
import { SimulatorClock } from './SimulatorClock.tsx'
import { logText } from './simulatorLog.ts'
import { simulatorMachine } from './simulatorMachine.ts'
import { calendarData } from './time/useCalendarChoices.ts'
import type { Designer } from './useDesigner.ts'

/** The ids of the calendars a document counts business time in and uses as contact windows. */
function namesIn(doc: unknown): string[] {
  const parsed = validate(doc).document
  return parsed ? calendarsNamed(parsed) : []
}
/** The latest versions of these calendars, from the server. */
async function calendarsFor(names: string[]): Promise<Record<string, Calendar>> {
  return Object.fromEntries(await Promise.all(names.map(async (id) => [id, await calendarData(id)] as const)))
}

/** Runs the SOP as an agent would, inside the designer, with the engine itself. */
export function Simulator({ d, onActive }: { d: Designer; onActive: (ids: string[]) => void }) {
  const { t, i18n } = useTranslation('designer')
  const [snap, send] = useMachine(simulatorMachine)
  const [fields, setFields] = useState<Record<string, FieldValue>>({})
  const [role, setRole] = useState('agent')
  const [loadError, setLoadError] = useState('')
  const { sop, ticket, blocked, log, error, timers } = snap.context
  const p = useMemo(
    () =>
      sop && ticket
        ? prompt(sop, ticket, { id: 'simulator', role }, new Date(snap.context.now).toISOString())
        : null,
    [sop, ticket, role, snap.context.now],
  )
  // The calendars the draft counts in (they are the server's): loaded when the draft names others,
  // and again when a test ticket starts.
  const [calendars, setCalendars] = useState<Record<string, Calendar>>({})
  const named = useMemo(() => (d.valid ? namesIn(d.doc).join(',') : ''), [d.doc, d.valid])
  useEffect(() => {
    let live = true
    if (named)
      calendarsFor(named.split(',')).then(
        (found) => live && setCalendars(found),
        () => {},
      )
    return () => {
      live = false
    }
  }, [named])
  // Paths of the document as it stands, before any test ticket runs.
  const drafted = useMemo(() => {
    try {
      return d.valid ? compile(d.doc, { calendars }) : null
    } catch {
      return null
    }
  }, [d.doc, d.valid, calendars])
  const allPaths = useMemo(() => (drafted ? paths(drafted, { limit: 200 }) : []), [drafted])
  const active = p?.steps.map((s) => s.stepId) ?? []
  const activeKey = active.join(',')
  useEffect(() => onActive(activeKey ? activeKey.split(',') : []), [activeKey, onActive])

  const zone = (sop?.document.calendar && sop.calendars.get(sop.document.calendar)?.timeZone) || 'UTC'
  const timeOf = (ms: number) =>
    new Intl.DateTimeFormat(i18n.language, {
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: zone,
    }).format(ms)
  const ticks = Object.fromEntries(
    (p?.steps ?? []).map((s) => [s.stepId, s.checklist.filter((c) => c.required).map((c) => c.id)]),
  )
  /** Starts a test ticket of the draft, with the calendars it names; false when they could not be loaded. */
  const begin = async () => {
    const document = d.doc
    try {
      const found = await calendarsFor(namesIn(document))
      setCalendars(found)
      setLoadError('')
      send({ type: 'START', document, calendars: found })
      return true
    } catch {
      setLoadError(t('sim.calendarsFailed'))
      return false
    }
  }
  const play = async (path: SopPath) => {
    send({ type: 'RESET' })
    if (!(await begin())) return
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
        <button type="button" className="primary" disabled={!d.valid} onClick={() => void begin()}>
          ▶ {t('sim.start')}
        </button>
      )}
      {!d.valid && snap.matches('idle') && <p className="muted small">{t('sim.fixFirst')}</p>}
      {error && <p className="error">{error}</p>}
      {loadError && (
        <p className="error" role="alert">
          {loadError}
        </p>
      )}
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
          </div>
          {sop && ticket && (
            <SimulatorClock
              sop={sop}
              ticket={ticket}
              timers={timers}
              now={snap.context.now}
              onAdvance={() => send({ type: 'ADVANCE' })}
              onJump={(to) => send({ type: 'JUMP', to })}
            />
          )}
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
            <li key={i} data-time={timeOf(l.at)}>
              {logText(t, l, sop.document, i18n.language)}
            </li>
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
                <button type="button" className="link" onClick={() => void play(path)}>
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
