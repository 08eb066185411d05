import { useState } from 'react'
import { getConversation, replyToCustomer } from '../api/channels.ts'
import { ApiError } from '../api/client.ts'
import { useAsync } from '../ui/useAsync.ts'

/** A ticket's conversation with the customer, and the agent's answer (kept when sending fails). */
export function useConversation(ticketId: string) {
  const conv = useAsync(() => getConversation(ticketId), [ticketId])
  const [draft, setDraft] = useState('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<ApiError | Error | null>(null)
  const send = async () => {
    setBusy(true)
    setFailure(null)
    try {
      await replyToCustomer(ticketId, draft)
      setDraft('')
      await conv.reload()
    } catch (err) {
      setFailure(err instanceof ApiError ? err : new Error(String(err)))
    } finally {
      setBusy(false)
    }
  }
  return { ...conv, draft, setDraft, busy, failure, send }
}
