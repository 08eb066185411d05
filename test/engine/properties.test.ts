import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type Actor,
  type CompiledSop,
  compile,
  decide,
  type FieldValue,
  prompt,
  replay,
  type SopDocumentInput,
  SYSTEM_ACTOR,
  start,
  type TicketInput,
  type TicketState,
  type TransitionRecord,
  validate,
} from '../../engine/index.ts'

const OUTCOMES = ['resolved', 'escalated', 'cancelled', 'no_response'] as const
const ROLES = ['agent', 'senior_agent', 'supervisor']

interface Shape {
  tasks: number
  ends: number
  extra: { from: number; to: number; guard: number }[]
  decisionAfter: number
  waitAfter: number
  roles: number[]
  sla: boolean[]
  group: boolean
}

const shapeArb: fc.Arbitrary<Shape> = fc
  .record({ tasks: fc.integer({ min: 2, max: 7 }), ends: fc.integer({ min: 1, max: 3 }) })
  .chain(({ tasks, ends }) =>
    fc.record({
      tasks: fc.constant(tasks),
      ends: fc.constant(ends),
      extra: fc.array(
        fc.record({
          from: fc.integer({ min: 0, max: tasks - 1 }),
          to: fc.integer({ min: 0, max: tasks + ends - 1 }),
          guard: fc.integer({ min: 0, max: 3 }),
        }),
        { maxLength: 6 },
      ),
      decisionAfter: fc.integer({ min: 0, max: tasks - 1 }),
      waitAfter: fc.integer({ min: 0, max: tasks - 1 }),
      roles: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: tasks, maxLength: tasks }),
      sla: fc.array(fc.boolean(), { minLength: tasks, maxLength: tasks }),
      group: fc.boolean(),
    }),
  )

const GUARDS = ['', 'ticket.level > 2.0', 'ticket.category == "billing"', 'ticket.vip']

/** A valid SOP document of the given shape: a spine of tasks with branches, a decision, a wait and ends. */
function buildDocument(shape: Shape): SopDocumentInput {
  const task = (i: number) => `task${i}`
  const end = (i: number) => `end${i}`
  const target = (n: number) => (n < shape.tasks ? task(n) : end(n - shape.tasks))
  const steps: SopDocumentInput['steps'] = []
  const transitions: SopDocumentInput['transitions'] = []
  for (let i = 0; i < shape.tasks; i++) {
    const r = shape.roles[i]
    steps.push({
      id: task(i),
      kind: 'task',
      title: `Task ${i}`,
      requiredFields: i === 0 ? ['level'] : [],
      checklist: i === 1 ? [{ id: 'c1', text: 'Check', required: true }] : [],
      roles: r === 3 ? [] : [ROLES[r]],
      ...(shape.sla[i] ? { sla: { due: 'PT1H', escalateTo: end(0), notify: 'supervisor' } } : {}),
    })
  }
  for (let i = 0; i < shape.ends; i++)
    steps.push({ id: end(i), kind: 'end', title: `End ${i}`, outcome: OUTCOMES[i % OUTCOMES.length] })
  steps.push({ id: 'route', kind: 'decision', title: 'Route' })
  steps.push({ id: 'waiting', kind: 'wait', title: 'Wait for the customer' })
  for (let i = 0; i < shape.tasks; i++) {
    const next = i === shape.decisionAfter ? 'route' : i === shape.waitAfter ? 'waiting' : target(i + 1)
    transitions.push({ id: `next${i}`, from: task(i), to: next, action: 'next', label: 'Next' })
  }
  for (let i = 0; i < shape.ends; i++) {
    transitions.push({
      id: `close${i}`,
      from: task(shape.tasks - 1),
      to: end(i),
      action: `close${i}`,
      label: `Close ${i}`,
    })
  }
  transitions.push({ id: 'route_high', from: 'route', to: end(0), guard: 'ticket.level > 5.0' })
  const sameStep = shape.decisionAfter === shape.waitAfter
  transitions.push({
    id: 'route_default',
    from: 'route',
    to: sameStep ? 'waiting' : target(shape.decisionAfter + 1),
  })
  transitions.push({
    id: 'wait_reply',
    from: 'waiting',
    to: target(shape.waitAfter + 1),
    action: 'replied',
    label: 'Reply',
  })
  transitions.push({
    id: 'wait_timeout',
    from: 'waiting',
    to: end(shape.ends - 1),
    after: 'PT4H',
    label: 'Timeout',
  })
  shape.extra.forEach((e, n) => {
    transitions.push({
      id: `extra${n}`,
      from: task(e.from),
      to: target(e.to),
      action: `jump${n % 3}`,
      label: `Jump ${n}`,
      ...(GUARDS[e.guard] ? { guard: GUARDS[e.guard] } : {}),
      ...(n % 2 ? { effects: [{ type: 'priority' as const, value: 'high' as const }] } : {}),
    })
  })
  const doc: SopDocumentInput = {
    schema: 'sopflow/v1',
    id: 'generated',
    title: 'Generated SOP',
    department: 'Support',
    purpose: 'Generated for property tests',
    fields: [
      { name: 'level', label: 'Level', type: 'number' },
      {
        name: 'category',
        label: 'Category',
        type: 'choice',
        options: [
          { value: 'billing', label: 'Billing' },
          { value: 'technical', label: 'Technical' },
        ],
      },
      { name: 'vip', label: 'VIP', type: 'boolean' },
    ],
    initial: task(0),
    steps,
    transitions,
  }
  if (shape.group) {
    // Wrap the last task in a group that finishes at its own end step.
    const last = task(shape.tasks - 1)
    const lastStep = steps.find((s) => s.id === last)!
    lastStep.parent = 'wrap'
    steps.push({ id: 'wrap', kind: 'group', title: 'Wrap-up', initial: last })
    steps.push({ id: 'wrap_done', kind: 'end', title: 'Wrapped', parent: 'wrap' })
    for (const t of transitions) if (t.to === last) t.to = 'wrap'
    for (const t of transitions) if (t.from === last) t.from = 'wrap'
    transitions.push({ id: 'wrap_finish', from: last, to: 'wrap_done', action: 'finish', label: 'Finish' })
    const out = transitions.find((t) => t.id === `next${shape.tasks - 1}`)!
    delete out.action
    out.label = 'Wrapped up'
  }
  return doc
}

const ACTORS: Actor[] = ROLES.map((role) => ({ id: `u-${role}`, role }))

interface Move {
  pick: number
  actor: number
  level: number
  category: number
  vip: boolean
  minutes: number
  timer: boolean
}

const moveArb: fc.Arbitrary<Move> = fc.record({
  pick: fc.nat(20),
  actor: fc.nat(2),
  level: fc.integer({ min: 0, max: 9 }),
  category: fc.nat(1),
  vip: fc.boolean(),
  minutes: fc.integer({ min: 1, max: 300 }),
  timer: fc.boolean(),
})

/** Plays random moves on a ticket: actions from the prompt with random data, or due timers. */
function playMoves(sop: CompiledSop, moves: Move[]): { records: TransitionRecord[]; state: TicketState } {
  let now = Date.parse('2026-05-01T08:00:00.000Z')
  const first = start(sop, { actor: ACTORS[0], now: new Date(now).toISOString() })
  if (!first.ok) throw new Error(first.rejection.message)
  let state = first.state
  const records = [first.record]
  const timers = new Map(first.timers.schedule.map((t) => [t.id, t]))
  for (const m of moves) {
    if (state.status === 'closed') break
    now += m.minutes * 60_000
    const at = new Date(now).toISOString()
    let input: TicketInput
    let actor = ACTORS[m.actor]
    const due = [...timers.values()].filter((t) => Date.parse(t.dueAt) <= now)
    if (m.timer && due.length) {
      input = { kind: 'timer', timerId: due[m.pick % due.length].id }
      actor = SYSTEM_ACTOR
    } else {
      const actions = prompt(sop, state, null, at).actions
      if (!actions.length) continue
      const a = actions[m.pick % actions.length]
      const fields: Record<string, FieldValue> = {
        level: m.level,
        category: ['billing', 'technical'][m.category],
        vip: m.vip,
      }
      const ticks = Object.fromEntries(
        Object.keys(state.active)
          .filter((id) => sop.steps.get(id)?.checklist.length)
          .map((id) => [id, sop.steps.get(id)!.checklist.map((c) => c.id)]),
      )
      input = { kind: 'action', action: a.action, fields, ticks }
    }
    const d = decide(sop, state, input, actor, at)
    if (!d.ok) {
      expect(d.rejection.message.length).toBeGreaterThan(0)
      continue
    }
    for (const id of d.timers.cancel) timers.delete(id)
    for (const t of d.timers.schedule) timers.set(t.id, t)
    records.push(d.record)
    state = d.state
  }
  return { records, state }
}

describe('properties', () => {
  it('random valid documents validate and compile', () => {
    fc.assert(
      fc.property(shapeArb, (shape) => {
        const doc = buildDocument(shape)
        const result = validate(doc)
        expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
        const sop = compile(doc)
        expect(sop.hash).toBe(compile(structuredClone(doc)).hash)
      }),
      { numRuns: 150 },
    )
  })

  it('random action sequences only produce transitions the document allows', () => {
    fc.assert(
      fc.property(shapeArb, fc.array(moveArb, { maxLength: 25 }), (shape, moves) => {
        const sop = compile(buildDocument(shape))
        const { records } = playMoves(sop, moves)
        let active = new Set<string>(records[0].to)
        for (const r of records.slice(1)) {
          // SLA escalations are the step's own `sla.escalateTo`, recorded as `sla:<stepId>`.
          const escalation = r.breach?.escalateTo ? `sla:${r.breach.stepId}` : null
          const taken = r.transitions.filter((id) => id !== escalation).map((id) => sop.transitions.get(id))
          expect(taken.every(Boolean)).toBe(true)
          if (escalation) expect(sop.steps.get(r.breach!.stepId)?.sla?.escalateTo).toBe(r.breach!.escalateTo)
          if (r.kind === 'action') {
            const first = taken[0]!
            expect(first.action).toBe(r.action)
            const fromSteps = [first.from, ...(sop.ancestors.get(first.from) ?? [])]
            expect(
              fromSteps.some((id) => active.has(id) || r.from.includes(id) || r.exited.includes(id)),
            ).toBe(true)
            for (const t of taken.slice(1))
              expect(t!.action === undefined && t!.after === undefined).toBe(true)
            const roles = first.roles?.length ? first.roles : (sop.steps.get(first.from)?.roles ?? [])
            if (roles.length) expect(roles).toContain(r.actor.role)
          }
          if (r.kind === 'timer') expect(r.actor).toEqual(SYSTEM_ACTOR)
          for (const id of r.to) expect(sop.steps.has(id)).toBe(true)
          active = new Set(r.to)
        }
      }),
      { numRuns: 150 },
    )
  })

  it('replay verifies every history produced', () => {
    fc.assert(
      fc.property(shapeArb, fc.array(moveArb, { maxLength: 25 }), (shape, moves) => {
        const sop = compile(buildDocument(shape))
        const { records, state } = playMoves(sop, moves)
        const r = replay(sop, JSON.parse(JSON.stringify(records)), { head: state.head })
        expect(r.ok).toBe(true)
      }),
      { numRuns: 100 },
    )
  })

  it('a changed record is always reported as a divergence', () => {
    const mutations: ((r: TransitionRecord) => void)[] = [
      (r) => {
        r.actor = { ...r.actor, id: `${r.actor.id}-x` }
      },
      (r) => {
        r.at = new Date(Date.parse(r.at) + 1000).toISOString()
      },
      (r) => {
        r.to = [...r.to, 'task0']
      },
      (r) => {
        r.input = { ...r.input, level: 99 }
      },
      (r) => {
        r.fieldChanges = []
        r.outcome = r.outcome ? null : 'resolved'
      },
      (r) => {
        r.seq += 1
      },
    ]
    fc.assert(
      fc.property(
        shapeArb,
        fc.array(moveArb, { minLength: 1, maxLength: 20 }),
        fc.nat(),
        fc.nat(mutations.length - 1),
        (shape, moves, which, how) => {
          const sop = compile(buildDocument(shape))
          const { records, state } = playMoves(sop, moves)
          const changed = structuredClone(records)
          const index = which % changed.length
          mutations[how](changed[index])
          const r = replay(sop, changed, { head: state.head })
          expect(r.ok).toBe(false)
          if (!r.ok) expect(r.index).toBeGreaterThanOrEqual(index)
        },
      ),
      { numRuns: 150 },
    )
  })
})
