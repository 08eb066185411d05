import type { Doc, Transition } from './useDesigner.ts'

/** Ids the engine accepts: a letter first, then letters, digits, "_" and "-"; at most 80 characters. */
export const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,79}$/
/** Action names the engine accepts (lower_snake_case). */
export const ACTION_PATTERN = /^[a-z][a-z0-9_]*$/

/** A title as an id: ASCII, lower case, words joined by "_" ("Gọi lại khách" → "goi_lai_khach"). */
export function slug(text: string, fallback = 'step'): string {
  const s = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40)
    .replace(/_+$/, '')
  if (!s) return fallback
  return /^[a-z]/.test(s) ? s : `${fallback}_${s}`
}

/** `base`, or `base_2`, `base_3`… whichever is not taken. */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  let id = base
  for (let i = 2; taken.has(id); i++) id = `${base}_${i}`
  return id
}

/** Whether an id still is the one derived from a title (so renaming the title may move it along). */
export function isDerivedFrom(id: string, title: string, fallback = 'step'): boolean {
  const base = slug(title, fallback)
  return id === base || new RegExp(`^${base}_\\d+$`).test(id)
}

/** Ids that were published in some version: they stay as they are. */
export interface PublishedIds {
  steps: ReadonlySet<string>
  transitions: ReadonlySet<string>
}

export const NOTHING_PUBLISHED: PublishedIds = { steps: new Set(), transitions: new Set() }

/** The step and transition ids of the published versions' documents. */
export function publishedIds(docs: readonly Pick<Doc, 'steps' | 'transitions'>[]): PublishedIds {
  const steps = new Set<string>()
  const transitions = new Set<string>()
  for (const d of docs) {
    for (const s of d.steps ?? []) steps.add(s.id)
    for (const t of d.transitions ?? []) transitions.add(t.id)
  }
  return { steps, transitions }
}

export type IdProblem = 'empty' | 'format' | 'taken'

/** Why an id cannot be given to a step (or transition), or null when it can. */
export function idProblem(
  doc: Pick<Doc, 'steps' | 'transitions'>,
  kind: 'step' | 'transition',
  current: string,
  next: string,
): IdProblem | null {
  if (!next) return 'empty'
  if (!ID_PATTERN.test(next)) return 'format'
  if (next === current) return null
  const list: { id: string }[] = kind === 'step' ? doc.steps : doc.transitions
  return list.some((x) => x.id === next) ? 'taken' : null
}

/**
 * The document with a step's id changed everywhere it is referenced: transitions, parents, the
 * first step of the SOP and of groups, SLA escalations and the layout. Mutates and returns `doc`.
 */
export function renameStep(doc: Doc, from: string, to: string): Doc {
  if (from === to) return doc
  for (const s of doc.steps) {
    if (s.id === from) s.id = to
    if (s.parent === from) s.parent = to
    if (s.initial === from) s.initial = to
    if (s.sla?.escalateTo === from) s.sla.escalateTo = to
  }
  for (const t of doc.transitions) {
    if (t.from === from) t.from = to
    if (t.to === from) t.to = to
  }
  if (doc.initial === from) doc.initial = to
  const nodes = doc.layout?.nodes
  if (nodes && from in nodes) {
    nodes[to] = nodes[from]
    delete nodes[from]
  }
  return doc
}

/** The document with a transition's id changed, with its layout hints. Mutates and returns `doc`. */
export function renameTransition(doc: Doc, from: string, to: string): Doc {
  if (from === to) return doc
  for (const t of doc.transitions) if (t.id === from) t.id = to
  const edges = doc.layout?.edges
  if (edges && from in edges) {
    edges[to] = edges[from]
    delete edges[from]
  }
  return doc
}

/**
 * After a step's title changed from `before`: its id follows the title while it was never
 * published and still is the id derived from its title. Returns the new id (or the same one).
 */
export function followTitle(doc: Doc, id: string, before: string, published: PublishedIds): string {
  const step = doc.steps.find((s) => s.id === id)
  if (!step || published.steps.has(id) || !isDerivedFrom(id, before)) return id
  const taken = new Set(doc.steps.filter((s) => s !== step).map((s) => s.id))
  const next = uniqueId(slug(step.title), taken)
  renameStep(doc, id, next)
  return next
}

/** A new transition's id and action from what it says (its label, else where it goes). */
export function transitionIds(
  doc: Pick<Doc, 'transitions'>,
  t: Pick<Transition, 'from' | 'label'>,
  fallback: string,
  withAction: boolean,
): { id: string; action?: string } {
  const base = slug(t.label || fallback, 't')
  const id = uniqueId(base, new Set(doc.transitions.map((x) => x.id)))
  if (!withAction) return { id }
  const siblings = new Set(doc.transitions.filter((x) => x.from === t.from).map((x) => x.action ?? ''))
  return { id, action: uniqueId(slug(t.label || fallback, 'action'), siblings) }
}

/**
 * After a transition's label changed from `before`: while never published, its id and its action
 * follow the label, when they still are the ones derived from it. Returns the new id.
 */
export function followLabel(doc: Doc, id: string, before: string, published: PublishedIds): string {
  const t = doc.transitions.find((x) => x.id === id)
  if (!t || published.transitions.has(id) || !t.label) return id
  // An unlabelled transition's ids came from the title of the step it goes to.
  before ||= doc.steps.find((s) => s.id === t.to)?.title ?? ''
  let next = id
  if (isDerivedFrom(id, before, 't')) {
    next = uniqueId(slug(t.label, 't'), new Set(doc.transitions.filter((x) => x !== t).map((x) => x.id)))
    renameTransition(doc, id, next)
  }
  if (t.action && isDerivedFrom(t.action, before, 'action')) {
    const siblings = doc.transitions.filter((x) => x !== t && x.from === t.from).map((x) => x.action ?? '')
    t.action = uniqueId(slug(t.label, 'action'), new Set(siblings))
  }
  return next
}
