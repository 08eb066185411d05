import { addBusinessMs, businessMsBetween } from './businessTime.ts'
import type { CompiledSop } from './compile.ts'
import type { SopDocument, Transition } from './document.ts'
import { calendarOf, dueAfterMs } from './due.ts'
import { parseDuration } from './duration.ts'
import type { FieldValue, Priority, TicketState, TimerRecord } from './types.ts'

/**
 * Ticket-level SLA policy clocks: first reply (from the ticket's start to the first action marked
 * `reply`), next reply (from an action marked `customerMessage` to the next reply) and resolution
 * (from the start to the end). Each counts against the first target of its metric for the ticket's
 * priority and channel, pauses with the step SLAs, and fires once: a breach stops it. A target
 * with `warnAt` also warns once, when that share of it has passed.
 */

export const POLICY_METRICS = ['first_reply', 'next_reply', 'resolution'] as const
export type PolicyMetric = (typeof POLICY_METRICS)[number]
export type PolicyTarget = NonNullable<SopDocument['policy']>['targets'][number]
type Clock = NonNullable<TicketState['policy']>[string]

/** The ticket's channel: the value of the field bound to `ticket.channel`, if the SOP has one. */
export function channelOf(sop: CompiledSop, fields: Record<string, FieldValue>): string | null {
  const field = sop.document.fields.find((f) => f.bind === 'ticket.channel')
  const value = field ? fields[field.name] : null
  return typeof value === 'string' && value ? value : null
}

/**
 * The index of the target a metric counts against at a priority and channel (the first that
 * applies), or -1. A target naming channels applies only to a ticket from one of them.
 */
export function policyTargetIndex(
  sop: CompiledSop,
  metric: string,
  priority: Priority,
  channel: string | null = null,
): number {
  // Stryker disable next-line ArrayDeclaration: a stray target names no metric, so it is never the one found
  return (sop.document.policy?.targets ?? []).findIndex(
    (t) =>
      t.metric === metric &&
      (!t.priorities || t.priorities.includes(priority)) &&
      // Stryker disable next-line ConditionalExpression: channels are strings, so a null channel is in none of them anyway
      (!t.channels || (channel !== null && t.channels.includes(channel))),
  )
}

const RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 }

/** The priority after a breach that raises it to `to`: never lower than it was. */
export function raisedPriority(current: Priority, to: Priority | undefined): Priority {
  // Stryker disable next-line EqualityOperator: at the same rank `to` is the priority it already has
  return to && RANK[to] > RANK[current] ? to : current
}

/** The target a running clock counts against (chosen when it started). */
export function clockTarget(sop: CompiledSop, clock: Clock): PolicyTarget {
  return sop.document.policy!.targets[clock.target]
}

/** A policy timer's id: `policy:<metric>:<start seq>`, with `@<seq>` of the record that last resumed it. */
export function policyTimerId(metric: string, clock: Clock): string {
  return `policy:${metric}:${clock.seq}${clock.resumed === undefined ? '' : `@${clock.resumed}`}`
}

/** A policy warning timer's id: `warn:<metric>:<start seq>`, with `@<seq>` as for the breach timer. */
export function warnTimerId(metric: string, clock: Clock): string {
  return `warn${policyTimerId(metric, clock).slice('policy'.length)}`
}

/** When a policy clock falls due, its paused time added. */
export function policyDueMs(sop: CompiledSop, target: PolicyTarget, clock: Clock): number {
  return dueAfterMs(sop, Date.parse(clock.enteredAt), target.due, target, clock.pausedMs ?? 0)
}

/** When a policy clock warns: `warnAt` of its target counted the same way, its paused time added. */
export function warnDueMs(sop: CompiledSop, target: PolicyTarget, clock: Clock): number {
  const share = Math.round(parseDuration(target.due) * (target.warnAt ?? 1))
  return addBusinessMs(calendarOf(sop, target), Date.parse(clock.enteredAt), share + (clock.pausedMs ?? 0))
}

/** The timers a running, unpaused clock has: its breach, and its warning until that has fired. */
function timers(sop: CompiledSop, metric: string, target: PolicyTarget, clock: Clock): TimerRecord[] {
  const out: TimerRecord[] = []
  if (target.warnAt !== undefined && !clock.warned)
    out.push({
      id: warnTimerId(metric, clock),
      kind: 'policy',
      stepId: metric,
      transitionId: null,
      dueAt: new Date(warnDueMs(sop, target, clock)).toISOString(),
    })
  out.push({
    id: policyTimerId(metric, clock),
    kind: 'policy',
    stepId: metric,
    transitionId: null,
    dueAt: new Date(policyDueMs(sop, target, clock)).toISOString(),
  })
  return out
}

/** The ids of the timers a running clock has scheduled (none while paused). */
function timerIds(sop: CompiledSop, metric: string, clock: Clock): string[] {
  return timers(sop, metric, clockTarget(sop, clock), clock).map((t) => t.id)
}

export interface PolicyChange {
  kind: 'start' | 'action' | 'timer' | 'override' | 'update' | 'reopen'
  now: string
  seq: number
  taken: readonly Transition[]
  /** The policy timer that fired with this record, if any. */
  firedTimer: string | null
  closed: boolean
  priority: Priority
  /** The ticket's field values after the record (the channel is read from them). */
  fields: Record<string, FieldValue>
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
    for (const id of timerIds(sop, metric, clock)) if (id !== change.firedTimer) cancel.push(id)
    delete clocks[metric]
  }
  if (change.firedTimer) {
    const metric = change.firedTimer.split(':')[1]
    const clock = clocks[metric]
    if (change.firedTimer.startsWith('warn:') && clock) clocks[metric] = { ...clock, warned: true }
    else delete clocks[metric]
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
      for (const [metric, clock] of Object.entries(clocks)) cancel.push(...timerIds(sop, metric, clock))
    } else if (change.pausedBefore && !change.pausedAfter) {
      for (const [metric, clock] of Object.entries(clocks)) {
        const target = clockTarget(sop, clock)
        const from = Math.max(Date.parse(change.pausedBefore), Date.parse(clock.enteredAt))
        const paused = businessMsBetween(calendarOf(sop, target), from, Date.parse(change.now))
        const next: Clock = { ...clock, pausedMs: (clock.pausedMs ?? 0) + paused, resumed: change.seq }
        clocks[metric] = next
        schedule.push(...timers(sop, metric, target, next))
      }
    }
  }
  const begin = (metric: PolicyMetric) => {
    const index = policyTargetIndex(sop, metric, change.priority, channelOf(sop, change.fields))
    if (index < 0 || clocks[metric] || change.closed) return
    const clock: Clock = { enteredAt: change.now, seq: change.seq, target: index }
    clocks[metric] = clock
    if (!change.pausedAfter) schedule.push(...timers(sop, metric, clockTarget(sop, clock), clock))
  }
  if (change.kind === 'start') {
    begin('first_reply')
    begin('resolution')
  }
  // A reopened ticket owes the customer a reply and a resolution again.
  if (change.kind === 'reopen') {
    begin('next_reply')
    begin('resolution')
  }
  if (change.taken.some((t) => t.customerMessage) && !clocks.first_reply) begin('next_reply')
  return { policy: Object.keys(clocks).length ? clocks : undefined, schedule, cancel }
}
