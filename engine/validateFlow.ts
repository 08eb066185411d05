import type { Diagnostics } from './diagnostics.ts'
import type { Transition } from './document.ts'
import { CONTAINERS, type Model, triggerOf, valueFitsType } from './validate.ts'

/** Transitions, the ways out of every step, and what the initial step reaches. */
export function checkFlow(m: Model, out: Diagnostics): void {
  const { steps, children, fields, broken } = m
  const outgoing = new Map<string, Transition[]>()
  for (const t of m.doc.transitions) {
    const ids = { transitionId: t.id }
    const from = steps.get(t.from)
    const to = steps.get(t.to)
    if (!from && !broken.steps.has(t.from))
      out.error('unknown_source', `Transition "${t.id}" leaves from "${t.from}", which does not exist`, {
        ...ids,
        property: 'from',
        params: { value: t.from },
      })
    if (!to && !broken.steps.has(t.to))
      out.error('unknown_target', `Transition "${t.id}" goes to "${t.to}", which does not exist`, {
        ...ids,
        property: 'to',
        params: { value: t.to },
      })
    if (!from) continue
    outgoing.set(from.id, [...(outgoing.get(from.id) ?? []), t])
    const trigger = triggerOf(t)
    if (t.action && t.after) {
      out.error('trigger_conflict', `Transition "${t.id}" has both an action and a delay; give it one`, ids)
    }
    if (from.kind === 'end')
      out.error('end_has_transition', `End step "${from.id}" cannot have transition "${t.id}" out of it`, {
        ...ids,
        params: { step: from.id },
      })
    if (trigger === 'automatic' && (from.kind === 'task' || from.kind === 'wait')) {
      out.error(
        'missing_trigger',
        `Transition "${t.id}" from ${from.kind} step "${from.id}" needs an action or a delay`,
        { ...ids, params: { step: from.id, kind: from.kind } },
      )
    }
    if (from.kind === 'decision' && trigger !== 'automatic') {
      out.error(
        'decision_trigger',
        `Transition "${t.id}" leaves decision "${from.id}"; a decision's branches are taken automatically, without an action or delay`,
        { ...ids, params: { step: from.id } },
      )
    }
    for (const e of t.effects) {
      if (e.type !== 'set') continue
      const f = fields.get(e.field)
      const at = { ...ids, property: 'effects', params: { field: e.field, value: JSON.stringify(e.value) } }
      if (!f) {
        if (!broken.fields.has(e.field))
          out.error('unknown_field', `Transition "${t.id}" sets "${e.field}", which is not a ticket field`, {
            ...at,
            variant: 'effect',
          })
      } else if (!valueFitsType(f, e.value)) {
        out.error(
          'effect_type',
          `Transition "${t.id}" sets ${f.type} field "${f.name}" to ${JSON.stringify(e.value)}`,
          {
            ...at,
            params: { ...at.params, kind: f.type },
          },
        )
      }
    }
  }

  // Ways out.
  for (const s of steps.values()) {
    const exits = outgoing.get(s.id) ?? []
    const ids = { stepId: s.id }
    if (s.kind === 'decision') {
      if (!exits.length)
        out.error('dead_end', `Decision "${s.id}" has no branches`, { ...ids, variant: 'decision' })
      else {
        const defaults = exits.filter((t) => !t.guard)
        if (!defaults.length) {
          out.error(
            'decision_no_default',
            `Decision "${s.id}" has no default branch: when every guard is false the ticket would be stuck; add a branch without a guard`,
            ids,
          )
        } else if (defaults.length > 1) {
          out.warn(
            'decision_multiple_defaults',
            `Decision "${s.id}" has ${defaults.length} branches without a guard; only the first can be taken`,
            { ...ids, params: { count: defaults.length } },
          )
        }
      }
    }
    if (s.kind === 'wait' && !exits.some((t) => t.after)) {
      out.error(
        'wait_without_timeout',
        `Wait step "${s.id}" needs a timeout: a transition with a delay ("after")`,
        ids,
      )
    }
    if (s.kind === 'task' || s.kind === 'wait') {
      let hasWayOut = exits.length > 0 || Boolean(s.sla?.escalateTo)
      for (
        let p = s.parent ? steps.get(s.parent) : undefined;
        p && !hasWayOut;
        p = p.parent ? steps.get(p.parent) : undefined
      ) {
        // Stryker disable next-line ArrayDeclaration: a stray entry has no action or delay, so it is no way out
        hasWayOut = (outgoing.get(p.id) ?? []).some((t) => triggerOf(t) !== 'automatic')
      }
      if (!hasWayOut)
        out.error('dead_end', `Step "${s.id}" has no way out: add a transition or make it an end step`, ids)
    }
    if (CONTAINERS.has(s.kind)) {
      const completions = exits.filter((t) => triggerOf(t) === 'automatic')
      // Stryker disable next-line ArrayDeclaration: a stray child is no end step and has no children
      const kids = children.get(s.id) ?? []
      const canFinish =
        s.kind === 'group'
          ? kids.some((k) => k.kind === 'end')
          : // Stryker disable next-line ArrayDeclaration: a stray child is no end step
            kids.length > 0 && kids.every((k) => (children.get(k.id) ?? []).some((c) => c.kind === 'end'))
      const isRegion = s.parent !== undefined && steps.get(s.parent)?.kind === 'parallel'
      const what = s.kind === 'group' ? 'Group' : 'Parallel step'
      if (canFinish && !completions.length && !isRegion) {
        out.error('dead_end', `${what} "${s.id}" can finish but has no transition to take when it does`, {
          ...ids,
          variant: 'container',
          params: { kind: s.kind },
        })
      }
      if (completions.length && !canFinish) {
        out.error(
          'completion_unreachable',
          `${what} "${s.id}" has a completion transition, but ${s.kind === 'group' ? 'no end step inside' : 'not every region has an end step inside'}`,
          { ...ids, params: { kind: s.kind } },
        )
      }
    }
  }

  // Reachability from the initial step.
  const initial = steps.get(m.doc.initial)
  if (!initial || initial.parent) return
  const reached = new Set<string>()
  const queue: string[] = []
  const reach = (id: string) => {
    const s = steps.get(id)
    if (!s || reached.has(id)) return
    reached.add(id)
    queue.push(id)
    // Stryker disable next-line ConditionalExpression: reaching no parent (undefined) reaches nothing
    if (s.parent) reach(s.parent)
  }
  reach(initial.id)
  // A ticket-level policy escalates from wherever the ticket is.
  // Stryker disable next-line ArrayDeclaration,ConditionalExpression: a stray target escalates to no step, and reaching no step (undefined) reaches nothing
  for (const t of m.doc.policy?.targets ?? []) if (t.escalateTo) reach(t.escalateTo)
  while (queue.length) {
    const s = steps.get(queue.shift()!)!
    // Stryker disable next-line ConditionalExpression,LogicalOperator: only a group has an initial step; reaching none (undefined) reaches nothing
    if (s.kind === 'group' && s.initial) reach(s.initial)
    // Stryker disable next-line ArrayDeclaration: a stray child has no id, and reaching no step (undefined) reaches nothing
    if (s.kind === 'parallel') for (const k of children.get(s.id) ?? []) reach(k.id)
    // Stryker disable next-line ArrayDeclaration: a stray transition has no target, and reaching no step (undefined) reaches nothing
    for (const t of outgoing.get(s.id) ?? []) reach(t.to)
    // A transition left out for its shape still leads on: what it reaches is not reported again.
    for (const e of broken.edges) if (e.from === s.id) reach(e.to)
    // Stryker disable next-line ConditionalExpression: reaching no escalation step (undefined) reaches nothing
    if (s.sla?.escalateTo) reach(s.sla.escalateTo)
  }
  for (const s of steps.values()) {
    if (!reached.has(s.id)) {
      out.error(
        'unreachable_step',
        `Step "${s.id}" cannot be reached from the initial step "${initial.id}"`,
        {
          stepId: s.id,
          params: { initial: initial.id },
        },
      )
    }
  }
}
