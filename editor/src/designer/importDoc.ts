import { type Diagnostic, validate } from '../../../engine/index.ts'
import type { Doc } from './useDesigner.ts'

/** What reading an SOP file gave: a document to import, or why not (nothing is imported then). */
export type ImportResult =
  | { ok: true; doc: Doc }
  | { ok: false; reason: 'malformed'; line?: number; column?: number }
  | { ok: false; reason: 'notObject' }
  /** It is JSON, but not a valid SOP: `schema` when it is not an SOP document at all. */
  | { ok: false; reason: 'invalid'; doc: Doc; diagnostics: Diagnostic[]; schema: boolean }

/** Where in the text a JSON syntax error is, from the parser's "at position N". */
function where(text: string, err: unknown): { line?: number; column?: number } {
  const m = /position (\d+)/.exec(String((err as Error)?.message ?? ''))
  if (!m) return {}
  const before = text.slice(0, Number(m[1]))
  const lines = before.split('\n')
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 }
}

/** Reads an SOP file's text and checks it with the engine's validator before anything changes. */
export function readImport(text: string): ImportResult {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return { ok: false, reason: 'malformed', ...where(text, err) }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'notObject' }
  const doc = value as Doc
  const { diagnostics } = validate(doc)
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (!errors.length) return { ok: true, doc }
  return {
    ok: false,
    reason: 'invalid',
    doc,
    diagnostics: errors,
    schema: errors.some((d) => d.code === 'invalid_document' || d.code === 'unsupported_schema'),
  }
}
