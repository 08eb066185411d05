import { z } from 'zod'
import type { Diagnostics } from './diagnostics.ts'

const id = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'must start with a letter and hold only letters, digits, "_" and "-"')

/**
 * A standard reply to the customer, in the SOP's language, with placeholders filled in when the
 * agent picks it: `{{ customer.name }}`, `{{ ticket.reference }}`, `{{ agent.name }}`,
 * `{{ step.title }}` (Liquid output tags; no other tags).
 */
export const replyTemplateSchema = z
  .object({
    id,
    title: z.string().min(1).max(200),
    text: z.string().min(1).max(10_000),
    /** The steps it is offered in; absent or empty: in every step. */
    steps: z.array(id).optional(),
  })
  .strict()
export type ReplyTemplate = z.infer<typeof replyTemplateSchema>

/** The values a reply template may use. */
export const TEMPLATE_PLACEHOLDERS = [
  'customer.name',
  'ticket.reference',
  'agent.name',
  'step.title',
] as const
/** Filters a placeholder may pass through: text only, nothing that reads anything. */
export const TEMPLATE_FILTERS = ['upcase', 'downcase', 'capitalize', 'default', 'strip'] as const

/** What is wrong with a template's placeholders, in order; empty when it is fine. */
export function templateProblems(text: string): { kind: 'placeholder' | 'filter' | 'tag'; value: string }[] {
  const out: { kind: 'placeholder' | 'filter' | 'tag'; value: string }[] = []
  for (const m of text.matchAll(/\{%-?\s*([\s\S]*?)\s*-?%\}/g)) {
    // Stryker disable next-line Regex: the tag's text starts with no space, so its first word is the same
    out.push({ kind: 'tag', value: m[1].split(/\s+/)[0] ?? '' })
  }
  for (const m of text.matchAll(/\{\{-?\s*([\s\S]*?)\s*-?\}\}/g)) {
    const [name, ...filters] = m[1].split('|').map((s) => s.trim())
    if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name))
      out.push({ kind: 'placeholder', value: name })
    for (const f of filters) {
      const filter = f.split(':')[0].trim()
      if (!(TEMPLATE_FILTERS as readonly string[]).includes(filter))
        out.push({ kind: 'filter', value: filter })
    }
  }
  return out
}

/** Checks the SOP's reply templates: unique ids, known steps, known placeholders and filters only. */
export function checkTemplates(
  templates: readonly ReplyTemplate[],
  stepIds: ReadonlySet<string>,
  out: Diagnostics,
): void {
  const seen = new Set<string>()
  templates.forEach((t, i) => {
    const property = `templates.${i}`
    if (seen.has(t.id))
      out.error('duplicate_id', `Two reply templates have the id "${t.id}"`, {
        property,
        variant: 'template',
        params: { value: t.id },
      })
    seen.add(t.id)
    for (const s of t.steps ?? [])
      if (!stepIds.has(s))
        out.error(
          'unknown_target',
          `Reply template "${t.id}" is offered in step "${s}", which does not exist`,
          {
            property,
            variant: 'template',
            params: { value: s, item: t.title },
          },
        )
    for (const p of templateProblems(t.text))
      out.error(
        'template_placeholder',
        `Reply template "${t.id}" uses ${p.kind} "${p.value}"; it may use only ${TEMPLATE_PLACEHOLDERS.join(', ')}`,
        {
          property,
          variant: p.kind,
          params: { value: p.value, item: t.title, allowed: TEMPLATE_PLACEHOLDERS.join(', ') },
        },
      )
  })
}
