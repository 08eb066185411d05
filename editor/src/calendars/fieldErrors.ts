import type { TFunction } from 'i18next'
import type { Problem } from '../api/client.ts'
import { problemText } from '../ui/problemText.ts'

/** Texts of a refused save by the field they are about (`title`, `week.mon.0`, `openings.1.hours.0`, …). */
export type FieldErrors = Record<string, string>

/**
 * Where a 400 answer belongs in the form: the calendar checks name one field (`params.field`);
 * schema errors list theirs (`errors[].path`). The text is the reader's language.
 */
export function fieldErrorsOf(problem: Problem, t: TFunction): FieldErrors {
  const params = problem.params as Record<string, string | number> | undefined
  const text = problemText({ code: problem.code, params, detail: problem.detail, title: problem.title }, t)
  if (typeof params?.field === 'string') return { [params.field]: text }
  const errors = Array.isArray(problem.errors) ? (problem.errors as { path: string }[]) : []
  if (!errors.length) return {}
  const out: FieldErrors = {}
  for (const e of errors) out[e.path] = t('errors.field', { ns: 'calendars' })
  return out
}

/** The first error about a field or anything inside it (`week.mon` covers `week.mon.0.from`). */
export function errorAt(errors: FieldErrors, field: string): string | undefined {
  if (errors[field]) return errors[field]
  const inside = Object.keys(errors).find((k) => k.startsWith(`${field}.`))
  return inside ? errors[inside] : undefined
}
