import type { CompiledSop } from './compile.ts'
import type { Transition } from './document.ts'
import type { Actor, TicketState } from './types.ts'
import { triggerOf } from './validate.ts'

/** Leaf step ids of an XState state value, in document order of the value. */
export function leaves(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (!value || typeof value !== 'object') return []
  const out: string[] = []
  for (const [key, child] of Object.entries(value)) {
    const below = leaves(child)
    if (below.length) out.push(...below)
    else out.push(key)
  }
  return out
}

/** Every active step id (leaves and their containers). */
export function activeSteps(state: TicketState): string[] {
  return Object.keys(state.active)
}

/** Action transitions per set of active steps, worked out once per compiled SOP. */
const actionsByActive = new WeakMap<CompiledSop, Map<string, Transition[]>>()

/** Action transitions out of the given active steps, innermost first. */
export function actionTransitions(sop: CompiledSop, active: readonly string[]): Transition[] {
  let bySop = actionsByActive.get(sop)
  // Stryker disable next-line ConditionalExpression: a fresh cache gives the same transitions; it only saves time
  if (!bySop) {
    bySop = new Map()
    actionsByActive.set(sop, bySop)
  }
  const key = active.join('\n')
  let found = bySop.get(key)
  // Stryker disable next-line ConditionalExpression: working the transitions out again gives the same ones; the cache only saves time
  if (!found) {
    const ordered = [...new Set(active)].sort(
      (a, b) => (sop.ancestors.get(b)?.length ?? 0) - (sop.ancestors.get(a)?.length ?? 0),
    )
    // Stryker disable next-line ArrayDeclaration: a stray entry is no action transition, so the filter drops it
    found = ordered.flatMap((id) => (sop.outgoing.get(id) ?? []).filter((t) => triggerOf(t) === 'action'))
    bySop.set(key, found)
  }
  return found
}

export function rolesFor(sop: CompiledSop, t: Transition): string[] {
  // Stryker disable next-line OptionalChaining: a compiled SOP's transitions leave from its steps
  return t.roles ?? sop.steps.get(t.from)?.roles ?? []
}

export function roleAllowed(sop: CompiledSop, t: Transition, role: string | Actor): boolean {
  const roles = rolesFor(sop, t)
  return !roles.length || qualifies(roles, role)
}

/** Whether an actor holds one of these roles: their built-in role or one of their organisation roles. */
export function qualifies(roles: readonly string[], who: string | Actor): boolean {
  if (typeof who === 'string') return roles.includes(who)
  // Stryker disable next-line ArrayDeclaration: a stray organisation role is none of the roles asked for
  return roles.includes(who.role) || (who.roles ?? []).some((r) => roles.includes(r))
}
