import type { CompiledSop } from './compile.ts'
import { type Diagnostic, Diagnostics } from './diagnostics.ts'

/**
 * Business-time durations of a compiled SOP that resolve to no calendar: neither their own, nor
 * their team's (`teamCalendars` given at compile time), nor the SOP's. Each is an error-level
 * `business_time_without_calendar` diagnostic naming the step, transition or policy target; a
 * host refuses to publish while there are any.
 */
export function uncoveredBusinessTime(sop: CompiledSop): Diagnostic[] {
  const out = new Diagnostics()
  const doc = sop.document
  const covered = (clock: { time?: string; calendar?: string }) =>
    clock.time !== 'business' || !!clock.calendar || !!doc.calendar || sop.clockCalendars.has(clock)
  const teamOf = (stepId: string) => sop.steps.get(stepId)?.team
  for (const s of doc.steps) {
    if (!s.sla || covered(s.sla)) continue
    const team = teamOf(s.id)
    out.error(
      'business_time_without_calendar',
      team
        ? `Step "${s.id}" counts its SLA in business time, but neither it, its team "${team}" nor the SOP has a calendar`
        : `Step "${s.id}" counts its SLA in business time, but it names no calendar, has no team and the SOP has none`,
      { stepId: s.id, property: 'sla.calendar', params: team ? { team } : {} },
    )
  }
  for (const t of doc.transitions) {
    if (!t.after || covered(t)) continue
    const team = teamOf(t.from)
    out.error(
      'business_time_without_calendar',
      team
        ? `Transition "${t.id}" counts its delay in business time, but neither it, the team "${team}" of step "${t.from}" nor the SOP has a calendar`
        : `Transition "${t.id}" counts its delay in business time, but it names no calendar, step "${t.from}" has no team and the SOP has none`,
      { transitionId: t.id, property: 'calendar', variant: 'delay', params: team ? { team } : {} },
    )
  }
  for (const t of doc.policy?.targets ?? []) {
    if (covered(t)) continue
    const team = teamOf(doc.initial)
    out.error(
      'business_time_without_calendar',
      team
        ? `The ${t.metric} policy counts business time, but neither it, the team "${team}" of the first step nor the SOP has a calendar`
        : `The ${t.metric} policy counts business time, but it names no calendar, the first step has no team and the SOP has none`,
      { property: 'policy', params: team ? { step: t.metric, team } : { step: t.metric } },
    )
  }
  return out.list
}
