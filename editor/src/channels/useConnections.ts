import { useState } from 'react'
import {
  type Connection,
  createConnection,
  deleteConnection,
  listConnections,
  sendTestMessage,
  updateConnection,
} from '../api/channels.ts'
import { ApiError } from '../api/client.ts'
import { useAsync } from '../ui/useAsync.ts'

export const EMPTY_CONNECTION = {
  kind: 'email' as Connection['kind'],
  name: '',
  address: '',
  sopId: '',
  queue: '',
  priority: 'normal',
}

/** Connections for owners and admins: the list, the new connection's draft (kept when refused), actions. */
export function useConnections() {
  const list = useAsync(listConnections, [])
  const [draft, setDraft] = useState(EMPTY_CONNECTION)
  const [failure, setFailure] = useState<ApiError | null>(null)
  const [notice, setNotice] = useState<{ id: string; reference: string; ticketId: string } | null>(null)
  const run = async (work: () => Promise<unknown>) => {
    setFailure(null)
    try {
      await work()
      await list.reload()
      return true
    } catch (err) {
      if (err instanceof ApiError) setFailure(err)
      else throw err
      return false
    }
  }
  return {
    list,
    draft,
    setDraft,
    failure,
    notice,
    create: (sopId: string) =>
      run(async () => {
        await createConnection({ ...draft, sopId, queue: draft.queue || null })
        setDraft(EMPTY_CONNECTION)
      }),
    toggle: (c: Connection) => run(() => updateConnection(c.id, { enabled: !c.enabled })),
    rotate: (c: Connection) => run(() => updateConnection(c.id, { rotateSecret: true })),
    remove: (c: Connection) => run(() => deleteConnection(c.id)),
    test: (c: Connection) =>
      run(async () => {
        const r = await sendTestMessage(c.id)
        setNotice({ id: c.id, reference: r.reference, ticketId: r.ticketId })
      }),
  }
}
