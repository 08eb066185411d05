import type { TFunction } from 'i18next'
import type { Rejection, TicketPrompt } from '../../../engine/index.ts'

/** A rejection in the reader's language: what is missing by its label, who may act. */
export function describeRejection(
  r: Pick<Rejection, 'code' | 'message' | 'missing' | 'roles' | 'allowed'>,
  prompt: TicketPrompt | null,
  t: TFunction,
): string {
  const labels = new Map<string, string>()
  for (const s of prompt?.steps ?? []) {
    for (const f of s.requiredFields) labels.set(f.name, f.label)
    for (const c of s.checklist) labels.set(c.id, c.text)
  }
  const list = (ids?: string[]) => (ids ?? []).map((id) => labels.get(id) ?? id).join(', ')
  switch (r.code) {
    case 'missing_fields':
      return t('blocked.missing_fields', { items: list(r.missing) })
    case 'checklist_incomplete':
      return t('blocked.checklist_incomplete', { items: list(r.missing) })
    case 'role_not_permitted':
      return t('blocked.role_not_permitted', {
        roles: (r.roles ?? []).map((x) => t(`roles.${x}`, { defaultValue: x })).join(', '),
      })
    case 'guard_failed':
      return t('blocked.guard_failed')
    case 'ticket_closed':
      return t('blocked.ticket_closed')
    default:
      return r.message
  }
}
