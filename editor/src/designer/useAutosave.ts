import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiError } from '../api/client.ts'
import { saveSop } from '../api/sops.ts'
import type { Doc } from './useDesigner.ts'

/** How long after the last change the draft is saved. */
export const AUTOSAVE_DELAY_MS = 1500

export type SaveState =
  | { kind: 'saved' }
  | { kind: 'unsaved' }
  | { kind: 'saving' }
  | { kind: 'offline' }
  | { kind: 'failed'; message: string }
  /** Someone saved the draft since this editor loaded it: the owner decides (see ConflictDialog). */
  | { kind: 'conflict'; revision: number }

/**
 * Saves the draft a moment after the last change, on demand (Ctrl+S) and before leaving, each
 * save based on the revision it was edited from. Nothing is saved over a newer draft.
 */
export function useAutosave(sopId: string, doc: Doc, initialRevision: number) {
  const [state, setState] = useState<SaveState>({ kind: 'saved' })
  const revision = useRef(initialRevision)
  const savedJson = useRef(JSON.stringify(doc))
  const latest = useRef(doc)
  latest.current = doc
  const inFlight = useRef<Promise<boolean> | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const stateRef = useRef(state)
  stateRef.current = state

  const dirty = useCallback(() => JSON.stringify(latest.current) !== savedJson.current, [])

  const saveOnce = useCallback(
    async (overwriteOn?: number): Promise<boolean> => {
      const snapshot = latest.current
      const json = JSON.stringify(snapshot)
      setState({ kind: 'saving' })
      try {
        const r = await saveSop(sopId, snapshot, overwriteOn ?? revision.current)
        revision.current = r.revision
        savedJson.current = json
        setState(dirty() ? { kind: 'unsaved' } : { kind: 'saved' })
        return true
      } catch (err) {
        if (err instanceof ApiError && err.problem.code === 'draft_conflict') {
          const params = err.problem.params as { revision?: number } | undefined
          setState({ kind: 'conflict', revision: params?.revision ?? revision.current })
        } else if (!(err instanceof ApiError) || !navigator.onLine) setState({ kind: 'offline' })
        else setState({ kind: 'failed', message: err.message })
        return false
      }
    },
    [sopId, dirty],
  )

  /** Saves now (waiting for a save under way first); true when the server holds the latest edit. */
  const save = useCallback(
    async (overwriteOn?: number): Promise<boolean> => {
      if (timer.current) clearTimeout(timer.current)
      timer.current = null
      while (inFlight.current) await inFlight.current
      if (stateRef.current.kind === 'conflict' && overwriteOn === undefined) return false
      if (!dirty() && overwriteOn === undefined) return true
      const p = saveOnce(overwriteOn)
      inFlight.current = p
      try {
        return await p
      } finally {
        inFlight.current = null
      }
    },
    [saveOnce, dirty],
  )

  // A change marks the draft unsaved and saves it after a pause (not while a conflict waits).
  useEffect(() => {
    if (JSON.stringify(doc) === savedJson.current) {
      if (stateRef.current.kind === 'unsaved') setState({ kind: 'saved' })
      return
    }
    if (stateRef.current.kind === 'conflict') return
    if (stateRef.current.kind !== 'saving') setState({ kind: 'unsaved' })
    if (timer.current) clearTimeout(timer.current)
    timer.current = setTimeout(() => void save(), AUTOSAVE_DELAY_MS)
  }, [doc, save])

  // Back online: save what waited (a save that failed just as the network went is retried too).
  useEffect(() => {
    const online = () => {
      const { kind } = stateRef.current
      if (kind === 'offline' || kind === 'failed') void save()
    }
    window.addEventListener('online', online)
    return () => window.removeEventListener('online', online)
  }, [save])

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current)
    },
    [],
  )

  /** Takes the other draft as the saved state (after "reload theirs"). */
  const adopt = useCallback((theirs: Doc, theirRevision: number) => {
    revision.current = theirRevision
    savedJson.current = JSON.stringify(theirs)
    setState({ kind: 'saved' })
  }, [])

  return { state, save, adopt, revision, isDirty: dirty }
}

export type Autosave = ReturnType<typeof useAutosave>
