import {
  businessMsBetween,
  type CompiledSop,
  calendarOf,
  clockTarget,
  type DurationClock,
  dueAfterMs,
  slaDueMs,
  slaHeld,
  type TicketState,
  type TimerRecord,
} from '../../../engine/index.ts'

/** A clock of the simulated ticket: what falls due, when, and how much of its time is left. */
export interface Countdown {
  /** The timer's id (for a paused clock: `paused:<step or metric>`). */
  id: string
  kind: 'sla' | 'delay' | 'policy' | 'warning'
  /** The step (SLA, delay) or metric (policy, warning) concerned. */
  subject: string
  transitionId: string | null
  /** When it falls due (for a paused clock: if it resumed now). */
  dueAt: number
  /** Time left, in the clock's own time: open hours of its calendar for business time. */
  leftMs: number
  business: boolean
  paused: boolean
}

/** How a timer's duration counts (its step's SLA, its delay, or its policy target). */
function clockOf(sop: CompiledSop, ticket: TicketState, timer: TimerRecord): DurationClock | undefined {
  if (timer.kind === 'sla') return sop.steps.get(timer.stepId)?.sla
  if (timer.kind === 'delay') return timer.transitionId ? sop.transitions.get(timer.transitionId) : undefined
  const clock = ticket.policy?.[timer.stepId]
  return clock ? clockTarget(sop, clock) : undefined
}

function left(sop: CompiledSop, clock: DurationClock | undefined, now: number, due: number): number {
  if (due <= now) return 0
  return clock?.time === 'business' ? businessMsBetween(calendarOf(sop, clock), now, due) : due - now
}

/**
 * The simulated ticket's countdowns at `now`, soonest first: its scheduled timers, then the clocks
 * a pausing wait step holds (they have no timer until they resume).
 */
export function countdowns(
  sop: CompiledSop,
  ticket: TicketState,
  timers: Record<string, TimerRecord>,
  now: number,
): Countdown[] {
  const out: Countdown[] = []
  for (const timer of Object.values(timers)) {
    const clock = clockOf(sop, ticket, timer)
    const due = Date.parse(timer.dueAt)
    out.push({
      id: timer.id,
      kind: timer.kind === 'policy' && timer.id.startsWith('warn:') ? 'warning' : timer.kind,
      subject: timer.stepId,
      transitionId: timer.transitionId,
      dueAt: due,
      leftMs: left(sop, clock, now, due),
      business: clock?.time === 'business',
      paused: false,
    })
  }
  const since = ticket.pausedSince
  if (since && ticket.status === 'open') {
    const iso = new Date(now).toISOString()
    for (const [id, entry] of Object.entries(ticket.active)) {
      const step = sop.steps.get(id)
      if (!step?.sla || !slaHeld(sop, id, true)) continue
      const due = slaDueMs(sop, step, entry, since, iso)
      out.push({
        id: `paused:${id}`,
        kind: 'sla',
        subject: id,
        transitionId: null,
        dueAt: due,
        leftMs: left(sop, step.sla, now, due),
        business: step.sla.time === 'business',
        paused: true,
      })
    }
    for (const [metric, clock] of Object.entries(ticket.policy ?? {})) {
      const target = clockTarget(sop, clock)
      const from = Math.max(Date.parse(since), Date.parse(clock.enteredAt))
      const held = businessMsBetween(calendarOf(sop, target), from, now)
      const due = dueAfterMs(
        sop,
        Date.parse(clock.enteredAt),
        target.due,
        target,
        (clock.pausedMs ?? 0) + held,
      )
      out.push({
        id: `paused:${metric}`,
        kind: 'policy',
        subject: metric,
        transitionId: null,
        dueAt: due,
        leftMs: left(sop, target, now, due),
        business: target.time === 'business',
        paused: true,
      })
    }
  }
  return out.sort((a, b) => a.dueAt - b.dueAt || a.id.localeCompare(b.id))
}

/** Milliseconds as hours and minutes ("2 h 05 min" style parts): whole hours and the remaining minutes. */
export function hoursMinutes(ms: number): { hours: number; minutes: number } {
  const minutes = Math.ceil(ms / 60_000)
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60 }
}
