import { canonicalJson } from '../../../engine/index.ts'
import type { Doc, Step, Transition } from './useDesigner.ts'

/** One property that differs: before and after as a person reads them (titles, not ids). */
export interface PropertyChange {
  /** `title`, `sla.due`, `instructions`, `checklist`, `requiredFields`, `guard`… */
  property: string
  before: string | null
  after: string | null
  /** Long text (instructions, purpose): shown as a text difference. */
  text?: boolean
}

export interface PartChange {
  id: string
  /** The step's title or the transition's name in the later document (the earlier, when removed). */
  name: string
  change: 'added' | 'removed' | 'changed'
  changes: PropertyChange[]
}

export interface DocDiff {
  steps: PartChange[]
  transitions: PartChange[]
  /** Changed properties of the SOP itself (title, purpose, fields…). */
  meta: PropertyChange[]
}

const TEXTS = new Set(['instructions', 'description', 'purpose'])

/**
 * A value without what the schema fills in by default: empty strings and lists, `false`, absent
 * values. A draft as typed and the same document as published (defaults applied) compare equal.
 */
export function meaningful(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(meaningful)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      const m = meaningful(v)
      if (m === undefined || m === '' || m === false || (Array.isArray(m) && !m.length)) continue
      if (m && typeof m === 'object' && !Array.isArray(m) && !Object.keys(m).length) continue
      out[k] = m
    }
    return out
  }
  return value
}

const same = (a: unknown, b: unknown) =>
  canonicalJson(meaningful(a) ?? null) === canonicalJson(meaningful(b) ?? null)
const show = (v: unknown): string | null => {
  const m = meaningful(v)
  if (m === undefined || m === null || m === '' || m === false) return null
  if (Array.isArray(m) && !m.length) return null
  return typeof m === 'string' ? m : typeof m === 'object' ? canonicalJson(m) : String(m)
}

function titleIn(doc: Doc, id: string | undefined): string | null {
  return id ? (doc.steps.find((s) => s.id === id)?.title ?? id) : null
}

function transitionName(doc: Doc, t: Transition): string {
  return t.label || t.action || `${titleIn(doc, t.from)} → ${titleIn(doc, t.to)}`
}

/** Items of two lists keyed by `key`: each added, removed or changed one. */
function listChanges<T>(
  property: string,
  a: T[] | undefined,
  b: T[] | undefined,
  key: (x: T) => string,
  text: (x: T) => string,
): PropertyChange[] {
  const A = new Map((a ?? []).map((x) => [key(x), x]))
  const B = new Map((b ?? []).map((x) => [key(x), x]))
  const out: PropertyChange[] = []
  for (const [k, x] of B) {
    const before = A.get(k)
    if (!before) out.push({ property, before: null, after: text(x) })
    else if (!same(before, x)) out.push({ property, before: text(before), after: text(x) })
  }
  for (const [k, x] of A) if (!B.has(k)) out.push({ property, before: text(x), after: null })
  return out
}

function stepChanges(before: Doc, after: Doc, a: Step, b: Step): PropertyChange[] {
  const out: PropertyChange[] = []
  const value = (property: string, x: unknown, y: unknown, text = TEXTS.has(property)) => {
    if (!same(x, y)) out.push({ property, before: show(x), after: show(y), ...(text ? { text: true } : {}) })
  }
  value('title', a.title, b.title)
  value('kind', a.kind, b.kind)
  value('outcome', a.outcome, b.outcome)
  if (a.parent !== b.parent) value('parent', titleIn(before, a.parent), titleIn(after, b.parent))
  if (a.initial !== b.initial) value('initial', titleIn(before, a.initial), titleIn(after, b.initial))
  value('instructions', a.instructions, b.instructions)
  out.push(
    ...listChanges(
      'checklist',
      a.checklist,
      b.checklist,
      (c) => c.id,
      (c) => c.text,
    ),
  )
  out.push(
    ...listChanges(
      'requiredFields',
      a.requiredFields,
      b.requiredFields,
      (f) => f,
      (f) =>
        after.fields?.find((x) => x.name === f)?.label ??
        before.fields?.find((x) => x.name === f)?.label ??
        f,
    ),
  )
  out.push(
    ...listChanges(
      'roles',
      a.roles,
      b.roles,
      (r) => r,
      (r) => r,
    ),
  )
  value('sla.due', a.sla?.due, b.sla?.due)
  if (a.sla?.escalateTo !== b.sla?.escalateTo)
    value('sla.escalateTo', titleIn(before, a.sla?.escalateTo), titleIn(after, b.sla?.escalateTo))
  value('sla.notify', a.sla?.notify, b.sla?.notify)
  return out
}

function transitionChanges(before: Doc, after: Doc, a: Transition, b: Transition): PropertyChange[] {
  const out: PropertyChange[] = []
  const value = (property: string, x: unknown, y: unknown) => {
    if (!same(x, y)) out.push({ property, before: show(x), after: show(y) })
  }
  value('label', a.label, b.label)
  if (a.from !== b.from) value('from', titleIn(before, a.from), titleIn(after, b.from))
  if (a.to !== b.to) value('to', titleIn(before, a.to), titleIn(after, b.to))
  value('action', a.action, b.action)
  value('after', a.after, b.after)
  value('guard', a.guard, b.guard)
  value('effects', a.effects, b.effects)
  value('roles', a.roles, b.roles)
  value('skipRequirements', a.skipRequirements, b.skipRequirements)
  return out
}

function parts<T extends { id: string }>(
  a: T[],
  b: T[],
  name: (doc: 'before' | 'after', x: T) => string,
  changes: (x: T, y: T) => PropertyChange[],
): PartChange[] {
  const A = new Map(a.map((x) => [x.id, x]))
  const B = new Map(b.map((x) => [x.id, x]))
  const out: PartChange[] = []
  for (const [id, y] of B) {
    const x = A.get(id)
    if (!x) out.push({ id, name: name('after', y), change: 'added', changes: [] })
    else if (!same(x, y)) {
      const c = changes(x, y)
      if (c.length) out.push({ id, name: name('after', y), change: 'changed', changes: c })
    }
  }
  for (const [id, x] of A)
    if (!B.has(id)) out.push({ id, name: name('before', x), change: 'removed', changes: [] })
  return out
}

/**
 * What changed between two versions of an SOP, property by property: steps, transitions and the
 * SOP's own fields. Layout and values the schema fills in by default are not changes.
 */
export function diffDocs(before: Doc, after: Doc): DocDiff {
  const meta: PropertyChange[] = []
  for (const k of ['title', 'department', 'purpose', 'description', 'channels']) {
    if (!same(before[k], after[k]))
      meta.push({
        property: k,
        before: show(before[k]),
        after: show(after[k]),
        ...(TEXTS.has(k) ? { text: true } : {}),
      })
  }
  if (before.initial !== after.initial)
    meta.push({
      property: 'initial',
      before: titleIn(before, before.initial),
      after: titleIn(after, after.initial),
    })
  meta.push(
    ...listChanges(
      'fields',
      before.fields,
      after.fields,
      (f) => f.name,
      (f) => f.label,
    ),
  )
  meta.push(
    ...listChanges(
      'glossary',
      before.glossary,
      after.glossary,
      (g) => g.term.toLowerCase(),
      (g) => `${g.term}: ${g.definition}`,
    ),
  )
  return {
    steps: parts(
      before.steps ?? [],
      after.steps ?? [],
      (_w, s) => s.title || s.id,
      (x, y) => stepChanges(before, after, x, y),
    ),
    transitions: parts(
      before.transitions ?? [],
      after.transitions ?? [],
      (w, t) => transitionName(w === 'before' ? before : after, t),
      (x, y) => transitionChanges(before, after, x, y),
    ),
    meta,
  }
}

/** The later document with the steps it no longer has put back where they were, to draw as ghosts. */
export function withRemovedSteps(after: Doc, before: Doc, diff: DocDiff): Doc {
  const gone = new Set(diff.steps.filter((s) => s.change === 'removed').map((s) => s.id))
  if (!gone.size) return after
  const kept = new Set(after.steps.map((s) => s.id))
  const ghosts = before.steps
    .filter((s) => gone.has(s.id))
    .map((s) => {
      const { parent, initial, ...rest } = s
      return parent && (kept.has(parent) || gone.has(parent)) ? { ...rest, parent } : rest
    })
  const nodes = { ...(after.layout?.nodes ?? {}) }
  for (const s of ghosts) {
    const at = before.layout?.nodes?.[s.id]
    if (at) nodes[s.id] = at
  }
  return { ...after, steps: [...after.steps, ...ghosts], layout: { ...after.layout, nodes } }
}
