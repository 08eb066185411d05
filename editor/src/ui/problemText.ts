import type { TFunction } from 'i18next'

/** What a problem's text needs: its code and params as the server sent them (problem+json). */
export interface ProblemLike {
  code?: string
  params?: Record<string, string | number>
  detail?: string
  title?: string
}

/** Names to show instead of ids: ticket fields and checklist items, and actions, by id. */
export interface Names {
  labels?: ReadonlyMap<string, string>
  actions?: ReadonlyMap<string, string>
}

const LISTS = ['missing', 'fields', 'allowed'] as const
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/

/**
 * A problem in the reader's language (common.json `problems.<code>`), its params filled in with
 * labels rather than ids. An unknown code falls back to the server's own words.
 */
export function problemText(p: ProblemLike, t: TFunction, names: Names = {}): string {
  const params: Record<string, string | number> = { ...(p.params ?? {}) }
  const name = (id: string) => names.labels?.get(id) ?? names.actions?.get(id) ?? id
  for (const key of LISTS) {
    const v = params[key]
    if (typeof v === 'string' && v) params[key] = v.split(', ').map(name).join(', ')
  }
  if (typeof params.roles === 'string')
    params.roles = params.roles
      .split(', ')
      .map((r) => t(`roles.${r}`, { ns: 'common', defaultValue: r }))
      .join(', ')
  if (typeof params.role === 'string')
    params.role = t(`roles.${params.role}`, { ns: 'common', defaultValue: params.role })
  if (typeof params.kind === 'string')
    params.kind = t(`things.${params.kind}`, { ns: 'common', defaultValue: params.kind })
  // Times (`expiresAt`, `nextAllowedAt`, …) as dates, which the texts format in the reader's way.
  const values: Record<string, string | number | Date> = { ...params }
  for (const [key, v] of Object.entries(params))
    if (key.endsWith('At') && typeof v === 'string' && ISO_TIME.test(v)) values[key] = new Date(v)
  const code = p.code ?? 'unknown'
  return t(`problems.${code}`, {
    ns: 'common',
    ...values,
    defaultValue: p.detail ?? p.title ?? t('problems.unknown', { ns: 'common' }),
  })
}
