import type { Doc } from './useDesigner.ts'

/** A reply template as the designer edits it (the engine's `ReplyTemplate`). */
export interface ReplyTemplateDraft {
  id: string
  title: string
  text: string
  steps?: string[]
}

export const templatesOf = (doc: Doc): ReplyTemplateDraft[] =>
  Array.isArray(doc.templates) ? (doc.templates as ReplyTemplateDraft[]) : []

/** The first free id `reply_1`, `reply_2`, … */
export function nextTemplateId(templates: readonly ReplyTemplateDraft[]): string {
  const taken = new Set(templates.map((x) => x.id))
  let n = templates.length + 1
  while (taken.has(`reply_${n}`)) n++
  return `reply_${n}`
}
