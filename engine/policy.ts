import { businessMsBetween } from './businessTime.ts'
import type { CompiledSop } from './compile.ts'
import type { SopDocument, Transition } from './document.ts'
import { calendarOf, dueAfterMs } from './due.ts'
import type { Priority, TicketState, TimerRecord } from './types.ts'

/**
 * Ticket-level SLA policy clocks: first reply (from the ticket's start to the first action marked
 * `reply`), next reply (from an action marked `customerMessage` to the next reply) and resolution
 * (from the start to the end). Each counts against the first target of its metric for the ticket's
 * priority, pauses with the step SLAs, and fires once: a breach stops it.
 */

export const POLICY_METRICS = ['first_reply', 'next_reply', 'resolution'] as const
export type PolicyMetric = (typeof POLICY_METRICS)[number]
export type PolicyTarget = NonNullable<SopDocument['policy']>['targets'][number]
type Clock = NonNullable<TicketState['policy']>[string]

/** The index of the target a metric counts against at a priority (the first that applies), or -1. */
export function policyTargetIndex(sop: CompiledSop, metric: string, priority: Priority): number {
  // Stryker disable next-line ArrayDeclaration: a list of anything but targets holds no target of the metric either
  return (sop.document.policy?.targets ?? []).findIndex(
    (t) => t.metric === metric && (!t.priorities || t.priorities.includes(priority)),
  )
}

/** The target a running clock counts against (chosen when it started). */
export function clockTarget(sop: CompiledSop, clock: Clock): PolicyTarget {
  return sop.document.policy!.targets[clock.target]
}

/** A policy timer's id: `policy:<metric>:<start seq>`, with `@<seq>` of the record that last resumed it. */
export function policyTimerId(metric: string, clock: Clock): string {
  return `policy:${metric}:${clock.seq}${clock.resumed === undefined ? '' : `@${clock.resumed}`}`
}

/** When a policy clock falls due, its paused time added. */
export function policyDueMs(sop: CompiledSop, target: PolicyTarget, clock: Clock): number {
  return dueAfterMs(sop, Date.parse(clock.enteredAt), target.due, target, clock.pausedMs ?? 0)
}

function timer(sop: CompiledSop, metric: string, target: PolicyTarget, clock: Clock): TimerRecord {
  return {
    id: policyTimerId(metric, clock),
    kind: 'policy',
    stepId: metric,
    transitionId: null,
    dueAt: new Date(policyDueMs(sop, target, clock)).toISOString(),
  }
}

export interface PolicyChange {
  kind: 'start' | 'action' | 'timer' | 'override' | 'update'
  now: string
  seq: number
  taken: readonly Transition[]
  /** The policy timer that fired with this record, if any. */
  firedTimer: string | null
  closed: boolean
  priority: Priority
  /** When the clocks were paused before this record, and whether they are paused after it. */
  pausedBefore: string | undefined
  pausedAfter: boolean
}

/** The policy clocks after a record, and the timers to schedule and cancel. */
export function updatePolicy(
  sop: CompiledSop,
  before: TicketState['policy'],
  change: PolicyChange,
): { policy: TicketState['policy']; schedule: TimerRecord[]; cancel: string[] } {
  const schedule: TimerRecord[] = []
  const cancel: string[] = []
  // Stryker disable next-line ConditionalExpression: a ticket under an SOP without a policy has no policy clocks, so the rest finds nothing to do
  if (!sop.document.policy?.targets.length) return { policy: before, schedule, cancel }
  const clocks: Record<string, Clock> = { ...(before ?? {}) }
  const stop = (metric: string) => {
    const clock = clocks[metric]
    if (!clock) return
    const id = policyTimerId(metric, clock)
    // Stryker disable next-line ConditionalExpression: the clock whose timer fired is removed before any clock is stopped, so this never meets it
    if (id !== change.firedTimer) cancel.push(id)
    delete clocks[metric]
  }
  if (change.firedTimer) {
    const metric = change.firedTimer.split(':')[1]
    delete clocks[metric]
  }
  if (change.closed) for (const metric of Object.keys(clocks)) stop(metric)
  const replied = change.taken.some((t) => t.reply)
  if (replied) {
    stop('first_reply')
    stop('next_reply')
  }
  // Pausing and resuming the clocks that were already running.
  // Stryker disable next-line ConditionalExpression: a closing ticket has stopped every clock above, so there is none left to pause or resume
  if (!change.closed) {
    if (!change.pausedBefore && change.pausedAfter) {
      for (const [metric, clock] of Object.entries(clocks)) cancel.push(policyTimerId(metric, clock))
    } else if (change.pausedBefore && !change.pausedAfter) {
      for (const [metric, clock] of Object.entries(clocks)) {
        const target = clockTarget(sop, clock)
        const from = Math.max(Date.parse(change.pausedBefore), Date.parse(clock.enteredAt))
        const paused = businessMsBetween(calendarOf(sop, target), from, Date.parse(change.now))
        const next: Clock = { ...clock, pausedMs: (clock.pausedMs ?? 0) + paused, resumed: change.seq }
        clocks[metric] = next
        schedule.push(timer(sop, metric, target, next))
      }
    }
  }
  const begin = (metric: PolicyMetric) => {
    const index = policyTargetIndex(sop, metric, change.priority)
    if (index < 0 || clocks[metric] || change.closed) return
    const clock: Clock = { enteredAt: change.now, seq: change.seq, target: index }
    clocks[metric] = clock
    if (!change.pausedAfter) schedule.push(timer(sop, metric, clockTarget(sop, clock), clock))
  }
  if (change.kind === 'start') {
    begin('first_reply')
    begin('resolution')
  }
  if (change.taken.some((t) => t.customerMessage) && !clocks.first_reply) begin('next_reply')
  return { policy: Object.keys(clocks).length ? clocks : undefined, schedule, cancel }
}
