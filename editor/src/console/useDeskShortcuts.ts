import { useCallback, useEffect, useState } from 'react'
import type { TicketPrompt } from '../../../engine/index.ts'
import { navigate } from '../useRoute.ts'

const INBOX_KEY = 'sopflow.inbox.order'

/** The inbox's current order, so j/k on a ticket page move to the next or previous ticket. */
export function rememberInboxOrder(ids: string[]): void {
  sessionStorage.setItem(INBOX_KEY, JSON.stringify(ids))
}

function inboxOrder(): string[] {
  try {
    return JSON.parse(sessionStorage.getItem(INBOX_KEY) ?? '[]') as string[]
  } catch {
    return []
  }
}

/** Keys typed into a field are the field's, never a shortcut. */
function typing(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null
  if (!el) return false
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)
}

/** Listens to desk keys; `?` toggles the list of shortcuts. */
function useKeys(handle: (e: KeyboardEvent) => boolean) {
  const [open, setOpen] = useState(false)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return
      if (e.key === 'Escape') setOpen(false)
      if (typing(e)) return
      if (e.key === '?') {
        setOpen((v) => !v)
        e.preventDefault()
        return
      }
      if (handle(e)) e.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [handle])
  return { open, close: useCallback(() => setOpen(false), []) }
}

/** Ticket page: j/k next/previous ticket of the inbox, a the action bar, 1–9 run an action, n add a note. */
export function useTicketShortcuts(
  ticketId: string,
  prompt: TicketPrompt | null,
  canAct: boolean,
  act: (action: string) => void,
) {
  const handle = useCallback(
    (e: KeyboardEvent) => {
      if (e.key === 'j' || e.key === 'k') {
        const ids = inboxOrder()
        const i = ids.indexOf(ticketId)
        const next = ids[e.key === 'j' ? i + 1 : i - 1]
        if (i >= 0 && next) navigate(`/tickets/${next}`)
        return true
      }
      if (e.key === 'a') {
        const first = document.querySelector<HTMLButtonElement>('#action-bar button:not(:disabled)')
        ;(first ?? document.querySelector<HTMLElement>('#action-bar'))?.focus()
        return true
      }
      if (e.key === 'n') {
        document.querySelector<HTMLTextAreaElement>('#note-text')?.focus()
        return true
      }
      if (/^[1-9]$/.test(e.key) && prompt && canAct) {
        const a = prompt.actions[Number(e.key) - 1]
        const button = a && document.querySelector<HTMLButtonElement>(`button[data-action="${a.action}"]`)
        if (button && !button.disabled) act(a.action)
        return Boolean(a)
      }
      return false
    },
    [ticketId, prompt, canAct, act],
  )
  return useKeys(handle)
}

/** Inbox: j/k move the selection, Enter or o opens the selected ticket. */
export function useInboxShortcuts(ids: string[], selected: number, select: (i: number) => void) {
  const handle = useCallback(
    (e: KeyboardEvent) => {
      if (!ids.length) return false
      if (e.key === 'j' || e.key === 'k') {
        const i = Math.max(0, Math.min(ids.length - 1, selected + (e.key === 'j' ? 1 : -1)))
        select(i)
        document.querySelector<HTMLElement>(`[data-row="${ids[i]}"] a`)?.focus()
        return true
      }
      if ((e.key === 'Enter' || e.key === 'o') && ids[selected]) {
        if (
          (e.target as HTMLElement | null)?.tagName === 'A' ||
          (e.target as HTMLElement | null)?.tagName === 'BUTTON'
        )
          return false
        navigate(`/tickets/${ids[selected]}`)
        return true
      }
      return false
    },
    [ids, selected, select],
  )
  return useKeys(handle)
}
