import { type AnyStateMachine, assign, setup } from 'xstate'
import type { Calendar } from './calendar.ts'
import type { Effect, SopDocument, Step, TicketField, Transition } from './document.ts'
import { SopError } from './errors.ts'
import { GuardEnvironment, type GuardFn } from './guard.ts'
import { noteGuard } from './guardProbe.ts'
import { canonicalJson, sha256Hex } from './hash.ts'
import type { FieldValue, TicketContext } from './types.ts'
import { triggerOf, validate } from './validate.ts'

/** An SOP version ready to run tickets: its document, content hash and XState machine. */
export interface CompiledSop {
  document: SopDocument
  /** Content hash of the document: identifies the version. */
  hash: string
  machine: AnyStateMachine
  steps: ReadonlyMap<string, Step>
  transitions: ReadonlyMap<string, Transition>
  fields: ReadonlyMap<string, TicketField>
  /** Transitions leaving each step, in document order. */
  outgoing: ReadonlyMap<string, readonly Transition[]>
  /** Each step's ancestors, innermost first. */
  ancestors: ReadonlyMap<string, readonly string[]>
  /** Compiled CEL guards by transition id. */
  guards: ReadonlyMap<string, GuardFn>
  /** The SHA-256 function (text → lowercase hex) records are chained with. */
  sha256: (text: string) => string
  /** The calendars its business-time durations count in (the versions this SOP version pins), by id. */
  calendars: ReadonlyMap<string, Calendar>
  /** The calendar of each responsible team this SOP version counts in (team id → calendar id). */
  teamCalendars: ReadonlyMap<string, string>
  /**
   * The team calendar a business-time duration that names no calendar counts in (by the clock: a
   * step's `sla`, a delayed transition, a policy target), when its team has one.
   */
  clockCalendars: ReadonlyMap<object, string>
}

export interface CompileOptions {
  /**
   * SHA-256 of a UTF-8 string as lowercase hex. Defaults to a portable implementation; a host may
   * pass its native one (the server passes Node's crypto). Any correct SHA-256 gives the same hashes.
   */
  sha256?: (text: string) => string
  /**
   * The calendars the document's business-time durations name, by id (data: the host resolves the
   * versions it pins). A named calendar that is missing throws `SopError('missing_calendar')`.
   */
  calendars?: Readonly<Record<string, Calendar>>
  /**
   * The calendar of each team (team id → calendar id, the calendar among `calendars`): a
   * business-time duration that names no calendar counts in the calendar of the team responsible
   * for it (its step's `team`; for a delay the step it leaves; for a policy target the initial
   * step's), before the SOP's `calendar`.
   */
  teamCalendars?: Readonly<Record<string, string>>
}

/** Events the compiled machine understands. */
export type SopEvent =
  | { type: string; role: string }
  | { type: `sopflow.after.${string}` }
  | { type: `sopflow.sla.${string}` }
  | { type: `sopflow.goto.${string}` }

export const EVENT_AFTER = 'sopflow.after.'
export const EVENT_SLA = 'sopflow.sla.'
export const EVENT_GOTO = 'sopflow.goto.'
export const EVENT_UPDATE = 'sopflow.update'

/**
 * Compiles an SOP document into an XState v5 machine. The same document always gives the same
 * machine and hash. Throws `SopError('invalid_document')` with every diagnostic when invalid.
 */
export function compile(input: unknown, options: CompileOptions = {}): CompiledSop {
  const result = validate(input)
  if (!result.valid || !result.document) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error')
    throw new SopError(
      'invalid_document',
      `The SOP document is invalid: ${errors.map((d) => d.message).join('; ')}`,
      {
        id: typeof (input as { id?: unknown })?.id === 'string' ? (input as { id: string }).id : null,
        diagnostics: result.diagnostics,
      },
    )
  }
  const doc = result.document
  const steps = new Map(doc.steps.map((s) => [s.id, s]))
  const transitions = new Map(doc.transitions.map((t) => [t.id, t]))
  const fields = new Map(doc.fields.map((f) => [f.name, f]))
  const outgoing = new Map<string, Transition[]>()
  for (const t of doc.transitions) outgoing.set(t.from, [...(outgoing.get(t.from) ?? []), t])
  const ancestors = new Map<string, string[]>()
  for (const s of doc.steps) {
    const chain: string[] = []
    for (let p = s.parent; p; p = steps.get(p)?.parent) chain.push(p)
    ancestors.set(s.id, chain)
  }
  const env = new GuardEnvironment(doc.fields)
  const guards = new Map<string, GuardFn>()
  for (const t of doc.transitions) if (t.guard) guards.set(t.id, env.compile(t.guard))

  const calendars = new Map<string, Calendar>()
  for (const name of calendarsNamed(doc)) {
    const calendar = options.calendars?.[name]
    if (!calendar) {
      throw new SopError(
        'missing_calendar',
        `SOP "${doc.id}" counts business time in calendar "${name}", which does not exist`,
        { id: name },
      )
    }
    calendars.set(name, calendar)
  }
  // The calendars of the teams responsible for steps (all of them: the host pins them all).
  const teamCalendars = new Map<string, string>()
  for (const step of doc.steps) {
    const id = step.team ? options.teamCalendars?.[step.team] : undefined
    if (!step.team || !id || teamCalendars.has(step.team)) continue
    const calendar = options.calendars?.[id]
    if (!calendar)
      throw new SopError(
        'missing_calendar',
        `Team "${step.team}" counts in calendar "${id}", which does not exist`,
        { id },
      )
    calendars.set(id, calendar)
    teamCalendars.set(step.team, id)
  }
  const clockCalendars = new Map<object, string>()
  const byTeam = (clock: { time?: string; calendar?: string } | undefined, stepId: string | undefined) => {
    const team = stepId ? steps.get(stepId)?.team : undefined
    const id = team ? teamCalendars.get(team) : undefined
    if (clock && clock.time === 'business' && !clock.calendar && id) clockCalendars.set(clock, id)
  }
  for (const s of doc.steps) byTeam(s.sla, s.id)
  for (const t of doc.transitions) if (t.after) byTeam(t, t.from)
  for (const t of doc.policy?.targets ?? []) byTeam(t, doc.initial)
  const machine = buildMachine(doc, { steps, transitions, outgoing, guards })
  return {
    document: doc,
    hash: (options.sha256 ?? sha256Hex)(canonicalJson(doc)),
    machine,
    steps,
    transitions,
    fields,
    outgoing,
    ancestors,
    sha256: options.sha256 ?? sha256Hex,
    guards,
    calendars,
    teamCalendars,
    clockCalendars,
  }
}

/** Ids of the calendars a document's business-time durations count in. */
export function calendarsNamed(doc: SopDocument): string[] {
  const names = new Set<string>()
  const add = (clock: { time?: string; calendar?: string } | undefined) => {
    if (clock?.time === 'business' && (clock.calendar ?? doc.calendar))
      names.add(clock.calendar ?? doc.calendar!)
  }
  for (const s of doc.steps) add(s.sla)
  for (const t of doc.policy?.targets ?? []) add(t)
  for (const t of doc.transitions) {
    if (t.after) add(t)
    if (t.window) names.add(t.window)
  }
  return [...names].sort()
}

interface Parts {
  steps: ReadonlyMap<string, Step>
  transitions: ReadonlyMap<string, Transition>
  outgoing: ReadonlyMap<string, readonly Transition[]>
  guards: ReadonlyMap<string, GuardFn>
}

function buildMachine(doc: SopDocument, parts: Parts): AnyStateMachine {
  const { transitions, outgoing, guards } = parts
  const children = new Map<string, Step[]>()
  for (const s of doc.steps) if (s.parent) children.set(s.parent, [...(children.get(s.parent) ?? []), s])

  const transitionConfig = (t: Transition, guard: 'cel' | 'action') => ({
    target: `#${t.to}`,
    reenter: true,
    guard: { type: guard, params: { id: t.id } },
    actions: [
      ...(guard === 'action' ? [{ type: 'input' }] : []),
      { type: 'taken', params: { id: t.id } },
      ...(t.effects.length ? [{ type: 'effects', params: { id: t.id } }] : []),
    ],
  })

  const stateNode = (step: Step): Record<string, unknown> => {
    const node: Record<string, unknown> = {
      id: step.id,
      entry: [{ type: 'entered', params: { stepId: step.id } }],
      exit: [{ type: 'exited', params: { stepId: step.id } }],
    }
    const kids = children.get(step.id) ?? []
    if (step.kind === 'group') {
      node.initial = step.initial
      node.states = Object.fromEntries(kids.map((k) => [k.id, stateNode(k)]))
    } else if (step.kind === 'parallel') {
      node.type = 'parallel'
      node.states = Object.fromEntries(kids.map((k) => [k.id, stateNode(k)]))
    } else if (step.kind === 'end') {
      node.type = 'final'
    }
    const on: Record<string, unknown[]> = {}
    const out = outgoing.get(step.id) ?? []
    for (const t of out) {
      const trigger = triggerOf(t)
      if (trigger === 'action') {
        on[t.action!] ??= []
        on[t.action!].push(transitionConfig(t, 'action'))
      } else if (trigger === 'after') on[`${EVENT_AFTER}${t.id}`] = [transitionConfig(t, 'cel')]
    }
    // Automatic branches: guarded ones first, so a default branch is taken only when no guard holds.
    const automatic = out
      .filter((t) => triggerOf(t) === 'automatic')
      .sort((a, b) => Number(!a.guard) - Number(!b.guard))
      .map((t) => transitionConfig(t, 'cel'))
    if (step.sla?.escalateTo) {
      on[`${EVENT_SLA}${step.id}`] = [
        {
          target: `#${step.sla.escalateTo}`,
          reenter: true,
          actions: [{ type: 'taken', params: { id: `sla:${step.id}` } }],
        },
      ]
    }
    // Stryker disable next-line ConditionalExpression: a state with an empty `on` has no transitions, as one without
    if (Object.keys(on).length) node.on = on
    // Stryker disable next-line ConditionalExpression: an empty `always` or `onDone` list takes no transition, as none
    if (automatic.length) {
      if (step.kind === 'decision') node.always = automatic
      else node.onDone = automatic
    }
    return node
  }

  const top = doc.steps.filter((s) => !s.parent)
  const goto: Record<string, unknown> = {}
  for (const s of doc.steps) {
    goto[`${EVENT_GOTO}${s.id}`] = {
      target: `#${s.id}`,
      // Stryker disable next-line BooleanLiteral: these transitions are the root's, and XState leaves and enters again the active steps below the root either way
      reenter: true,
      actions: [{ type: 'taken', params: { id: `goto:${s.id}` } }],
    }
  }

  const sopSetup = setup({
    // Stryker disable next-line ObjectLiteral: `types` only types the machine for TypeScript; XState reads nothing from it
    types: {
      context: {} as TicketContext,
      input: {} as Partial<TicketContext>,
      events: {} as { type: string; role?: string; roles?: string[]; fields?: Record<string, FieldValue> },
    },
    actions: {
      entered: (_: unknown, _params: { stepId: string }) => {},
      exited: (_: unknown, _params: { stepId: string }) => {},
      taken: (_: unknown, _params: { id: string }) => {},
      /** Field values given with an action or update go into the ticket before anything else. */
      input: assign(({ context, event }) =>
        event.fields ? { fields: { ...context.fields, ...event.fields } } : {},
      ),
      effects: assign(({ context }, params: { id: string }) =>
        applyEffects(context, transitions.get(params.id)?.effects ?? []),
      ),
    },
    guards: {
      cel: ({ context }, params: { id: string }) =>
        noteGuard(params.id, false, guards.get(params.id)?.(context.fields) ?? true),
      action: ({ context, event }, params: { id: string }) =>
        noteGuard(params.id, true, actionGuard(parts, params.id, event, context.fields)),
    },
  })
  return sopSetup.createMachine({
    id: doc.id,
    initial: doc.initial,
    context: ({ input }) => ({
      fields: input?.fields ?? {},
      priority: input?.priority ?? 'normal',
      queue: input?.queue ?? null,
      role: input?.role ?? null,
    }),
    states: Object.fromEntries(top.map((s) => [s.id, stateNode(s)])) as never,
    on: { ...goto, [EVENT_UPDATE]: { actions: [{ type: 'input' }] } } as never,
  }) as unknown as AnyStateMachine
}

/**
 * An action transition's guard: the actor holds one of its roles (the step's when it names none)
 * and its CEL guard holds over the ticket's fields with the action's own fields merged in.
 */
export function actionGuard(
  parts: Pick<Parts, 'steps' | 'transitions' | 'guards'>,
  id: string,
  event: { role?: string; roles?: readonly string[]; fields?: Record<string, FieldValue> },
  fields: Record<string, FieldValue>,
): boolean {
  const t = parts.transitions.get(id)
  if (!t) return false
  const roles = t.roles ?? parts.steps.get(t.from)?.roles ?? []
  if (
    roles.length &&
    !roles.includes(event.role ?? '') &&
    !(event.roles ?? []).some((r) => roles.includes(r))
  )
    return false
  const guard = parts.guards.get(t.id)
  return guard ? guard(event.fields ? { ...fields, ...event.fields } : fields) : true
}

/** The context after a transition's effects. */
export function applyEffects(context: TicketContext, effects: readonly Effect[]): TicketContext {
  let next = context
  for (const e of effects) {
    if (e.type === 'set') next = { ...next, fields: { ...next.fields, [e.field]: e.value as FieldValue } }
    else if (e.type === 'priority') next = { ...next, priority: e.value }
    else next = { ...next, role: e.role ?? next.role, queue: e.queue ?? next.queue }
  }
  return next
}

/**
 * The digest of the calendars a compiled SOP counts in (the versions its SOP version pins): the
 * SHA-256 of their canonical JSON by id, or null when it counts in none. A ticket's first record
 * carries it, so an evidence bundle's calendars are covered by the record chain.
 */
export function calendarsDigest(
  calendars: ReadonlyMap<string, Calendar> | Readonly<Record<string, Calendar>>,
  sha256: (text: string) => string = sha256Hex,
  /** The team calendars (team id → calendar id): covered beside the calendars when there are any. */
  teams: ReadonlyMap<string, string> | Readonly<Record<string, string>> = {},
): string | null {
  const entries = calendars instanceof Map ? [...calendars] : Object.entries(calendars)
  const byTeam = teams instanceof Map ? Object.fromEntries(teams) : teams
  if (!entries.length) return null
  const all = Object.fromEntries(entries)
  return sha256(canonicalJson(Object.keys(byTeam).length ? { calendars: all, teams: byTeam } : all))
}
