import { assign, setup } from 'xstate'
import {
  type Accepted,
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
  kind: 'start' | 'action' | 'delay' | 'sla'
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
  | { type: 'START'; document: unknown }
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
  | { type: 'RESET' }

const T0 = Date.parse('2026-01-05T08:00:00.000Z')

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
  const entry: LogEntry = {
    kind: d.record.breach ? 'sla' : 'delay',
    transitions: d.record.transitions,
    to: d.record.to,
    stepId: d.record.breach?.stepId ?? timer?.stepId,
    escalateTo: d.record.breach?.escalateTo,
    notify: d.record.breach?.notify,
  }
  return {
    ticket: d.state,
    now,
    blocked: null,
    timers: nextTimers(context.timers, d, timerId),
    log: [...context.log, entry],
  }
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
              const sop = compile(event.document)
              const d = start(sop, {
                actor: { id: 'simulator', role: 'agent' },
                now: new Date(T0).toISOString(),
              })
              if (!d.ok) return { error: d.rejection.message }
              return {
                sop,
                ticket: d.state,
                now: T0,
                log: [{ kind: 'start' as const, transitions: d.record.transitions, to: d.record.to }],
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
            const next = Object.values(context.timers).sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0]
            return next ? fire(context, next.id) : {}
          }),
        },
        RESET: { target: 'idle', actions: assign(cleared) },
      },
    },
    finished: {
      on: { RESET: { target: 'idle', actions: assign(cleared) } },
    },
  },
})
