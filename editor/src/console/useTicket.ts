import { useCallback, useState } from 'react'
import type { FieldValue } from '../../../engine/index.ts'
import { ApiError } from '../api/client.ts'
import { act, addNote, claim, getTicket, saveProgress, type TicketView } from '../api/tickets.ts'
import { useAsync } from '../ui/useAsync.ts'

/** A ticket's view with the agent's unsaved field values and ticks, and the operations on it. */
export function useTicket(id: string) {
  const view = useAsync(() => getTicket(id), [id])
  const [edits, setEdits] = useState<Record<string, FieldValue>>({})
  const [ticks, setTicks] = useState<Record<string, string[]>>({})
  const [problem, setProblem] = useState<{ message: string; code?: string; missing?: string[] } | null>(null)
  const [busy, setBusy] = useState(false)

  const run = useCallback(
    async (op: (v: TicketView) => Promise<TicketView>) => {
      if (!view.data) return
      setBusy(true)
      setProblem(null)
      try {
        const next = await op(view.data)
        view.setData(next)
        setEdits({})
        setTicks({})
      } catch (err) {
        if (err instanceof ApiError) {
          const rejection = err.problem.rejection as { missing?: string[] } | undefined
          setProblem({ message: err.message, code: err.problem.code, missing: rejection?.missing })
          if (err.status === 409) await view.reload()
        } else setProblem({ message: String(err) })
      } finally {
        setBusy(false)
      }
    },
    [view],
  )

  const payload = () => ({
    fields: Object.fromEntries(Object.entries(edits).filter(([, v]) => v !== '' && v !== null)),
    ticks,
  })

  return {
    ...view,
    edits,
    ticks,
    problem,
    busy,
    setField: (name: string, value: FieldValue) => setEdits((e) => ({ ...e, [name]: value })),
    toggleTick: (stepId: string, item: string, on: boolean) =>
      setTicks((t) => {
        const set = new Set(t[stepId] ?? [])
        if (on) set.add(item)
        else set.delete(item)
        return { ...t, [stepId]: [...set] }
      }),
    act: (action: string) => run((v) => act(id, { action, ...payload(), version: v.ticket.version })),
    save: () => run((v) => saveProgress(id, { ...payload(), version: v.ticket.version })),
    claim: () => run((v) => claim(id, v.ticket.version)),
    note: (text: string, visibility: 'internal' | 'customer') => run(() => addNote(id, text, visibility)),
    run,
  }
}
