import { accept, snapshotOf, takenIds } from './accept.ts'
import { actionTransitions, activeSteps, leaves, roleAllowed, rolesFor } from './actionTransitions.ts'
import { type CompiledSop, EVENT_UPDATE } from './compile.ts'
import { outsideWindow } from './contactWindow.ts'
import { checkFields, checkTicks, checkUpdateRoles, isEmpty, reject } from './inputChecks.ts'
import { transition } from './transitionMemo.ts'
import type { Actor, Decision, TicketInput, TicketState } from './types.ts'

export type CheckResult = { ok: true; checked: true }
// Stryker disable next-line BooleanLiteral: `checked` tells the type apart; no caller reads its value
const CHECKED: CheckResult = { ok: true, checked: true }

/** An action on the current step: its role, guard, requirements and contact window, then XState's transition. */
export function decideAction(
  sop: CompiledSop,
  state: TicketState,
  input: Extract<TicketInput, { kind: 'action' }>,
  actor: Actor,
  now: string,
  onlyCheck = false,
): Decision | CheckResult {
  const fields = input.fields ?? {}
  const ticks = input.ticks ?? {}
  const bad = checkFields(sop, fields) ?? checkTicks(sop, state, ticks)
  if (bad) return bad

  const activeIds = activeSteps(state)
  const candidates = actionTransitions(sop, activeIds).filter((t) => t.action === input.action)
  if (!candidates.length) {
    const allowed = [...new Set(actionTransitions(sop, activeIds).map((t) => t.action!))]
    return reject({
      code: 'action_not_allowed',
      message: `"${input.action}" is not an action of the current step; allowed: ${allowed.join(', ') || 'none'}`,
      stepId: leaves(state.value)[0],
      allowed,
    })
  }
  const permitted = candidates.filter((t) => roleAllowed(sop, t, actor))
  if (!permitted.length) {
    const roles = [...new Set(candidates.flatMap((t) => rolesFor(sop, t)))]
    return reject({
      code: 'role_not_permitted',
      message: `Role "${actor.role}" may not take "${input.action}"; it needs: ${roles.join(', ')}`,
      stepId: candidates[0].from,
      transitionId: candidates[0].id,
      roles,
    })
  }
  const merged = { ...state.context.fields, ...fields }
  // Each candidate's action guard as the machine evaluates it: its roles, then its CEL guard.
  const actionGuards = new Map<string, boolean>()
  for (const t of candidates) actionGuards.set(t.id, false)
  const enabled = permitted.filter((t) => {
    const ok = sop.guards.get(t.id)?.(merged) ?? true
    actionGuards.set(t.id, ok)
    return ok
  })
  if (!enabled.length) {
    const guards = permitted.map((t) => ({ transitionId: t.id, guard: t.guard ?? '' }))
    return reject({
      code: 'guard_failed',
      message: `"${input.action}" is not possible with the ticket's data: ${guards.map((g) => g.guard).join(' / ')} is false`,
      stepId: permitted[0].from,
      transitionId: permitted[0].id,
      guards,
    })
  }

  const [snapshot, actions] = transition(
    sop,
    state,
    () => snapshotOf(sop, state),
    {
      type: input.action,
      role: actor.role,
      ...(actor.roles?.length ? { roles: actor.roles } : {}),
      fields,
    },
    actionGuards,
    merged,
  )
  const taken = takenIds(actions)
  const first = sop.transitions.get(taken[0])
  // Stryker disable all: XState takes one of the enabled candidates, whose roles and guards were just evaluated as the machine evaluates them; no input reaches this refusal
  if (!first) {
    return reject({
      code: 'guard_failed',
      message: `"${input.action}" is not possible with the ticket's data`,
      allowed: [],
    })
  }
  // Stryker restore all
  if (!first.skipRequirements) {
    const source = sop.steps.get(first.from)!
    const missingFields = source.requiredFields.filter((name) => isEmpty(merged[name]))
    if (missingFields.length) {
      const labels = missingFields.map((n) => sop.fields.get(n)?.label ?? n)
      return reject({
        code: 'missing_fields',
        message: `Fill in before leaving "${source.title}": ${labels.join(', ')}`,
        stepId: source.id,
        missing: missingFields,
      })
    }
    const had = state.checklist[source.id]
    const ticked = ticks[source.id]
    const missingItems = source.checklist.filter(
      (c) => c.required && !had?.includes(c.id) && !ticked?.includes(c.id),
    )
    if (missingItems.length) {
      return reject({
        code: 'checklist_incomplete',
        message: `Complete the checklist of "${source.title}": ${missingItems.map((c) => c.text).join('; ')}`,
        stepId: source.id,
        missing: missingItems.map((c) => c.id),
      })
    }
  }
  if (first.window) {
    const next = outsideWindow(sop, first.window, merged, now)
    if (next) {
      return reject({
        code: 'outside_contact_window',
        message: `"${input.action}" contacts the customer, who may not be contacted now; next allowed at ${next}`,
        stepId: first.from,
        transitionId: first.id,
        nextAllowedAt: next,
      })
    }
  }
  // Stryker disable next-line ConditionalExpression: building the record too gives the same acceptance; it only costs time
  if (onlyCheck) return CHECKED
  return accept(sop, state, snapshot, actions, {
    kind: 'action',
    actor,
    now,
    action: input.action,
    timerId: null,
    input: fields,
    ticks,
    target: null,
    reason: null,
    breach: null,
  })
}

/** A field or checklist update, within the current steps' roles. */
export function decideUpdate(
  sop: CompiledSop,
  state: TicketState,
  input: Extract<TicketInput, { kind: 'update' }>,
  actor: Actor,
  now: string,
): Decision {
  const fields = input.fields ?? {}
  const ticks = input.ticks ?? {}
  const bad =
    checkFields(sop, fields) ?? checkTicks(sop, state, ticks) ?? checkUpdateRoles(sop, state, input, actor)
  if (bad) return bad
  const [snapshot, actions] = transition(sop, state, () => snapshotOf(sop, state), {
    type: EVENT_UPDATE,
    fields,
  })
  return accept(sop, state, snapshot, actions, {
    kind: 'update',
    actor,
    now,
    action: null,
    timerId: null,
    input: fields,
    ticks,
    target: null,
    reason: null,
    breach: null,
  })
}
