import { businessMsBetween } from './businessTime.ts'
import type { CompiledSop } from './compile.ts'
import type { Step } from './document.ts'
import { calendarOf, dueAfterMs } from './due.ts'
import type { TicketState, TimerRecord } from './types.ts'

/**
 * SLA clocks that pause: while a wait step with `pausesClocks` is active, the SLAs of the ticket's
 * other active steps stop counting; when no such step is active any more they resume, due later by
 * the open time (in their own calendar) they lay paused, under a new timer id.
 */

type Entry = TicketState['active'][string]

/** Whether a step pauses the ticket's clocks while active. */
export function pausesClocks(step: Step | undefined): boolean {
  return step?.kind === 'wait' && step.pausesClocks === true
}

/** Whether any of these active steps pauses the clocks. */
export function clocksPaused(sop: CompiledSop, active: Iterable<string>): boolean {
  for (const id of active) if (pausesClocks(sop.steps.get(id))) return true
  return false
}

/** An SLA timer's id: `sla:<step>:<entry seq>`, with `@<seq>` of the record that last resumed it. */
export function slaTimerId(stepId: string, entry: Entry): string {
  return `sla:${stepId}:${entry.seq}${entry.resumed === undefined ? '' : `@${entry.resumed}`}`
}

/** When an active step's SLA falls due, its paused time added (the step must have an SLA). */
export function slaDueMs(
  sop: CompiledSop,
  step: Step,
  entry: Entry,
  pausedSince?: string,
  now?: string,
): number {
  const sla = step.sla!
  let paused = entry.pausedMs ?? 0
  if (pausedSince && now && !pausesClocks(step)) paused += pausedBetween(sop, step, entry, pausedSince, now)
  return dueAfterMs(sop, Date.parse(entry.enteredAt), sla.due, sla, paused)
}

function pausedBetween(sop: CompiledSop, step: Step, entry: Entry, pausedSince: string, now: string): number {
  const from = Math.max(Date.parse(pausedSince), Date.parse(entry.enteredAt))
  return businessMsBetween(calendarOf(sop, step.sla), from, Date.parse(now))
}

/** Whether this step's SLA is held while the clocks are paused. */
export function slaHeld(sop: CompiledSop, stepId: string, paused: boolean): boolean {
  const step = sop.steps.get(stepId)
  return paused && Boolean(step?.sla) && !pausesClocks(step)
}

/**
 * Pauses or resumes the clocks as a record changes the active steps: on pausing, the running SLA
 * timers of steps entered earlier are cancelled; on resuming, every held SLA adds the open time it
 * lay paused and is scheduled again under a new id. Mutates `active`.
 */
export function updateClocks(
  sop: CompiledSop,
  before: TicketState,
  active: TicketState['active'],
  seq: number,
  now: string,
  closed: boolean,
): { pausedSince: string | undefined; schedule: TimerRecord[]; cancel: string[] } {
  const schedule: TimerRecord[] = []
  const cancel: string[] = []
  const was = before.pausedSince
  const paused = !closed && clocksPaused(sop, Object.keys(active))
  if (!was && paused) {
    for (const [id, entry] of Object.entries(active)) {
      if (entry.seq !== seq && slaHeld(sop, id, true)) cancel.push(slaTimerId(id, entry))
    }
    return { pausedSince: now, schedule, cancel }
  }
  if (was && !paused) {
    for (const [id, entry] of Object.entries(active)) {
      if (entry.seq === seq || !slaHeld(sop, id, true) || closed) continue
      const step = sop.steps.get(id)!
      const next: Entry = {
        ...entry,
        pausedMs: (entry.pausedMs ?? 0) + pausedBetween(sop, step, entry, was, now),
        resumed: seq,
      }
      active[id] = next
      schedule.push({
        id: slaTimerId(id, next),
        kind: 'sla',
        stepId: id,
        transitionId: null,
        dueAt: new Date(slaDueMs(sop, step, next)).toISOString(),
      })
    }
    return { pausedSince: undefined, schedule, cancel }
  }
  return { pausedSince: paused ? was : undefined, schedule, cancel }
}
