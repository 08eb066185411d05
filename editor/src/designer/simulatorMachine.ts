import { assign, setup } from 'xstate'
import {
  type Accepted,
  type Calendar,
  type CompiledSop,
  compile,
  decide,
  type FieldValue,
  type Rejection,
  SYSTEM_ACTOR,
  start,
  type TicketState,
  type TimerRecord,
} from '../../../engine/index.ts'

/** One line of the simulation's log, in ids; the panel words it with titles and labels. */
export interface LogEntry {
  kind: 'start' | 'action' | 'delay' | 'sla' | 'policy' | 'warning'
  /** When it happened on the simulated clock (epoch ms). */
  at: number
  /** The action taken (kind `action`). */
  action?: string
  /** Transitions taken, in order. */
  transitions: string[]
  /** Active steps after it. */
  to: string[]
  /** For timers: the step whose SLA was breached, or the delayed transition's step. */
  stepId?: string
  /** For a breached SLA: where it escalated to (null when it only notifies). */
  escalateTo?: string | null
  notify?: string | null
  /** For a policy breach or warning: the metric (first_reply, next_reply, resolution). */
  metric?: string
  /** For a policy breach or warning: the target's duration (ISO-8601); for a warning, the share passed. */
  due?: string
  share?: number
}

interface Ctx {
  sop: CompiledSop | null
  ticket: TicketState | null
  now: number
  log: LogEntry[]
  /** The timers the engine asked to schedule and has not cancelled or fired, by id. */
  timers: Record<string, TimerRecord>
  blocked: Rejection | null
  error: string | null
}

type Ev =
  /** Starts a test ticket; `calendars` are those its business time and contact windows count in. */
  | { type: 'START'; document: unknown; calendars?: Record<string, Calendar> }
  | {
      type: 'ACT'
      action: string
      fields: Record<string, FieldValue>
      ticks: Record<string, string[]>
      role: string
    }
  /** Fires a timer the engine scheduled (an SLA or a delay), moving the clock to when it is due. */
  | { type: 'TIMER'; timerId: string }
  /** Moves the clock to the next due timer and fires it. */
  | { type: 'ADVANCE' }
  /** Moves the clock to `to` (epoch ms, not before now), firing every timer due by then in order. */
  | { type: 'JUMP'; to: number }
  | { type: 'RESET' }

/** When every test ticket starts: Monday 5 January 2026, 08:00 UTC. */
export const T0 = Date.parse('2026-01-05T08:00:00.000Z')

/** The next timer to fall due (the earliest; by id among equals, as the server fires them). */
export function nextTimer(timers: Record<string, TimerRecord>): TimerRecord | undefined {
  return Object.values(timers).sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id))[0]
}

/** The timers after a decision: its new ones scheduled, its cancelled and fired ones gone. */
function nextTimers(timers: Ctx['timers'], d: Accepted, fired?: string): Ctx['timers'] {
  const out = { ...timers }
  for (const id of d.timers.cancel) delete out[id]
  if (fired) delete out[fired]
  for (const t of d.timers.schedule) out[t.id] = t
  return out
}

/** Fires one timer through the engine, at its due time (or now, if that is later). */
function fire(context: Ctx, timerId: string): Partial<Ctx> {
  const timer = context.timers[timerId]
  const now = Math.max(context.now, timer ? Date.parse(timer.dueAt) : context.now)
  const d = decide(
    context.sop!,
    context.ticket!,
    { kind: 'timer', timerId },
    SYSTEM_ACTOR,
    new Date(now).toISOString(),
  )
  if (!d.ok) return { blocked: d.rejection }
  const breach = d.record.breach
  const metric = d.record.warning?.policy ?? breach?.policy
  const clock = metric ? context.ticket!.policy?.[metric] : undefined
  const entry: LogEntry = {
    kind: d.record.warning ? 'warning' : breach?.policy ? 'policy' : breach ? 'sla' : 'delay',
    at: now,
    metric,
    due: clock ? context.sop!.document.policy?.targets[clock.target]?.due : undefined,
    share: d.record.warning?.at,
    transitions: d.record.transitions,
    to: d.record.to,
    stepId: d.record.breach?.stepId ?? timer?.stepId,
    escalateTo: d.record.breach?.escalateTo,
    notify: d.record.warning ? d.record.warning.notify : d.record.breach?.notify,
  }
  return {
    ticket: d.state,
    now,
    blocked: null,
    timers: nextTimers(context.timers, d, timerId),
    log: [...context.log, entry],
  }
}

/** Moves the clock to `to`, firing the timers due by then one after another, through the engine. */
function jump(context: Ctx, to: number): Partial<Ctx> {
  let ctx = context
  // Each timer fires once; a firing may schedule later ones (a resumed or rescheduled clock).
  for (let i = 0; i < 1000; i++) {
    const next = nextTimer(ctx.timers)
    if (!next || Date.parse(next.dueAt) > to || ctx.ticket?.status === 'closed') break
    const fired = fire(ctx, next.id)
    if (fired.blocked) return { ...fired, ticket: ctx.ticket, now: ctx.now, timers: ctx.timers, log: ctx.log }
    ctx = { ...ctx, ...fired }
  }
  return { ticket: ctx.ticket, timers: ctx.timers, log: ctx.log, blocked: null, now: Math.max(ctx.now, to) }
}

const cleared = { ticket: null, log: [], timers: {}, blocked: null, error: null }

/** The simulator's modes as a statechart: idle → running → finished, with reset. */
export const simulatorMachine = setup({
  types: { context: {} as Ctx, events: {} as Ev },
  guards: { closed: ({ context }) => context.ticket?.status === 'closed' },
}).createMachine({
  id: 'simulator',
  initial: 'idle',
  context: { sop: null, ticket: null, now: T0, log: [], timers: {}, blocked: null, error: null },
  states: {
    idle: {
      on: {
        START: {
          target: 'running',
          actions: assign(({ event }) => {
            try {
              const sop = compile(event.document, { calendars: event.calendars })
              const d = start(sop, {
                actor: { id: 'simulator', role: 'agent' },
                now: new Date(T0).toISOString(),
              })
              if (!d.ok) return { error: d.rejection.message }
              return {
                sop,
                ticket: d.state,
                now: T0,
                log: [{ kind: 'start' as const, at: T0, transitions: d.record.transitions, to: d.record.to }],
                timers: nextTimers({}, d),
                blocked: null,
                error: null,
              }
            } catch (err) {
              return { error: (err as Error).message }
            }
          }),
        },
      },
    },
    running: {
      always: [
        { guard: ({ context }) => Boolean(context.error) || !context.ticket, target: 'idle' },
        { guard: 'closed', target: 'finished' },
      ],
      on: {
        ACT: {
          target: 'running',
          reenter: true,
          actions: assign(({ context, event }) => {
            const now = context.now + 5 * 60_000
            const d = decide(
              context.sop!,
              context.ticket!,
              { kind: 'action', action: event.action, fields: event.fields, ticks: event.ticks },
              { id: 'simulator', role: event.role },
              new Date(now).toISOString(),
            )
            if (!d.ok) return { blocked: d.rejection }
            const entry: LogEntry = {
              kind: 'action',
              at: now,
              action: event.action,
              transitions: d.record.transitions,
              to: d.record.to,
            }
            return {
              ticket: d.state,
              now,
              blocked: null,
              timers: nextTimers(context.timers, d),
              log: [...context.log, entry],
            }
          }),
        },
        TIMER: {
          target: 'running',
          reenter: true,
          actions: assign(({ context, event }) => fire(context, event.timerId)),
        },
        ADVANCE: {
          target: 'running',
          reenter: true,
          actions: assign(({ context }) => {
            const next = nextTimer(context.timers)
            return next ? fire(context, next.id) : {}
          }),
        },
        JUMP: {
          target: 'running',
          reenter: true,
          actions: assign(({ context, event }) => jump(context, event.to)),
        },
        RESET: { target: 'idle', actions: assign(cleared) },
      },
    },
    finished: {
      on: { RESET: { target: 'idle', actions: assign(cleared) } },
    },
  },
})
