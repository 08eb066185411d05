import { type Diagnostic, Diagnostics } from './diagnostics.ts'
import type { SopDocument, Step, TicketField, Transition } from './document.ts'
import { checkTemplates } from './templates.ts'
import { checkFlow } from './validateFlow.ts'
import { checkGuards } from './validateGuards.ts'
import { type Broken, checkSchema } from './validateSchema.ts'

export {
  DIAGNOSTIC_CODES,
  type Diagnostic,
  type DiagnosticCode,
  type DiagnosticParams,
} from './diagnostics.ts'
export { collectedFields, comparedValues, referencedFields } from './validateGuards.ts'

export interface ValidationResult {
  /** True when there is no error (warnings allowed). */
  valid: boolean
  /** The parsed document (defaults applied) when it matched the schema. */
  document: SopDocument | null
  diagnostics: Diagnostic[]
}

export const CONTAINERS = new Set(['group', 'parallel'])

/** Kind of trigger a transition has. */
export function triggerOf(t: Pick<Transition, 'action' | 'after'>): 'action' | 'after' | 'automatic' {
  if (t.action) return 'action'
  if (t.after) return 'after'
  return 'automatic'
}

/**
 * Structural and semantic checks of an SOP document. Invalid documents never compile. A value of
 * the wrong shape is reported on its step, transition or field, and the semantic checks still run
 * on every part that can be read.
 */
export function validate(input: unknown): ValidationResult {
  const out = new Diagnostics()
  const pass = checkSchema(input, out)
  if (pass.checkable) checkDocument(pass.checkable, pass.broken, out)
  const diagnostics = out.list
  return {
    // Stryker disable next-line ConditionalExpression: a document that did not match the schema always carries its schema errors
    valid: pass.document !== null && !diagnostics.some((d) => d.severity === 'error'),
    document: pass.document,
    diagnostics,
  }
}

/** What the checks of one document share. */
export interface Model {
  doc: SopDocument
  steps: Map<string, Step>
  children: Map<string, Step[]>
  fields: Map<string, TicketField>
  broken: Broken
}

function checkDocument(doc: SopDocument, broken: Broken, out: Diagnostics): void {
  checkTemplates(doc.templates ?? [], new Set(doc.steps.map((s) => s.id)), out)
  // Stryker disable next-line ArrayDeclaration: a stray target escalates nowhere, names no channels and counts no business time
  for (const t of doc.policy?.targets ?? []) {
    if (t.escalateTo && !doc.steps.some((s) => s.id === t.escalateTo))
      out.error(
        'unknown_target',
        `The ${t.metric} policy escalates to "${t.escalateTo}", which does not exist`,
        {
          property: 'policy',
          variant: 'escalation',
          params: { target: t.escalateTo, step: t.metric },
        },
      )
    if (t.channels && !doc.fields.some((f) => f.bind === 'ticket.channel'))
      out.error(
        'policy_channel_without_field',
        `The ${t.metric} policy applies to channels, but no ticket field is bound to the channel`,
        { property: 'policy', params: { step: t.metric } },
      )
    if (t.time === 'business' && !t.calendar && !doc.calendar)
      out.warn(
        'business_time_without_calendar',
        `The ${t.metric} policy counts business time but names no calendar, and the SOP has none: publishing needs the first step's team to have one`,
        { property: 'policy', params: { step: t.metric } },
      )
  }
  const reopenAt = doc.closedReply?.step
  if (reopenAt) {
    const step = doc.steps.find((s) => s.id === reopenAt)
    if (!step || step.kind === 'end')
      out.error(
        'unknown_target',
        step
          ? `A reply on a closed ticket reopens it at "${reopenAt}", which is an end step`
          : `A reply on a closed ticket reopens it at "${reopenAt}", which does not exist`,
        { property: 'closedReply.step', variant: 'reopen', params: { target: reopenAt } },
      )
  }
  // Business time needs a calendar to count in: its own, its team's (known when publishing) or the SOP's.
  for (const s of doc.steps) {
    if (s.sla?.time === 'business' && !s.sla.calendar && !doc.calendar)
      out.warn(
        'business_time_without_calendar',
        `Step "${s.id}" counts its SLA in business time but names no calendar, and the SOP has none: publishing needs its team to have one`,
        { stepId: s.id, property: 'sla.calendar' },
      )
  }
  for (const t of doc.transitions) {
    if (t.after && t.time === 'business' && !t.calendar && !doc.calendar)
      out.warn(
        'business_time_without_calendar',
        `Transition "${t.id}" counts its delay in business time but names no calendar, and the SOP has none: publishing needs the team of the step it leaves to have one`,
        { transitionId: t.id, property: 'calendar', variant: 'delay' },
      )
  }
  // Ids and fields.
  const steps = new Map<string, Step>()
  for (const s of doc.steps) {
    if (steps.has(s.id))
      out.error('duplicate_id', `Step id "${s.id}" is used more than once`, {
        stepId: s.id,
        property: 'id',
        params: { value: s.id },
      })
    else steps.set(s.id, s)
  }
  const transitionIds = new Set<string>()
  for (const t of doc.transitions) {
    if (transitionIds.has(t.id)) {
      out.error('duplicate_id', `Transition id "${t.id}" is used more than once`, {
        transitionId: t.id,
        variant: 'transition',
        property: 'id',
        params: { value: t.id },
      })
    }
    transitionIds.add(t.id)
  }
  const fields = new Map<string, TicketField>()
  for (const f of doc.fields) {
    const params = { field: f.name }
    if (fields.has(f.name))
      out.error('duplicate_field', `Ticket field "${f.name}" is declared more than once`, { params })
    fields.set(f.name, f)
    if (f.type === 'choice' && !f.options?.length) {
      out.error('choice_without_options', `Choice field "${f.name}" needs at least one option`, { params })
    }
  }
  const terms = new Set<string>()
  for (const g of doc.glossary) {
    const key = g.term.toLowerCase()
    if (terms.has(key))
      out.warn('duplicate_term', `Glossary term "${g.term}" is defined more than once`, {
        params: { term: g.term },
      })
    terms.add(key)
  }

  // Hierarchy.
  const children = new Map<string, Step[]>()
  for (const s of steps.values()) {
    if (!s.parent) continue
    const parent = steps.get(s.parent)
    const ids = { stepId: s.id, property: 'parent', params: { parent: s.parent } }
    if (!parent) {
      if (!broken.steps.has(s.parent))
        out.error('unknown_parent', `Step "${s.id}" is inside "${s.parent}", which does not exist`, ids)
      continue
    }
    if (!CONTAINERS.has(parent.kind)) {
      out.error(
        'parent_not_container',
        `Step "${s.id}" is inside "${parent.id}", a ${parent.kind} step; only group and parallel steps contain steps`,
        { ...ids, params: { parent: parent.id, kind: parent.kind } },
      )
      continue
    }
    if (parent.kind === 'parallel' && s.kind !== 'group') {
      out.error(
        'region_not_group',
        `Step "${s.id}" is directly inside parallel step "${parent.id}"; each parallel region must be a group step`,
        ids,
      )
    }
    children.set(parent.id, [...(children.get(parent.id) ?? []), s])
  }
  let hasCycle = false
  for (const s of steps.values()) {
    // Stryker disable next-line ArrayDeclaration: a step inside itself is found one step later all the same
    const seen = new Set<string>([s.id])
    let p = s.parent ? steps.get(s.parent) : undefined
    while (p) {
      if (seen.has(p.id)) {
        hasCycle = true
        out.error('parent_cycle', `Step "${s.id}" is nested inside itself`, {
          stepId: s.id,
          property: 'parent',
        })
        break
      }
      seen.add(p.id)
      p = p.parent ? steps.get(p.parent) : undefined
    }
  }
  if (hasCycle) return

  const initial = steps.get(doc.initial)
  if (!initial) {
    out.error('missing_initial', `The initial step "${doc.initial}" does not exist`, {
      property: 'initial',
      params: { value: doc.initial },
    })
  } else if (initial.parent) {
    out.error(
      'missing_initial',
      `The initial step "${doc.initial}" must be a top-level step, not inside "${initial.parent}"`,
      { stepId: initial.id, variant: 'nested', params: { parent: initial.parent } },
    )
  }

  const model: Model = { doc, steps, children, fields, broken }
  for (const s of steps.values()) checkStep(model, s, out)
  checkGuards(doc, broken.fields, out)
  checkFlow(model, out)
}

function checkStep(m: Model, s: Step, out: Diagnostics): void {
  const ids = { stepId: s.id }
  const kids = m.children.get(s.id) ?? []
  if (s.kind === 'group') {
    if (!kids.length) out.error('empty_container', `Group "${s.id}" has no steps inside`, ids)
    else if (!s.initial)
      out.error('missing_initial', `Group "${s.id}" needs an initial step`, { ...ids, variant: 'group' })
    else if (!kids.some((k) => k.id === s.initial)) {
      out.error(
        'missing_initial',
        `Group "${s.id}" starts at "${s.initial}", which is not one of its steps`,
        {
          ...ids,
          variant: 'group_foreign',
          property: 'initial',
          params: { initial: s.initial },
        },
      )
    }
  }
  if (s.kind === 'parallel') {
    if (kids.length < 2) {
      out.warn(
        'parallel_single_region',
        `Parallel step "${s.id}" has ${kids.length} region(s); it needs two or more to run anything together`,
        { ...ids, params: { count: kids.length } },
      )
    }
    if (!kids.length) out.error('empty_container', `Parallel step "${s.id}" has no regions inside`, ids)
  }
  if (s.kind !== 'group' && s.initial) {
    out.warn('initial_ignored', `Step "${s.id}" is a ${s.kind} step; only groups have an initial step`, {
      ...ids,
      property: 'initial',
      params: { kind: s.kind },
    })
  }
  if (s.kind === 'end' && !s.parent && !s.outcome) {
    out.error(
      'end_without_outcome',
      `End step "${s.id}" needs an outcome (resolved, escalated, cancelled…)`,
      {
        ...ids,
        property: 'outcome',
      },
    )
  }
  for (const name of s.requiredFields) {
    if (!m.fields.has(name) && !m.broken.fields.has(name)) {
      out.error('unknown_field', `Step "${s.id}" requires field "${name}", which is not a ticket field`, {
        ...ids,
        property: 'requiredFields',
        params: { field: name },
      })
    }
  }
  const itemIds = new Set<string>()
  for (const item of s.checklist) {
    if (itemIds.has(item.id)) {
      out.error('duplicate_id', `Step "${s.id}" has checklist item "${item.id}" more than once`, {
        ...ids,
        variant: 'checklist',
        property: 'checklist',
        params: { item: item.id, value: item.id },
      })
    }
    itemIds.add(item.id)
  }
  if (s.sla?.escalateTo) {
    const target = m.steps.get(s.sla.escalateTo)
    const at = { ...ids, property: 'sla.escalateTo', params: { target: s.sla.escalateTo } }
    if (!target) {
      if (!m.broken.steps.has(s.sla.escalateTo))
        out.error(
          'unknown_target',
          `Step "${s.id}" escalates to "${s.sla.escalateTo}", which does not exist`,
          { ...at, variant: 'escalation' },
        )
    } else if (!target.roles.length && !s.sla.notify) {
      out.error(
        'escalation_without_owner',
        `Step "${s.id}" escalates to "${target.id}", which has no roles: say who owns the escalation`,
        at,
      )
    }
  } else if (s.sla && !s.sla.notify) {
    out.warn(
      'sla_without_owner',
      `Step "${s.id}" has an SLA but neither escalates nor notifies anyone on breach`,
      {
        ...ids,
        property: 'sla',
      },
    )
  }
}

/** Whether a value fits a ticket field's type (null clears any field). */
export function valueFitsType(field: TicketField, value: unknown): boolean {
  if (value === null) return true
  switch (field.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'boolean':
      return typeof value === 'boolean'
    case 'choice':
      return typeof value === 'string' && (field.options ?? []).some((o) => o.value === value)
    case 'date':
      return (
        typeof value === 'string' &&
        /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) &&
        !Number.isNaN(Date.parse(value))
      )
    case 'email':
      return typeof value === 'string' && (value === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value))
    case 'phone':
      return typeof value === 'string' && (value === '' || /^\+?[0-9 ().-]{3,32}$/.test(value))
    default:
      return typeof value === 'string'
  }
}
