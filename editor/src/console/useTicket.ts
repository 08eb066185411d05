import { useCallback, useRef, useState } from 'react'
import type { FieldValue } from '../../../engine/index.ts'
import { ApiError, type Problem } from '../api/client.ts'
import { act, addNote, claim, getTicket, saveProgress, type TicketView } from '../api/tickets.ts'
import { useAsync } from '../ui/useAsync.ts'

type Edits = Record<string, FieldValue>
type Ticks = Record<string, string[]>

/** A failed operation: the server's problem, and the action it was about (when it was one). */
export interface Failure {
  problem: Problem
  action: string | null
}

const same = (a: FieldValue | undefined, b: FieldValue | undefined) =>
  (a ?? null) === (b ?? null) || (a === '' && b == null) || (b === '' && a == null)

/**
 * Merges a newer server version into what the agent has typed: an edit is dropped only once the
 * server holds that very value, a tick once the server has it done or the ticket left its step.
 * Everything else stays.
 */
export function mergeEdits(view: TicketView, edits: Edits, ticks: Ticks): { edits: Edits; ticks: Ticks } {
  const fields = view.ticket.state.context.fields
  const keptEdits: Edits = {}
  for (const [k, v] of Object.entries(edits)) if (!same(fields[k], v)) keptEdits[k] = v
  const keptTicks: Ticks = {}
  for (const [stepId, items] of Object.entries(ticks)) {
    // Ticks belong to a step: once the ticket has left it, they are gone with it.
    if (!view.ticket.state.active[stepId]) continue
    const done = new Set(view.ticket.state.checklist[stepId] ?? [])
    const left = items.filter((i) => !done.has(i))
    if (left.length) keptTicks[stepId] = left
  }
  return { edits: keptEdits, ticks: keptTicks }
}

/**
 * A ticket's view with the agent's unsaved field values and ticks, and the operations on it. No
 * refresh of the ticket (a note, a claim, another user's change, a failed action) loses what the
 * agent typed: a newer version is merged in with `mergeEdits`.
 */
export function useTicket(id: string) {
  const view = useAsync(() => getTicket(id), [id])
  const [edits, setEdits] = useState<Edits>({})
  const [ticks, setTicks] = useState<Ticks>({})
  const [failure, setFailure] = useState<Failure | null>(null)
  const [busy, setBusy] = useState(false)
  const current = useRef({ edits, ticks })
  current.current = { edits, ticks }

  const accept = useCallback((next: TicketView) => {
    const merged = mergeEdits(next, current.current.edits, current.current.ticks)
    setEdits(merged.edits)
    setTicks(merged.ticks)
  }, [])

  const run = useCallback(
    async (op: (v: TicketView) => Promise<TicketView>, action: string | null = null): Promise<boolean> => {
      if (!view.data) return false
      setBusy(true)
      setFailure(null)
      try {
        const next = await op(view.data)
        view.setData(next)
        accept(next)
        return true
      } catch (err) {
        const problem: Problem =
          err instanceof ApiError
            ? err.problem
            : { type: 'about:blank', title: String(err), status: 0, code: 'unknown', detail: String(err) }
        setFailure({ problem, action })
        if (err instanceof ApiError && err.status === 409) {
          const fresh = await getTicket(id).catch(() => null)
          if (fresh) {
            view.setData(fresh)
            accept(fresh)
          }
        }
        return false
      } finally {
        setBusy(false)
      }
    },
    [view, accept, id],
  )

  /** The agent's edits, plus bound values the ticket does not hold yet (the customer's details). */
  const payload = (v: TicketView) => {
    const fields: Edits = {}
    for (const [k, val] of Object.entries(v.bound ?? {}))
      if (v.ticket.state.context.fields[k] == null) fields[k] = val
    for (const [k, val] of Object.entries(edits)) if (val !== '' && val !== null) fields[k] = val
    return { fields, ticks }
  }

  return {
    ...view,
    edits,
    ticks,
    failure,
    busy,
    setField: useCallback(
      (name: string, value: FieldValue) => setEdits((e) => ({ ...e, [name]: value })),
      [],
    ),
    toggleTick: useCallback(
      (stepId: string, item: string, on: boolean) =>
        setTicks((t) => {
          const set = new Set(t[stepId] ?? [])
          if (on) set.add(item)
          else set.delete(item)
          return { ...t, [stepId]: [...set] }
        }),
      [],
    ),
    act: (action: string) =>
      run((v) => act(id, { action, ...payload(v), version: v.ticket.version }), action),
    save: () => run((v) => saveProgress(id, { ...payload(v), version: v.ticket.version })),
    claim: () => run((v) => claim(id, v.ticket.version)),
    note: (text: string, visibility: 'internal' | 'customer') => run(() => addNote(id, text, visibility)),
    run,
  }
}
