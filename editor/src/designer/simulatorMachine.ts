import { assign, setup } from 'xstate'
import {
  type CompiledSop,
  compile,
  decide,
  type FieldValue,
  parseDuration,
  type Rejection,
  SYSTEM_ACTOR,
  start,
  type TicketState,
} from '../../../engine/index.ts'

interface Ctx {
  sop: CompiledSop | null
  ticket: TicketState | null
  now: number
  log: string[]
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
  | { type: 'TIMER'; timerId: string }
  | { type: 'RESET' }

const T0 = Date.parse('2026-01-05T08:00:00.000Z')

/** The simulator's modes as a statechart: idle → running → finished, with reset. */
export const simulatorMachine = setup({
  types: { context: {} as Ctx, events: {} as Ev },
  guards: { closed: ({ context }) => context.ticket?.status === 'closed' },
}).createMachine({
  id: 'simulator',
  initial: 'idle',
  context: { sop: null, ticket: null, now: T0, log: [], blocked: null, error: null },
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
                log: [d.record.to.join(', ')],
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
            return {
              ticket: d.state,
              now,
              blocked: null,
              log: [...context.log, `${event.action} → ${d.record.to.join(', ')}`],
            }
          }),
        },
        TIMER: {
          target: 'running',
          reenter: true,
          actions: assign(({ context, event }) => {
            const m = /^(sla|delay):([^:]+):/.exec(event.timerId)
            const t = m?.[1] === 'delay' ? context.sop!.transitions.get(m[2]) : null
            const step = m?.[1] === 'sla' ? context.sop!.steps.get(m[2]) : null
            const entry = context.ticket!.active[t?.from ?? step?.id ?? '']
            const dur = t?.after ?? step?.sla?.due
            const due = entry && dur ? Date.parse(entry.enteredAt) + parseDuration(dur) : context.now
            const now = Math.max(context.now, due)
            const d = decide(
              context.sop!,
              context.ticket!,
              { kind: 'timer', timerId: event.timerId },
              SYSTEM_ACTOR,
              new Date(now).toISOString(),
            )
            if (!d.ok) return { blocked: d.rejection }
            return {
              ticket: d.state,
              now,
              blocked: null,
              log: [...context.log, `⏱ ${event.timerId} → ${d.record.to.join(', ')}`],
            }
          }),
        },
        RESET: { target: 'idle', actions: assign({ ticket: null, log: [], blocked: null, error: null }) },
      },
    },
    finished: {
      on: {
        RESET: { target: 'idle', actions: assign({ ticket: null, log: [], blocked: null, error: null }) },
      },
    },
  },
})
