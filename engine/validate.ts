import {
  type SopDocument,
  type Step,
  sopDocumentSchema,
  type TicketField,
  type Transition,
} from './document.ts'
import { GuardEnvironment } from './guard.ts'

export interface Diagnostic {
  /** Stable code, e.g. `unknown_target`, `dead_end`, `guard_invalid`. */
  code: string
  severity: 'error' | 'warning'
  message: string
  stepId?: string
  transitionId?: string
  /** JSON path of the offending value, for schema errors (e.g. `steps.2.kind`). */
  path?: string
}

export interface ValidationResult {
  /** True when there is no error (warnings allowed). */
  valid: boolean
  /** The parsed document (defaults applied) when it matched the schema. */
  document: SopDocument | null
  diagnostics: Diagnostic[]
}

const CONTAINERS = new Set(['group', 'parallel'])

/** Kind of trigger a transition has. */
export function triggerOf(t: Pick<Transition, 'action' | 'after'>): 'action' | 'after' | 'automatic' {
  if (t.action) return 'action'
  if (t.after) return 'after'
  return 'automatic'
}

/** Structural and semantic checks of an SOP document. Invalid documents never compile. */
export function validate(input: unknown): ValidationResult {
  const parsed = sopDocumentSchema.safeParse(input)
  if (!parsed.success) {
    const diagnostics = parsed.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.')
      return {
        code: 'schema',
        severity: 'error' as const,
        message: `${path || 'document'}: ${issue.message}`,
        path,
        ...idAt(input, issue.path),
      }
    })
    return { valid: false, document: null, diagnostics }
  }
  const doc = parsed.data
  const diagnostics = checkDocument(doc)
  return { valid: !diagnostics.some((d) => d.severity === 'error'), document: doc, diagnostics }
}

/** The step or transition id a schema error's path points into, when it has one. */
function idAt(input: unknown, path: readonly PropertyKey[]): { stepId?: string; transitionId?: string } {
  const [list, index] = path
  if ((list !== 'steps' && list !== 'transitions') || typeof index !== 'number') return {}
  const item = (input as Record<string, unknown[]>)?.[list]?.[index] as { id?: unknown } | undefined
  if (!item || typeof item.id !== 'string') return {}
  return list === 'steps' ? { stepId: item.id } : { transitionId: item.id }
}

function checkDocument(doc: SopDocument): Diagnostic[] {
  const out: Diagnostic[] = []
  const error = (code: string, message: string, ids: Partial<Diagnostic> = {}) =>
    out.push({ code, severity: 'error', message, ...ids })
  const warn = (code: string, message: string, ids: Partial<Diagnostic> = {}) =>
    out.push({ code, severity: 'warning', message, ...ids })

  // Ids and fields.
  const steps = new Map<string, Step>()
  for (const s of doc.steps) {
    if (steps.has(s.id)) error('duplicate_id', `Step id "${s.id}" is used more than once`, { stepId: s.id })
    else steps.set(s.id, s)
  }
  const transitionIds = new Set<string>()
  for (const t of doc.transitions) {
    if (transitionIds.has(t.id)) {
      error('duplicate_id', `Transition id "${t.id}" is used more than once`, { transitionId: t.id })
    }
    transitionIds.add(t.id)
  }
  const fields = new Map<string, TicketField>()
  for (const f of doc.fields) {
    if (fields.has(f.name)) error('duplicate_field', `Ticket field "${f.name}" is declared more than once`)
    fields.set(f.name, f)
    if (f.type === 'choice' && !f.options?.length) {
      error('choice_without_options', `Choice field "${f.name}" needs at least one option`)
    }
  }
  const terms = new Set<string>()
  for (const g of doc.glossary) {
    const key = g.term.toLowerCase()
    if (terms.has(key)) warn('duplicate_term', `Glossary term "${g.term}" is defined more than once`)
    terms.add(key)
  }

  // Hierarchy.
  const children = new Map<string, Step[]>()
  for (const s of steps.values()) {
    if (!s.parent) continue
    const parent = steps.get(s.parent)
    if (!parent) {
      error('unknown_parent', `Step "${s.id}" is inside "${s.parent}", which does not exist`, {
        stepId: s.id,
      })
      continue
    }
    if (!CONTAINERS.has(parent.kind)) {
      error(
        'parent_not_container',
        `Step "${s.id}" is inside "${parent.id}", a ${parent.kind} step; only group and parallel steps contain steps`,
        {
          stepId: s.id,
        },
      )
      continue
    }
    if (parent.kind === 'parallel' && s.kind !== 'group') {
      error(
        'region_not_group',
        `Step "${s.id}" is directly inside parallel step "${parent.id}"; each parallel region must be a group step`,
        {
          stepId: s.id,
        },
      )
    }
    children.set(parent.id, [...(children.get(parent.id) ?? []), s])
  }
  const hasCycle = new Set<string>()
  for (const s of steps.values()) {
    const seen = new Set<string>([s.id])
    let p = s.parent ? steps.get(s.parent) : undefined
    while (p) {
      if (seen.has(p.id)) {
        hasCycle.add(s.id)
        error('parent_cycle', `Step "${s.id}" is nested inside itself`, { stepId: s.id })
        break
      }
      seen.add(p.id)
      p = p.parent ? steps.get(p.parent) : undefined
    }
  }
  if (hasCycle.size) return out

  const initial = steps.get(doc.initial)
  if (!initial) error('missing_initial', `The initial step "${doc.initial}" does not exist`)
  else if (initial.parent) {
    error(
      'missing_initial',
      `The initial step "${doc.initial}" must be a top-level step, not inside "${initial.parent}"`,
      {
        stepId: initial.id,
      },
    )
  }

  for (const s of steps.values()) {
    const kids = children.get(s.id) ?? []
    if (s.kind === 'group') {
      if (!kids.length) error('empty_container', `Group "${s.id}" has no steps inside`, { stepId: s.id })
      else if (!s.initial) error('missing_initial', `Group "${s.id}" needs an initial step`, { stepId: s.id })
      else if (!kids.some((k) => k.id === s.initial)) {
        error('missing_initial', `Group "${s.id}" starts at "${s.initial}", which is not one of its steps`, {
          stepId: s.id,
        })
      }
    }
    if (s.kind === 'parallel') {
      if (kids.length < 2) {
        warn(
          'parallel_single_region',
          `Parallel step "${s.id}" has ${kids.length} region(s); it needs two or more to run anything together`,
          {
            stepId: s.id,
          },
        )
      }
      if (!kids.length)
        error('empty_container', `Parallel step "${s.id}" has no regions inside`, { stepId: s.id })
    }
    if (s.kind !== 'group' && s.initial) {
      warn('initial_ignored', `Step "${s.id}" is a ${s.kind} step; only groups have an initial step`, {
        stepId: s.id,
      })
    }
    if (s.kind === 'end' && !s.parent && !s.outcome) {
      error('end_without_outcome', `End step "${s.id}" needs an outcome (resolved, escalated, cancelled…)`, {
        stepId: s.id,
      })
    }
    for (const name of s.requiredFields) {
      if (!fields.has(name)) {
        error('unknown_field', `Step "${s.id}" requires field "${name}", which is not a ticket field`, {
          stepId: s.id,
        })
      }
    }
    const itemIds = new Set<string>()
    for (const item of s.checklist) {
      if (itemIds.has(item.id)) {
        error('duplicate_id', `Step "${s.id}" has checklist item "${item.id}" more than once`, {
          stepId: s.id,
        })
      }
      itemIds.add(item.id)
    }
    if (s.sla?.escalateTo) {
      const target = steps.get(s.sla.escalateTo)
      if (!target) {
        error('unknown_target', `Step "${s.id}" escalates to "${s.sla.escalateTo}", which does not exist`, {
          stepId: s.id,
        })
      } else if (!target.roles.length && !s.sla.notify) {
        error(
          'escalation_without_owner',
          `Step "${s.id}" escalates to "${target.id}", which has no roles: say who owns the escalation`,
          {
            stepId: s.id,
          },
        )
      }
    } else if (s.sla && !s.sla.notify) {
      warn(
        'sla_without_owner',
        `Step "${s.id}" has an SLA but neither escalates nor notifies anyone on breach`,
        { stepId: s.id },
      )
    }
  }

  // Transitions.
  const guards = new GuardEnvironment(doc.fields)
  const outgoing = new Map<string, Transition[]>()
  for (const t of doc.transitions) {
    const ids = { transitionId: t.id }
    const from = steps.get(t.from)
    const to = steps.get(t.to)
    if (!from)
      error('unknown_source', `Transition "${t.id}" leaves from "${t.from}", which does not exist`, ids)
    if (!to) error('unknown_target', `Transition "${t.id}" goes to "${t.to}", which does not exist`, ids)
    if (!from) continue
    outgoing.set(from.id, [...(outgoing.get(from.id) ?? []), t])
    const trigger = triggerOf(t)
    if (t.action && t.after) {
      error('trigger_conflict', `Transition "${t.id}" has both an action and a delay; give it one`, ids)
    }
    if (from.kind === 'end')
      error('end_has_transition', `End step "${from.id}" cannot have transition "${t.id}" out of it`, ids)
    if (trigger === 'automatic' && (from.kind === 'task' || from.kind === 'wait')) {
      error(
        'missing_trigger',
        `Transition "${t.id}" from ${from.kind} step "${from.id}" needs an action or a delay`,
        ids,
      )
    }
    if (from.kind === 'decision' && trigger !== 'automatic') {
      error(
        'decision_trigger',
        `Transition "${t.id}" leaves decision "${from.id}"; a decision's branches are taken automatically, without an action or delay`,
        ids,
      )
    }
    if (t.guard !== undefined) {
      if (!t.guard.trim()) {
        error('guard_invalid', `Transition "${t.id}" has an empty guard`, ids)
      } else {
        for (const name of referencedFields(t.guard)) {
          if (!fields.has(name)) {
            error(
              'guard_unknown_field',
              `Guard of "${t.id}" uses ticket.${name}, which is not a ticket field`,
              ids,
            )
          }
        }
        const check = guards.check(t.guard)
        if (!check.ok && !referencedFields(t.guard).some((n) => !fields.has(n))) {
          error('guard_invalid', `Guard of "${t.id}" (${t.guard}): ${check.message}`, ids)
        }
      }
    }
    for (const e of t.effects) {
      if (e.type !== 'set') continue
      const f = fields.get(e.field)
      if (!f)
        error('unknown_field', `Transition "${t.id}" sets "${e.field}", which is not a ticket field`, ids)
      else if (!valueFitsType(f, e.value)) {
        error(
          'effect_type',
          `Transition "${t.id}" sets ${f.type} field "${f.name}" to ${JSON.stringify(e.value)}`,
          ids,
        )
      }
    }
  }

  // Ways out.
  for (const s of steps.values()) {
    const out = outgoing.get(s.id) ?? []
    const ids = { stepId: s.id }
    if (s.kind === 'decision') {
      if (!out.length) error('dead_end', `Decision "${s.id}" has no branches`, ids)
      else {
        const defaults = out.filter((t) => !t.guard)
        if (!defaults.length) {
          error(
            'decision_no_default',
            `Decision "${s.id}" has no default branch: when every guard is false the ticket would be stuck; add a branch without a guard`,
            ids,
          )
        } else if (defaults.length > 1) {
          warn(
            'decision_multiple_defaults',
            `Decision "${s.id}" has ${defaults.length} branches without a guard; only the first can be taken`,
            ids,
          )
        }
      }
    }
    if (s.kind === 'wait' && !out.some((t) => t.after)) {
      error(
        'wait_without_timeout',
        `Wait step "${s.id}" needs a timeout: a transition with a delay ("after")`,
        ids,
      )
    }
    if (s.kind === 'task' || s.kind === 'wait') {
      let hasWayOut = out.length > 0 || Boolean(s.sla?.escalateTo)
      for (
        let p = s.parent ? steps.get(s.parent) : undefined;
        p && !hasWayOut;
        p = p.parent ? steps.get(p.parent) : undefined
      ) {
        hasWayOut = (outgoing.get(p.id) ?? []).some((t) => triggerOf(t) !== 'automatic')
      }
      if (!hasWayOut)
        error('dead_end', `Step "${s.id}" has no way out: add a transition or make it an end step`, ids)
    }
    if (CONTAINERS.has(s.kind)) {
      const completions = out.filter((t) => triggerOf(t) === 'automatic')
      const kids = children.get(s.id) ?? []
      const canFinish =
        s.kind === 'group'
          ? kids.some((k) => k.kind === 'end')
          : kids.length > 0 && kids.every((k) => (children.get(k.id) ?? []).some((c) => c.kind === 'end'))
      const isRegion = s.parent !== undefined && steps.get(s.parent)?.kind === 'parallel'
      if (canFinish && !completions.length && !isRegion) {
        error(
          'dead_end',
          `${s.kind === 'group' ? 'Group' : 'Parallel step'} "${s.id}" can finish but has no transition to take when it does`,
          ids,
        )
      }
      if (completions.length && !canFinish) {
        error(
          'completion_unreachable',
          `${s.kind === 'group' ? 'Group' : 'Parallel step'} "${s.id}" has a completion transition, but ${s.kind === 'group' ? 'no end step inside' : 'not every region has an end step inside'}`,
          ids,
        )
      }
    }
  }

  // Reachability from the initial step.
  if (initial && !initial.parent) {
    const reached = new Set<string>()
    const queue: string[] = []
    const reach = (id: string) => {
      const s = steps.get(id)
      if (!s || reached.has(id)) return
      reached.add(id)
      queue.push(id)
      if (s.parent) reach(s.parent)
    }
    reach(initial.id)
    while (queue.length) {
      const s = steps.get(queue.shift()!)!
      if (s.kind === 'group' && s.initial) reach(s.initial)
      if (s.kind === 'parallel') for (const k of children.get(s.id) ?? []) reach(k.id)
      for (const t of outgoing.get(s.id) ?? []) reach(t.to)
      if (s.sla?.escalateTo) reach(s.sla.escalateTo)
    }
    for (const s of steps.values()) {
      if (!reached.has(s.id)) {
        error('unreachable_step', `Step "${s.id}" cannot be reached from the initial step "${initial.id}"`, {
          stepId: s.id,
        })
      }
    }
  }
  return out
}

/** Field names a CEL guard reads as `ticket.<name>`. */
export function referencedFields(guard: string): string[] {
  const names = new Set<string>()
  for (const m of guard
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .matchAll(/\bticket\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
    names.add(m[1])
  }
  return [...names]
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
