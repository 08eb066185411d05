import { type FilledTemplate, replyTemplates } from '../api/tickets.ts'
import { useAsync } from '../ui/useAsync.ts'

/** The reply templates offered in the ticket's current steps, filled in (again when the steps change). */
export function useReplyTemplates(ticketId: string, steps: readonly string[], enabled: boolean) {
  const key = steps.join(',')
  const list = useAsync<FilledTemplate[]>(
    () => (enabled ? replyTemplates(ticketId) : Promise.resolve([])),
    [ticketId, key, enabled],
  )
  return list.data ?? []
}

/** The text with a template put in: below what was typed already, so that nothing typed is lost. */
export function withTemplate(typed: string, template: string): string {
  return typed.trim() ? `${typed.replace(/\s+$/, '')}\n\n${template}` : template
}
