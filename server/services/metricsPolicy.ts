import {
  ALWAYS_OPEN,
  type Calendar,
  type CompiledSop,
  calendarOf,
  channelOf,
  POLICY_METRICS,
  type PolicyMetric,
  policyTargetIndex,
  type TransitionRecord,
} from '../../engine/index.ts'
import type { AuditRow } from '../storage/types.ts'

/**
 * How each ticket-level policy target fared: of the tickets it applied to, how many breached it.
 * First reply and resolution apply to a ticket when its SOP has a target for the priority and
 * channel it started with; next reply applies once the customer wrote (an action marked
 * `customerMessage`) after first reply stopped, while such a target exists.
 */
export interface PolicyFigure {
  /** Tickets the target applied to. */
  tickets: number
  /** Of them, tickets that breached it at least once. */
  breached: number
  /** `breached / tickets` (null when it applied to none). */
  rate: number | null
}
export type PolicyFigures = Record<PolicyMetric, PolicyFigure>

/**
 * The calendar the time a step took counts in: its SLA's when that counts business time (its own,
 * its team's or the SOP's, as the SLA was counted), else its team's (pinned with the version),
 * else the SOP's, else wall-clock time.
 */
export function calendarOfStep(sop: CompiledSop, stepId: string): Calendar {
  const step = sop.steps.get(stepId)
  if (step?.sla?.time === 'business') return calendarOf(sop, step.sla)
  const id = (step?.team && sop.teamCalendars.get(step.team)) || sop.document.calendar
  return (id && sop.calendars.get(id)) || ALWAYS_OPEN
}

/**
 * The calendar a ticket's first-reply or resolution time counts in: the calendar the policy target
 * it started under counted in, when that counts business time; else the first step's.
 */
export function calendarOfMetric(
  sop: CompiledSop,
  metric: 'first_reply' | 'resolution',
  audit: AuditRow[],
): Calendar {
  const first = audit.map(recordOf).find((r) => r !== null)
  if (first?.kind === 'start') {
    const index = policyTargetIndex(sop, metric, first.priority ?? 'normal', channelOf(sop, first.input))
    const target = sop.document.policy?.targets[index]
    if (target?.time === 'business') return calendarOf(sop, target)
  }
  return calendarOfStep(sop, sop.document.initial)
}

const recordOf = (a: AuditRow) => (a.payload as { record?: TransitionRecord } | null)?.record ?? null

/** Tallies the policy figures over tickets, one `add` per ticket. */
export function policyTally(): {
  add(sop: CompiledSop, audit: AuditRow[]): void
  figures(): PolicyFigures | undefined
} {
  const counts = Object.fromEntries(POLICY_METRICS.map((m) => [m, { tickets: 0, breached: 0 }])) as Record<
    PolicyMetric,
    { tickets: number; breached: number }
  >
  let any = false
  return {
    add(sop, audit) {
      if (!sop.document.policy?.targets.length) return
      any = true
      const records = audit.map(recordOf).filter((r): r is TransitionRecord => r !== null)
      const first = records[0]
      if (first?.kind !== 'start') return
      const priority = first.priority ?? 'normal'
      const channel = channelOf(sop, first.input)
      const applies = new Set<PolicyMetric>()
      for (const metric of ['first_reply', 'resolution'] as const)
        if (policyTargetIndex(sop, metric, priority, channel) >= 0) applies.add(metric)
      // As the engine does: a customer message starts next reply only once first reply has stopped.
      let firstRunning = applies.has('first_reply')
      let wrote = false
      for (const r of records) {
        const taken = r.transitions.map((id) => sop.transitions.get(id))
        if (r.breach?.policy === 'first_reply' || taken.some((t) => t?.reply)) firstRunning = false
        if (!firstRunning && taken.some((t) => t?.customerMessage)) wrote = true
      }
      if (wrote && policyTargetIndex(sop, 'next_reply', priority, channel) >= 0) applies.add('next_reply')
      // Stryker disable next-line ArrayDeclaration: an entry for a breach of no policy target names no metric, so it is never looked up
      const breached = new Set(records.flatMap((r) => (r.breach?.policy ? [r.breach.policy] : [])))
      for (const metric of applies) {
        counts[metric].tickets++
        if (breached.has(metric)) counts[metric].breached++
      }
    },
    figures() {
      if (!any) return undefined
      return Object.fromEntries(
        POLICY_METRICS.map((m) => {
          const c = counts[m]
          return [m, { ...c, rate: c.tickets ? c.breached / c.tickets : null }]
        }),
      ) as PolicyFigures
    },
  }
}
