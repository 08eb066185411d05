import { canonicalJson } from '../../../engine/index.ts'
import type { Doc } from './useDesigner.ts'

export interface DocDiff {
  steps: { id: string; change: 'added' | 'removed' | 'changed' }[]
  transitions: { id: string; change: 'added' | 'removed' | 'changed' }[]
  meta: string[]
}

/** What changed between two versions of an SOP: steps, transitions and the SOP's own fields. */
export function diffDocs(before: Doc, after: Doc): DocDiff {
  const byId = <T extends { id: string }>(xs: T[]) => new Map(xs.map((x) => [x.id, x]))
  const compare = <T extends { id: string }>(a: T[], b: T[]) => {
    const A = byId(a)
    const B = byId(b)
    const out: { id: string; change: 'added' | 'removed' | 'changed' }[] = []
    for (const [id, x] of B) {
      if (!A.has(id)) out.push({ id, change: 'added' })
      else if (canonicalJson(A.get(id)) !== canonicalJson(x)) out.push({ id, change: 'changed' })
    }
    for (const id of A.keys()) if (!B.has(id)) out.push({ id, change: 'removed' })
    return out
  }
  const meta = [
    'title',
    'department',
    'purpose',
    'description',
    'glossary',
    'channels',
    'fields',
    'initial',
  ].filter((k) => canonicalJson(before[k] ?? null) !== canonicalJson(after[k] ?? null))
  return {
    steps: compare(before.steps ?? [], after.steps ?? []),
    transitions: compare(before.transitions ?? [], after.transitions ?? []),
    meta,
  }
}
