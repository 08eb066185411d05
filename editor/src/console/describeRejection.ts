import type { TFunction } from 'i18next'
import type { Rejection, TicketPrompt } from '../../../engine/index.ts'
import type { Names } from '../ui/problemText.ts'

/** Labels of the prompt's fields and checklist items, and of its actions, by id. */
export function promptNames(prompt: TicketPrompt | null): Required<Names> {
  const labels = new Map<string, string>()
  const actions = new Map<string, string>()
  for (const s of prompt?.steps ?? []) {
    for (const f of s.requiredFields) labels.set(f.name, f.label)
    for (const c of s.checklist) labels.set(c.id, c.text)
  }
  for (const f of prompt?.fields ?? []) labels.set(f.name, f.label)
  for (const a of prompt?.actions ?? []) actions.set(a.action, a.label)
  return { labels, actions }
}

/**
 * A rejection in the reader's language: what is missing by its label, who may act, which fields a
 * condition needs. Never the CEL text or ids (those are behind the action's "details").
 */
export function describeRejection(
  r: Pick<Rejection, 'code' | 'message' | 'missing' | 'roles' | 'allowed' | 'guards' | 'nextAllowedAt'>,
  prompt: TicketPrompt | null,
  t: TFunction,
  action?: string,
  /** Whether the agent has filled or ticked it on the page, not saved yet. */
  satisfied: (id: string) => boolean = () => false,
): string | null {
  const { labels, actions } = promptNames(prompt)
  const list = (ids?: string[]) => (ids ?? []).map((id) => labels.get(id) ?? id).join(', ')
  const left = (r.missing ?? []).filter((id) => !satisfied(id))
  switch (r.code) {
    case 'missing_fields':
      return left.length ? t('blocked.missing_fields', { items: list(left) }) : null
    case 'checklist_incomplete':
      return left.length ? t('blocked.checklist_incomplete', { items: list(left) }) : null
    case 'role_not_permitted':
      return t('blocked.role_not_permitted', {
        roles: (r.roles ?? []).map((x) => t(`roles.${x}`, { defaultValue: x })).join(', '),
      })
    case 'guard_failed': {
      const reads = prompt?.actions.find((a) => a.action === action)?.guardFields ?? []
      return reads.length ? t('blocked.guard_needs', { items: list(reads) }) : t('blocked.guard_failed')
    }
    case 'action_not_allowed':
      return t('blocked.action_not_allowed', {
        actions: (r.allowed ?? []).map((a) => actions.get(a) ?? a).join(', '),
      })
    case 'ticket_closed':
      return t('blocked.ticket_closed')
    case 'outside_contact_window':
      // The next allowed time as a date, which the text formats in the reader's way.
      return r.nextAllowedAt
        ? t('problems.outside_contact_window', { ns: 'common', nextAllowedAt: new Date(r.nextAllowedAt) })
        : t('blocked.other')
    default:
      return t(`problems.${r.code}`, { ns: 'common', defaultValue: t('blocked.other') })
  }
}
