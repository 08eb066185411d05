import { Temporal } from '@js-temporal/polyfill'
import './time/time.css'
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CompiledSop, TicketState, TimerRecord } from '../../../engine/index.ts'
import { countdowns, hoursMinutes } from './simulatorCountdowns.ts'

/** The zone the simulated clock is read in: the SOP's calendar's, else UTC. */
function zoneOf(sop: CompiledSop): string {
  const name = sop.document.calendar
  return (name && sop.calendars.get(name)?.timeZone) || 'UTC'
}

/** A datetime-local value in `zone` as epoch ms (null when it is not one). */
export function fromLocalInput(value: string, zone: string): number | null {
  try {
    return Temporal.PlainDateTime.from(value).toZonedDateTime(zone).epochMilliseconds
  } catch {
    return null
  }
}

/** Epoch ms as a datetime-local value in `zone`. */
function toLocalInput(ms: number, zone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).toPlainDateTime().toString({
    smallestUnit: 'minute',
  })
}

/**
 * The simulation's virtual clock: the simulated now, a jump to the next timer or to a chosen time
 * (the engine fires every timer due on the way), and each clock's countdown in its own time.
 */
export function SimulatorClock({
  sop,
  ticket,
  timers,
  now,
  onAdvance,
  onJump,
}: {
  sop: CompiledSop
  ticket: TicketState
  timers: Record<string, TimerRecord>
  now: number
  onAdvance: () => void
  onJump: (to: number) => void
}) {
  const { t, i18n } = useTranslation('designer')
  const zone = zoneOf(sop)
  const id = useId()
  const [target, setTarget] = useState('')
  const [error, setError] = useState('')
  const format = (ms: number) =>
    new Intl.DateTimeFormat(i18n.language, {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: zone,
    }).format(ms)
  const title = (id: string) => sop.steps.get(id)?.title ?? id
  const list = countdowns(sop, ticket, timers, now)
  const what = (c: (typeof list)[number]) => {
    if (c.kind === 'sla') return t('sim.clock.sla', { step: title(c.subject) })
    if (c.kind === 'delay') {
      const tr = c.transitionId ? sop.transitions.get(c.transitionId) : undefined
      return t('sim.clock.delay', { label: tr?.label || `${title(tr?.from ?? '')} → ${title(tr?.to ?? '')}` })
    }
    const metric = t(`time.metrics.${c.subject}`, { defaultValue: c.subject })
    return t(c.kind === 'warning' ? 'sim.clock.warning' : 'sim.clock.policy', { metric })
  }
  const jump = () => {
    const to = fromLocalInput(target, zone)
    if (to === null) return setError(t('sim.clock.chooseTime'))
    if (to < now) return setError(t('sim.clock.notBefore', { now: format(now) }))
    setError('')
    onJump(to)
  }
  return (
    <div className="sim-clock" data-testid="sim-clock">
      <p>
        {t('sim.clock.now')}{' '}
        <strong data-testid="sim-now" data-now={new Date(now).toISOString()}>
          {format(now)}
        </strong>{' '}
        <span className="muted small">({zone})</span>
      </p>
      <div className="row wrap">
        <button
          type="button"
          data-testid="sim-advance"
          disabled={!list.some((c) => !c.paused)}
          onClick={onAdvance}
        >
          ⏩ {t('sim.advance')}
        </button>
      </div>
      <div className="row wrap sim-jump">
        <div>
          <label htmlFor={`${id}-jump`}>{t('sim.clock.jumpTo')}</label>
          <input
            id={`${id}-jump`}
            type="datetime-local"
            name="sim-jump-to"
            value={target || toLocalInput(now, zone)}
            aria-invalid={Boolean(error)}
            onChange={(e) => {
              setTarget(e.target.value)
              setError('')
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault()
                jump()
              }
            }}
          />
        </div>
        <button type="button" data-testid="sim-jump" onClick={jump}>
          {t('sim.clock.jump')}
        </button>
      </div>
      {error && (
        <p className="issue error" role="alert">
          {error}
        </p>
      )}
      {list.length > 0 && (
        <ul className="sim-countdowns small" data-testid="sim-countdowns">
          {list.map((c) => {
            const { hours, minutes } = hoursMinutes(c.leftMs)
            const left = t(c.business ? 'sim.clock.leftBusiness' : 'sim.clock.left', { hours, minutes })
            return (
              <li key={c.id} data-testid="sim-countdown" data-paused={c.paused} data-kind={c.kind}>
                <span>{what(c)}</span>{' '}
                {c.paused ? (
                  <span className="pill paused">
                    ⏸ {t('sim.clock.paused')} · {left}
                  </span>
                ) : (
                  <span>
                    {t('sim.clock.due', { at: format(c.dueAt) })} · {left}
                  </span>
                )}
              </li>
            )
          })}
        </ul>
      )}
    </div>
  )
}
