import { type AdjacencyMap, getAdjacencyMap } from '@xstate/graph'
import type { ActorLogic, EventObject, Snapshot } from 'xstate'
import { slaDueMs, slaTimerId } from './clocks.ts'
import type { CompiledSop } from './compile.ts'
import { alignToWindow, outsideWindow } from './contactWindow.ts'
import { actionTransitions, decide, isEmpty, leaves, rolesFor, start, timerId } from './decide.ts'
import type { TicketField } from './document.ts'
import { dueAfter } from './due.ts'
import { canonicalJson } from './hash.ts'
import type { Actor, FieldValue, SopPath, TicketInput, TicketState } from './types.ts'
import { referencedFields, triggerOf } from './validate.ts'

const DEFAULT_START = '2026-01-01T08:00:00.000Z'

type PathSnapshot = Snapshot<undefined> & { ticket: TicketState; at: string }

interface PathEvent extends EventObject {
  type: 'input'
  input: TicketInput
  actor: Actor
  at: string
}

export interface PathsOptions {
  /** Most paths to return (default 500). */
  limit?: number
  /** Most decisions to try while searching (default 200,000), so that any document finishes quickly. */
  budget?: number
  /** When the paths start (ISO; default 2026-01-01 08:00 UTC): contact windows and holidays depend on it. */
  startAt?: string
}

/**
 * Paths from the start to each end step, found by exploring the ticket's own step function: actions
 * with field values that send decisions each way, and timers. A path never comes back to a step
 * configuration it has been in, so loops (a care cycle, a reminder) are walked once. The shortest
 * path to every reachable end comes first; the others follow, nearest end first. Each path is
 * playable with `start` and `decide`, and two paths never visit the same steps in the same order.
 */
export function paths(sop: CompiledSop, options: PathsOptions = {}): SopPath[] {
  const limit = options.limit ?? 500
  let budget = options.budget ?? 200_000
  const START = options.startAt ?? DEFAULT_START
  // Stryker disable next-line ObjectLiteral,StringLiteral: a path holds no trace of the actor who opened the ticket
  const first = start(sop, { actor: { id: 'path', role: 'agent' }, now: START })
  // Stryker disable next-line ConditionalExpression,ArrayDeclaration: a start without field values is never refused
  if (!first.ok) return []
  const flowFields = [
    // Stryker disable next-line ArrayDeclaration: a stray field name is unset on every ticket, so it changes no key
    ...new Set(sop.document.transitions.flatMap((t) => (t.guard ? referencedFields(t.guard) : []))),
  ]
  // Two tickets with the same key take the same actions from here: only guarded fields steer a ticket.
  const keyOf = (t: TicketState) =>
    canonicalJson({
      value: t.value,
      status: t.status,
      fields: flowFields.map((f) => t.context.fields[f] ?? null),
    })
  const routeOf = (t: TicketState) => canonicalJson({ value: t.value, status: t.status })
  const distance = distanceToEnd(sop, first.state, keyOf, START)

  const found: SopPath[] = []
  const routes = new Set<string>()
  const keep = (trail: PathEvent[]): void => {
    const path = toPath(sop, first.state, trail, START)
    // Stryker disable next-line StringLiteral: the steps already end with the end step, so the separator is not needed to tell routes apart
    const route = `${path.steps.join('>')}|${path.endStepId}`
    if (routes.has(route) || found.length >= limit) return
    routes.add(route)
    found.push(path)
  }
  /** The distinct next tickets from a ticket, nearest end first. */
  const children = (node: Node, skip: (t: TicketState) => boolean): Node[] => {
    const next = new Map<string, Node>()
    for (const event of eventsFor(sop, node.ticket, node.at)) {
      if (budget-- <= 0) break
      const d = decide(sop, node.ticket, event.input, event.actor, event.at)
      if (!d.ok) continue
      const key = keyOf(d.state)
      // Stryker disable next-line ConditionalExpression: a ticket from which no end can be reached never closes, so pruning it gives no fewer paths
      if (next.has(key) || skip(d.state) || (distance && !distance.has(key))) continue
      // Stryker disable next-line ArrayDeclaration: the breadth-first search sets a child's routes before reading them, the depth-first one never reads them
      next.set(key, { ticket: d.state, at: event.at, trail: [...node.trail, event], routes: [] })
    }
    const far = Number.MAX_SAFE_INTEGER
    return [...next.entries()]
      .sort(([a], [b]) => (distance?.get(a) ?? far) - (distance?.get(b) ?? far))
      .map(([, n]) => n)
  }

  // First the shortest way to each end (breadth first), so every end is shown however large the SOP.
  // Stryker disable next-line ArrayDeclaration: the start's key in `seen` keeps the search from the start as well
  const root: Node = { ticket: first.state, at: START, trail: [], routes: [routeOf(first.state)] }
  // Stryker disable next-line ArrayDeclaration: the start's route in its children's routes keeps the search from the start as well
  const seen = new Set([keyOf(first.state)])
  const ended = new Set<string>()
  let level = [root]
  // Stryker disable next-line ConditionalExpression,EqualityOperator: past the limit `keep` takes no path, and with the budget spent no child is found
  while (level.length && found.length < limit && budget > 0) {
    const following: Node[] = []
    for (const node of level) {
      if (node.ticket.status === 'closed') {
        // Stryker disable next-line StringLiteral: a closed ticket is in one end step, so there is nothing to separate
        const end = leaves(node.ticket.value).join(',')
        if (!ended.has(end)) keep(node.trail)
        ended.add(end)
        continue
      }
      for (const child of children(node, (t) => seen.has(keyOf(t)) || node.routes.includes(routeOf(t)))) {
        seen.add(keyOf(child.ticket))
        child.routes = [...node.routes, routeOf(child.ticket)]
        following.push(child)
      }
    }
    level = following
  }

  // Then every other route (depth first), until the limit or the budget runs out.
  const onRoute = new Set([routeOf(first.state)])
  const walk = (node: Node): void => {
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: past the limit `keep` takes no path, and with the budget spent no child is found
    if (found.length >= limit || budget <= 0) return
    if (node.ticket.status === 'closed') {
      keep(node.trail)
      return
    }
    for (const child of children(node, (t) => onRoute.has(routeOf(t)))) {
      const route = routeOf(child.ticket)
      onRoute.add(route)
      walk(child)
      onRoute.delete(route)
    }
  }
  walk(root)
  return found
}

interface Node {
  ticket: TicketState
  at: string
  trail: PathEvent[]
  /** The step configurations on the way here (breadth-first search only). */
  routes: string[]
}

/**
 * How many inputs each flow state is from the nearest end, over the state graph that @xstate/graph
 * explores; undefined when the graph is too large to explore whole (then nothing is pruned).
 */
function distanceToEnd(
  sop: CompiledSop,
  first: TicketState,
  keyOf: (t: TicketState) => string,
  START: string,
): Map<string, number> | undefined {
  const wrap = (ticket: TicketState, at: string): PathSnapshot =>
    ({
      status: ticket.status === 'closed' ? 'done' : 'active',
      output: undefined,
      error: undefined,
      ticket,
      at,
    }) as PathSnapshot
  const logic: ActorLogic<PathSnapshot, PathEvent, undefined> = {
    config: sop.machine,
    transition: (snapshot, event) => {
      const d = decide(sop, snapshot.ticket, event.input, event.actor, event.at)
      return d.ok ? wrap(d.state, event.at) : snapshot
    },
    getInitialSnapshot: () => wrap(first, START),
    getPersistedSnapshot: (snapshot) => snapshot,
  }
  let graph: AdjacencyMap<PathSnapshot, PathEvent>
  try {
    graph = getAdjacencyMap(logic, {
      events: (snapshot) => eventsFor(sop, snapshot.ticket, snapshot.at),
      serializeState: (snapshot) => keyOf(snapshot.ticket),
      serializeEvent: (event) => canonicalJson({ input: event.input, role: event.actor.role }),
      toState: (snapshot) => snapshot.ticket.status === 'closed',
      limit: 50_000,
    })
  } catch {
    return undefined
  }
  const into = new Map<string, string[]>()
  const distance = new Map<string, number>()
  // Stryker disable next-line ArrayDeclaration: a stray key has no edges into it, so it reaches nothing
  let level: string[] = []
  for (const [key, node] of Object.entries(graph)) {
    if (node.state.ticket.status === 'closed') {
      distance.set(key, 0)
      level.push(key)
    }
    for (const edge of Object.values(node.transitions) as { state: PathSnapshot }[]) {
      const to = keyOf(edge.state.ticket)
      // Stryker disable next-line ConditionalExpression: a step's own distance is set before any edge into it is read, so a self edge changes none
      if (to === key) continue
      const list = into.get(to)
      if (list) list.push(key)
      else into.set(to, [key])
    }
  }
  for (let d = 1; level.length; d++) {
    const following: string[] = []
    // Stryker disable ArrayDeclaration: a stray key has a distance of its own only, which no ticket's key reads
    for (const key of level)
      for (const from of into.get(key) ?? [])
        if (!distance.has(from)) {
          distance.set(from, d)
          following.push(from)
        }
    // Stryker restore ArrayDeclaration
    level = following
  }
  return distance
}

/** A path as the steps it visits, replaying its inputs. */
function toPath(sop: CompiledSop, first: TicketState, trail: PathEvent[], START: string): SopPath {
  const visited: string[] = [...leaves(first.value)]
  let ticket = first
  for (const e of trail) {
    const d = decide(sop, ticket, e.input, e.actor, e.at)
    // Stryker disable next-line ConditionalExpression: a trail holds only inputs that were accepted
    if (!d.ok) break
    ticket = d.state
    // Stryker disable ConditionalExpression,ArithmeticOperator: a path never enters the step it is in again (its route would repeat)
    for (const id of d.record.entered)
      if (!isContainer(sop, id) && visited[visited.length - 1] !== id) visited.push(id)
  }
  // Stryker restore ConditionalExpression,ArithmeticOperator
  // Stryker disable next-line LogicalOperator,ArithmeticOperator: a path ends in its end step, which it entered last
  const end = leaves(ticket.value)[0] ?? visited[visited.length - 1]
  return {
    endStepId: end,
    outcome: ticket.outcome,
    steps: visited,
    startAt: START,
    inputs: trail.map((e) => ({ input: e.input, actor: e.actor, at: e.at })),
  }
}

/** Inputs worth trying on a ticket: each action with values that send later decisions each way, and due timers. */
function eventsFor(sop: CompiledSop, ticket: TicketState, at: string): PathEvent[] {
  // Stryker disable next-line ConditionalExpression,StringLiteral,ArrayDeclaration: decide refuses every action and timer on a closed ticket
  if (ticket.status === 'closed') return []
  const events: PathEvent[] = []
  const next = new Date(Date.parse(at) + 60_000).toISOString()
  const seen = new Set<string>()
  for (const t of actionTransitions(sop, Object.keys(ticket.active))) {
    const key = `${t.from}:${t.action}`
    if (seen.has(key)) continue
    seen.add(key)
    const source = sop.steps.get(t.from)!
    const actor = { id: 'path', role: rolesFor(sop, t)[0] ?? 'agent' }
    const base: Record<string, FieldValue> = {}
    for (const name of source.requiredFields)
      if (isEmpty(ticket.context.fields[name])) base[name] = sample(sop.fields.get(name)!)
    const varied = new Set<string>()
    for (const tr of (sop.outgoing.get(t.from) ?? []).filter((o) => o.action === t.action)) {
      for (const name of guardFieldsAhead(sop, tr.id))
        if (isEmpty(ticket.context.fields[name])) varied.add(name)
    }
    const ticks = source.checklist.filter((c) => c.required).map((c) => c.id)
    // An action that contacts the customer waits for their contact window.
    const window = (sop.outgoing.get(t.from) ?? []).find((o) => o.action === t.action && o.window)?.window
    for (const fields of variants(sop, [...varied], base)) {
      const allowed = window && outsideWindow(sop, window, { ...ticket.context.fields, ...fields }, next)
      events.push({
        // Stryker disable next-line StringLiteral: nothing reads the event type (graph events are told apart by their input)
        type: 'input',
        input: {
          kind: 'action',
          action: t.action!,
          fields,
          ...(ticks.length ? { ticks: { [source.id]: ticks } } : {}),
        },
        actor,
        at: allowed || next,
      })
    }
  }
  for (const [stepId, entry] of Object.entries(ticket.active)) {
    const step = sop.steps.get(stepId)!
    if (step.sla?.escalateTo) {
      const dueAt = new Date(slaDueMs(sop, step, entry)).toISOString()
      events.push({
        // Stryker disable next-line StringLiteral: nothing reads the event type (graph events are told apart by their input)
        type: 'input',
        input: { kind: 'timer', timerId: slaTimerId(stepId, entry) },
        actor: SYSTEM,
        at: later(at, dueAt),
      })
    }
    // Stryker disable next-line ArrayDeclaration: a stray entry has no delay, so it is skipped
    for (const t of sop.outgoing.get(stepId) ?? []) {
      if (!t.after) continue
      const dueMs = Date.parse(dueAfter(sop, entry.enteredAt, t.after, t))
      const dueAt = new Date(alignToWindow(sop, t.window, ticket.context.fields, dueMs)).toISOString()
      events.push({
        // Stryker disable next-line StringLiteral: nothing reads the event type (graph events are told apart by their input)
        type: 'input',
        input: { kind: 'timer', timerId: timerId('delay', t.id, entry.seq) },
        actor: SYSTEM,
        at: later(at, dueAt),
      })
    }
  }
  return events
}

function isContainer(sop: CompiledSop, id: string): boolean {
  // Stryker disable next-line OptionalChaining: only steps are entered
  const kind = sop.steps.get(id)?.kind
  return kind === 'group' || kind === 'parallel'
}

const SYSTEM: Actor = { id: 'system', role: 'system' }

function later(a: string, b: string): string {
  // Stryker disable next-line EqualityOperator: equal times are the same ISO string
  return Date.parse(a) >= Date.parse(b) ? a : b
}

/** Fields read by the guard of a transition and of the automatic transitions that can follow it. */
function guardFieldsAhead(sop: CompiledSop, transitionId: string): string[] {
  const names = new Set<string>()
  const seen = new Set<string>()
  const visitTransition = (id: string) => {
    const t = sop.transitions.get(id)
    if (!t || seen.has(id)) return
    seen.add(id)
    if (t.guard) for (const n of referencedFields(t.guard)) names.add(n)
    visitStep(t.to)
  }
  const visitStep = (stepId: string) => {
    const step = sop.steps.get(stepId)
    // Stryker disable next-line ConditionalExpression: every step id met here is a step of the compiled SOP
    if (!step) return
    // Stryker disable next-line ArrayDeclaration: a stray entry has no id, and no transition has none
    if (step.kind === 'decision') for (const o of sop.outgoing.get(stepId) ?? []) visitTransition(o.id)
    if (step.kind === 'end' && step.parent) {
      // Stryker disable next-line ArrayDeclaration: a stray entry has no id, and no transition has none
      for (const o of sop.outgoing.get(step.parent) ?? [])
        if (triggerOf(o) === 'automatic') visitTransition(o.id)
      const parent = sop.steps.get(step.parent)
      if (parent?.parent && sop.steps.get(parent.parent)?.kind === 'parallel') {
        // Stryker disable next-line ArrayDeclaration: a stray entry has no id, and no transition has none
        for (const o of sop.outgoing.get(parent.parent) ?? [])
          if (triggerOf(o) === 'automatic') visitTransition(o.id)
      }
    }
    if (step.kind === 'group' && step.initial) visitStep(step.initial)
  }
  visitTransition(transitionId)
  return [...names]
}

/** Field assignments: the base values with every combination of the varied fields' interesting values. */
function variants(
  sop: CompiledSop,
  varied: string[],
  base: Record<string, FieldValue>,
): Record<string, FieldValue>[] {
  let out: Record<string, FieldValue>[] = [base]
  for (const name of varied) {
    const values = interesting(sop, sop.fields.get(name)!)
    out = out.flatMap((v) => values.map((value) => ({ ...v, [name]: value })))
    if (out.length > 64) out = out.slice(0, 64)
  }
  return out
}

function interesting(sop: CompiledSop, field: TicketField): FieldValue[] {
  // Stryker disable next-line ArrayDeclaration: a compiled choice field has at least one option
  if (field.type === 'choice') return (field.options ?? []).map((o) => o.value)
  if (field.type === 'boolean') return [true, false]
  const guards = sop.document.transitions
    .filter((t) => t.guard && referencedFields(t.guard).includes(field.name))
    .map((t) => t.guard!)
  if (field.type === 'number') {
    const nums = new Set<number>()
    // Stryker disable ArithmeticOperator: the offsets -1, 0, 1 give the same set subtracted
    for (const g of guards)
      for (const m of g.matchAll(/-?\d+(?:\.\d+)?/g)) for (const d of [-1, 0, 1]) nums.add(Number(m[0]) + d)
    // Stryker restore ArithmeticOperator
    return nums.size ? [...nums].sort((a, b) => a - b) : [1]
  }
  const strings = new Set<string>([sample(field) as string])
  for (const g of guards) for (const m of g.matchAll(/"((?:[^"\\]|\\.)*)"/g)) strings.add(m[1])
  return [...strings]
}

function sample(field: TicketField): FieldValue {
  switch (field.type) {
    case 'number':
      return 1
    case 'boolean':
      return true
    case 'choice':
      // Stryker disable next-line OptionalChaining,StringLiteral: a compiled choice field has at least one option
      return field.options?.[0]?.value ?? ''
    case 'date':
      return '2026-01-02'
    case 'email':
      return 'customer@example.com'
    case 'phone':
      return '+84 90 123 4567'
    default:
      return 'Sample'
  }
}
