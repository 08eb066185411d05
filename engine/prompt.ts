import { slaDueMs, slaHeld, slaTimerId } from './clocks.ts'
import type { CompiledSop } from './compile.ts'
import { actionTransitions, check, isEmpty, leaves } from './decide.ts'
import type { Step, Transition } from './document.ts'
import { dueAfter } from './due.ts'
import type { ActionPrompt, Actor, FieldPrompt, StepPrompt, TicketPrompt, TicketState } from './types.ts'

/**
 * What to do now: the current step(s) with instructions, checklist, required fields, glossary and
 * SLA deadline, and every action with whether this actor can take it now and, if not, why.
 */
export function prompt(sop: CompiledSop, state: TicketState, actor: Actor | null, now: string): TicketPrompt {
  const leafIds = leaves(state.value).filter((id) => state.active[id])
  const steps = leafIds.map((id) => stepPrompt(sop, state, sop.steps.get(id)!, now))
  const actions: ActionPrompt[] = []
  const pending: TicketPrompt['pending'] = []
  if (state.status === 'open') {
    const seen = new Set<string>()
    const offered = actionTransitions(sop, Object.keys(state.active))
    const primary = primaryTransitions(offered)
    for (const t of offered) {
      const key = `${t.from}:${t.action}`
      if (seen.has(key)) continue
      seen.add(key)
      const same = (sop.outgoing.get(t.from) ?? []).filter((o) => o.action === t.action)
      const blocked = actor ? check(sop, state, { kind: 'action', action: t.action! }, actor, now) : null
      actions.push({
        action: t.action!,
        label: t.label || t.action!,
        stepId: t.from,
        transitionIds: same.map((o) => o.id),
        available: actor !== null && blocked === null,
        blocked,
        tone: primary.has(t.id) ? 'primary' : isDanger(sop, t) ? 'danger' : 'secondary',
        guardFields: [...new Set(same.flatMap((o) => guardFields(sop, o.guard)))],
      })
    }
    for (const [stepId, entry] of Object.entries(state.active)) {
      // Stryker disable next-line ArrayDeclaration: only a step with no way out has no entry, and the placeholder string put there has no `after` either
      for (const t of sop.outgoing.get(stepId) ?? []) {
        if (t.after)
          pending.push({
            transitionId: t.id,
            stepId,
            label: t.label,
            dueAt: dueAfter(sop, entry.enteredAt, t.after, t),
          })
      }
    }
  }
  return {
    status: state.status,
    outcome: state.outcome,
    steps,
    actions,
    fields: fieldPrompts(sop, state, steps, actions),
    pending,
  }
}

const UNRESOLVED = new Set(['cancelled', 'escalated', 'no_response', 'lost'])

/** Per step, the action the owner marked primary, else its first action that does not skip. */
function primaryTransitions(offered: readonly Transition[]): Set<string> {
  const byStep = new Map<string, Transition[]>()
  for (const t of offered) byStep.set(t.from, [...(byStep.get(t.from) ?? []), t])
  const ids = new Set<string>()
  for (const list of byStep.values()) {
    const chosen = list.find((t) => t.primary) ?? list.find((t) => !t.skipRequirements)
    if (chosen) ids.add(chosen.id)
  }
  return ids
}

function isDanger(sop: CompiledSop, t: Transition): boolean {
  if (t.skipRequirements) return true
  const to = sop.steps.get(t.to)
  // Stryker disable next-line ConditionalExpression,LogicalOperator,OptionalChaining: every target exists, only end steps carry an outcome, and UNRESOLVED never holds undefined
  return to?.kind === 'end' && to.outcome !== undefined && UNRESOLVED.has(to.outcome)
}

/** The declared ticket fields a CEL guard reads as `ticket.<name>` (or `ticket["name"]`). */
export function guardFields(sop: CompiledSop, guard: string | undefined): string[] {
  if (!guard) return []
  const names = new Set<string>()
  for (const m of guard.matchAll(
    /\bticket\s*(?:\.\s*([a-z][a-z0-9_]*)|\[\s*["']([a-z][a-z0-9_]*)["']\s*\])/g,
  )) {
    const name = m[1] ?? m[2]
    if (sop.fields.has(name)) names.add(name)
  }
  return [...names]
}

function fieldPrompts(
  sop: CompiledSop,
  state: TicketState,
  steps: StepPrompt[],
  actions: ActionPrompt[],
): FieldPrompt[] {
  const out = new Map<string, FieldPrompt>()
  const add = (name: string, required: boolean, action?: string) => {
    const f = sop.fields.get(name)
    if (!f) return
    let p = out.get(name)
    if (!p) {
      p = {
        name,
        label: f.label,
        type: f.type,
        ...(f.options ? { options: f.options } : {}),
        ...(f.bind ? { bind: f.bind } : {}),
        filled: !isEmpty(state.context.fields[name]),
        required,
        readBy: [],
      }
      out.set(name, p)
    }
    if (required) p.required = true
    if (action && !p.readBy.includes(action)) p.readBy.push(action)
  }
  if (state.status !== 'open') return []
  for (const s of steps) for (const f of s.requiredFields) add(f.name, true)
  for (const a of actions) for (const name of a.guardFields) add(name, false, a.action)
  return [...out.values()]
}

function stepPrompt(sop: CompiledSop, state: TicketState, step: Step, now: string): StepPrompt {
  const entry = state.active[step.id]
  const done = new Set(state.checklist[step.id] ?? [])
  const text = [step.title, step.instructions, ...step.checklist.map((c) => c.text)].join('\n').toLowerCase()
  const paused = slaHeld(sop, step.id, Boolean(state.pausedSince))
  const sla = step.sla
    ? { ...step.sla, dueAt: new Date(slaDueMs(sop, step, entry, state.pausedSince, now)).toISOString() }
    : null
  return {
    stepId: step.id,
    kind: step.kind,
    title: step.title,
    path: (sop.ancestors.get(step.id) ?? []).map((id) => sop.steps.get(id)!.title).reverse(),
    instructions: step.instructions,
    checklist: step.checklist.map((c) => ({
      id: c.id,
      text: c.text,
      required: c.required,
      done: done.has(c.id),
    })),
    requiredFields: step.requiredFields.map((name) => {
      const f = sop.fields.get(name)!
      return {
        name,
        label: f.label,
        type: f.type,
        ...(f.options ? { options: f.options } : {}),
        ...(f.bind ? { bind: f.bind } : {}),
        filled: !isEmpty(state.context.fields[name]),
      }
    }),
    roles: step.roles,
    enteredAt: entry.enteredAt,
    sla: sla
      ? {
          due: sla.due,
          dueAt: sla.dueAt,
          breached: !paused && Date.parse(now) >= Date.parse(sla.dueAt),
          escalateTo: sla.escalateTo ?? null,
          notify: sla.notify ?? null,
          timerId: slaTimerId(step.id, entry),
          ...(paused ? { paused: true } : {}),
        }
      : null,
    glossary: sop.document.glossary.filter((g) => text.includes(g.term.toLowerCase())),
  }
}
