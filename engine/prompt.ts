import type { CompiledSop } from './compile.ts'
import { actionTransitions, check, isEmpty, leaves, timerId } from './decide.ts'
import type { Step } from './document.ts'
import { addDuration } from './duration.ts'
import type { ActionPrompt, Actor, StepPrompt, TicketPrompt, TicketState } from './types.ts'

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
    for (const t of actionTransitions(sop, Object.keys(state.active))) {
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
      })
    }
    for (const [stepId, entry] of Object.entries(state.active)) {
      for (const t of sop.outgoing.get(stepId) ?? []) {
        if (t.after)
          pending.push({
            transitionId: t.id,
            stepId,
            label: t.label,
            dueAt: addDuration(entry.enteredAt, t.after),
          })
      }
    }
  }
  return { status: state.status, outcome: state.outcome, steps, actions, pending }
}

function stepPrompt(sop: CompiledSop, state: TicketState, step: Step, now: string): StepPrompt {
  const entry = state.active[step.id]
  const done = new Set(state.checklist[step.id] ?? [])
  const text = [step.title, step.instructions, ...step.checklist.map((c) => c.text)].join('\n').toLowerCase()
  const sla = step.sla ? { ...step.sla, dueAt: addDuration(entry.enteredAt, step.sla.due) } : null
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
        filled: !isEmpty(state.context.fields[name]),
      }
    }),
    roles: step.roles,
    enteredAt: entry.enteredAt,
    sla: sla
      ? {
          due: sla.due,
          dueAt: sla.dueAt,
          breached: Date.parse(now) >= Date.parse(sla.dueAt),
          escalateTo: sla.escalateTo ?? null,
          notify: sla.notify ?? null,
          timerId: timerId('sla', step.id, entry.seq),
        }
      : null,
    glossary: sop.document.glossary.filter((g) => text.includes(g.term.toLowerCase())),
  }
}
