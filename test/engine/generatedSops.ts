import fc from 'fast-check'
import type { Actor, SopDocumentInput } from '../../engine/index.ts'

/**
 * Random valid SOP documents for property tests: a spine of tasks with guarded branches (some with
 * effects; every third sets a field the decision it leads to reads), a decision, a wait with a delay, SLAs, roles,
 * ends and an optional group; and random moves to play on their tickets.
 */

export const OUTCOMES = ['resolved', 'escalated', 'cancelled', 'no_response'] as const
export const ROLES = ['agent', 'senior_agent', 'supervisor']

export interface Shape {
  tasks: number
  ends: number
  extra: { from: number; to: number; guard: number }[]
  decisionAfter: number
  waitAfter: number
  roles: number[]
  sla: boolean[]
  group: boolean
}

export const shapeArb: fc.Arbitrary<Shape> = fc
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

export const GUARDS = ['', 'ticket.level > 2.0', 'ticket.category == "billing"', 'ticket.vip']

/** A valid SOP document of the given shape: a spine of tasks with branches, a decision, a wait and ends. */
export function buildDocument(shape: Shape): SopDocumentInput {
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
  // Reads a field some branches set on their way here: XState sees the value their effect set.
  transitions.push({
    id: 'route_vip_billing',
    from: 'route',
    to: end(shape.ends - 1),
    guard: 'ticket.vip && ticket.category == "billing"',
  })
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
      to: n % 3 === 2 ? 'route' : target(e.to),
      action: `jump${n % 3}`,
      label: `Jump ${n}`,
      ...(GUARDS[e.guard] ? { guard: GUARDS[e.guard] } : {}),
      ...(n % 3 === 2
        ? { effects: [{ type: 'set' as const, field: 'category', value: 'billing' }] }
        : n % 2
          ? { effects: [{ type: 'priority' as const, value: 'high' as const }] }
          : {}),
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

export const ACTORS: Actor[] = ROLES.map((role) => ({ id: `u-${role}`, role }))

export interface Move {
  pick: number
  actor: number
  level: number
  category: number
  vip: boolean
  minutes: number
  timer: boolean
}

export const moveArb: fc.Arbitrary<Move> = fc.record({
  pick: fc.nat(20),
  actor: fc.nat(2),
  level: fc.integer({ min: 0, max: 9 }),
  category: fc.nat(1),
  vip: fc.boolean(),
  minutes: fc.integer({ min: 1, max: 300 }),
  timer: fc.boolean(),
})
