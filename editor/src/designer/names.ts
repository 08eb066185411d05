import type { Doc } from './useDesigner.ts'

/** What a person reads for a step: its title (its id only when it has none). */
export function stepTitle(doc: Pick<Doc, 'steps'>, id: string | undefined): string {
  if (!id) return ''
  return doc.steps.find((s) => s.id === id)?.title || id
}

/** What a person reads for a transition: its label, else its action, else "from → to" by title. */
export function transitionName(doc: Pick<Doc, 'steps' | 'transitions'>, id: string | undefined): string {
  if (!id) return ''
  const t = doc.transitions.find((x) => x.id === id)
  if (!t) return id
  return t.label || t.action || `${stepTitle(doc, t.from)} → ${stepTitle(doc, t.to)}`
}

/** A ticket field's label (its name when it has none or is not declared). */
export function fieldLabel(doc: Pick<Doc, 'fields'>, name: string | undefined): string {
  if (!name) return ''
  return doc.fields?.find((f) => f.name === name)?.label || name
}
