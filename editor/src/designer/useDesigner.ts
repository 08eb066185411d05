import type { TFunction } from 'i18next'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { type Diagnostic, validate } from '../../../engine/index.ts'
import { placeAfter } from '../flow/placeAfter.ts'
import { CONTAINER, defaultSize } from '../flow/toFlow.ts'
import {
  followLabel,
  followTitle,
  NOTHING_PUBLISHED,
  type PublishedIds,
  renameStep,
  renameTransition,
  slug,
  transitionIds,
  uniqueId,
} from './ids.ts'

export type Step = {
  id: string
  kind: string
  title: string
  parent?: string
  initial?: string
  instructions?: string
  checklist?: { id: string; text: string; required: boolean }[]
  requiredFields?: string[]
  roles?: string[]
  team?: string
  sla?: {
    due: string
    escalateTo?: string
    notify?: string
    time?: 'business' | 'calendar'
    calendar?: string
  }
  outcome?: string
  pausesClocks?: boolean
}
export type Transition = {
  id: string
  from: string
  to: string
  action?: string
  after?: string
  label?: string
  guard?: string
  effects?: unknown[]
  roles?: string[]
  skipRequirements?: boolean
  time?: 'business' | 'calendar'
  calendar?: string
  window?: string
}
export type Doc = {
  schema: 'sopflow/v1'
  id: string
  title: string
  department: string
  purpose: string
  description?: string
  language?: string
  channels?: string[]
  glossary?: { term: string; definition: string }[]
  fields?: {
    name: string
    label: string
    type: string
    options?: { value: string; label: string }[]
    personal?: boolean
  }[]
  initial: string
  steps: Step[]
  transitions: Transition[]
  layout?: {
    nodes?: Record<string, { x: number; y: number; width?: number; height?: number }>
    edges?: Record<string, unknown>
  }
  [key: string]: unknown
}
export type Selection = { kind: 'step' | 'transition'; ids: string[] } | null

export function emptyDoc(id: string, title: string): Doc {
  return {
    schema: 'sopflow/v1',
    id,
    title,
    department: '',
    purpose: '',
    channels: [],
    glossary: [],
    fields: [],
    initial: '',
    steps: [],
    transitions: [],
    layout: { nodes: {}, edges: {} },
  }
}

/** Changes under one key this close together make one undo step (typing in one field). */
export const COALESCE_MS = 1000

const TEXT_INPUTS = new Set(['text', 'number', 'search', 'email', 'tel', 'url', ''])

/** `key` while the person is typing in a text field, so that their typing makes one undo step. */
function typingKey(key: string): string | undefined {
  if (typeof document === 'undefined') return undefined
  const el = document.activeElement
  const typing =
    el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && TEXT_INPUTS.has(el.type))
  return typing ? key : undefined
}

/** The designer's document with undo/redo, selection, clipboard and live engine validation. */
export function useDesigner(initial: Doc) {
  const { t } = useTranslation('designer')
  const [doc, setDoc] = useState<Doc>(initial)
  const past = useRef<Doc[]>([])
  const future = useRef<Doc[]>([])
  const [history, setHistory] = useState({ canUndo: false, canRedo: false })
  const syncHistory = useCallback(
    () => setHistory({ canUndo: past.current.length > 0, canRedo: future.current.length > 0 }),
    [],
  )
  // The key and time of the last change: a change under the same key soon after joins its undo step.
  const last = useRef<{ key: string; at: number } | null>(null)
  // Changes made in one go (several steps dropped after one drag) share a key.
  const batch = useRef<string | null>(null)
  const batchKey = useCallback((name: string) => {
    if (!batch.current) {
      batch.current = `${name}:${Math.random()}`
      queueMicrotask(() => {
        batch.current = null
      })
    }
    return batch.current
  }, [])
  // Leaving a field ends its undo step.
  useEffect(() => {
    const seal = () => {
      last.current = null
    }
    document.addEventListener('focusout', seal, true)
    return () => document.removeEventListener('focusout', seal, true)
  }, [])
  const [selection, setSelection] = useState<Selection>(null)
  const [dirty, setDirty] = useState(false)
  const clipboard = useRef<{ steps: Step[]; transitions: Transition[] } | null>(null)
  // Ids of published versions: they no longer follow titles.
  const published = useRef<PublishedIds>(NOTHING_PUBLISHED)
  const setPublished = useCallback((ids: PublishedIds) => {
    published.current = ids
  }, [])
  /** Points the selection at a renamed step or transition. */
  const reselect = (from: string, to: string) => {
    if (from !== to) setSelection((sel) => sel && { ...sel, ids: sel.ids.map((x) => (x === from ? to : x)) })
  }

  // The current document, read and written outside React's updater functions (no side effects inside them).
  const current = useRef<Doc>(initial)
  const commit = useCallback((next: Doc) => {
    current.current = next
    setDoc(next)
  }, [])

  /**
   * Applies one change as an undo step. Changes under the same `key` (one field typed into, one
   * drag), each within COALESCE_MS of the one before, make a single undo step.
   */
  const change = useCallback(
    (fn: (d: Doc) => Doc, key?: string) => {
      const d = current.current
      const next = fn(structuredClone(d))
      if (JSON.stringify(next) === JSON.stringify(d)) return
      const now = Date.now()
      const joins =
        key !== undefined &&
        last.current?.key === key &&
        now - last.current.at < COALESCE_MS &&
        past.current.length > 0
      if (!joins) {
        past.current.push(d)
        if (past.current.length > 200) past.current.shift()
      }
      last.current = key === undefined ? null : { key, at: now }
      future.current = []
      setDirty(true)
      commit(next)
      syncHistory()
    },
    [commit, syncHistory],
  )

  const validation = useMemo(() => validate(doc), [doc])
  const problems: Diagnostic[] = validation.diagnostics

  const ops = {
    replace: (d: Doc) => change(() => d),
    undo: () => {
      const prev = past.current.pop()
      if (!prev) return
      last.current = null
      future.current.push(current.current)
      setDirty(true)
      commit(prev)
      syncHistory()
    },
    redo: () => {
      const next = future.current.pop()
      if (!next) return
      last.current = null
      past.current.push(current.current)
      setDirty(true)
      commit(next)
      syncHistory()
    },
    setMeta: (patch: Partial<Doc>, key = typingKey(`sop:${Object.keys(patch).join(',')}`)) =>
      change((d) => ({ ...d, ...patch }), key),
    addStep: (kind: string, pos: { x: number; y: number }, parent?: string, title?: string) => {
      let created = ''
      change((d) => {
        const taken = new Set(d.steps.map((s) => s.id))
        const name = title ?? defaultTitle(t, kind, d.steps.length + 1)
        const id = uniqueId(slug(name, kind), taken)
        created = id
        const step: Step = { id, kind, title: name }
        if (parent) step.parent = parent
        if (kind === 'end') step.outcome = 'resolved'
        d.steps.push(step)
        d.layout ??= { nodes: {}, edges: {} }
        d.layout.nodes ??= {}
        d.layout.nodes[id] = {
          x: Math.round(pos.x),
          y: Math.round(pos.y),
          ...(CONTAINER.has(kind) ? defaultSize(kind) : {}),
        }
        if (!d.initial && !parent) d.initial = id
        if (parent) {
          const p = d.steps.find((s) => s.id === parent)
          if (p && p.kind === 'group' && !p.initial) p.initial = id
        }
        return d
      })
      setSelection({ kind: 'step', ids: [created] })
      return created
    },
    /** Edits a step; typing in one of its fields makes one undo step (or pass the step's `key`). */
    updateStep: (
      id: string,
      patch: Partial<Step>,
      key = typingKey(
        `step:${current.current.steps.findIndex((x) => x.id === id)}:${Object.keys(patch).join(',')}`,
      ),
    ) => {
      let renamed = id
      change((d) => {
        const s = d.steps.find((x) => x.id === id)
        const before = s?.title ?? ''
        if (s) Object.assign(s, patch)
        for (const k of Object.keys(patch) as (keyof Step)[]) if (patch[k] === undefined && s) delete s[k]
        if (s && patch.title) renamed = followTitle(d, id, before, published.current)
        return d
      }, key)
      reselect(id, renamed)
    },
    /** Gives a step or transition another id, everywhere it is referenced (the caller checked it). */
    renameId: (kind: 'step' | 'transition', id: string, next: string) => {
      change((d) => (kind === 'step' ? renameStep(d, id, next) : renameTransition(d, id, next)))
      reselect(id, next)
    },
    setPublished,
    isPublished: (kind: 'step' | 'transition', id: string) =>
      (kind === 'step' ? published.current.steps : published.current.transitions).has(id),
    /** Moves a step; the steps moved by one drag make one undo step. */
    moveStep: (id: string, pos: { x: number; y: number }) =>
      change((d) => {
        d.layout ??= { nodes: {}, edges: {} }
        d.layout.nodes ??= {}
        d.layout.nodes[id] = { ...d.layout.nodes[id], x: Math.round(pos.x), y: Math.round(pos.y) }
        return d
      }, batchKey('move')),
    /** Moves a step into a container (or out of all, with `parent` undefined) at a position relative to it. */
    reparent: (id: string, parent: string | undefined, pos: { x: number; y: number }) =>
      change((d) => {
        const step = d.steps.find((s) => s.id === id)
        if (!step) return d
        if (parent) step.parent = parent
        else delete step.parent
        const p = parent ? d.steps.find((s) => s.id === parent) : undefined
        if (p?.kind === 'group' && !p.initial) p.initial = id
        if (!parent && !d.initial) d.initial = id
        d.layout ??= { nodes: {}, edges: {} }
        d.layout.nodes ??= {}
        d.layout.nodes[id] = { ...d.layout.nodes[id], x: Math.round(pos.x), y: Math.round(pos.y) }
        return d
      }),
    /** Resizes a container; one resize, however many sizes it passes through, is one undo step. */
    resizeStep: (id: string, size: { width: number; height: number }) =>
      change((d) => {
        d.layout ??= { nodes: {}, edges: {} }
        d.layout.nodes ??= {}
        d.layout.nodes[id] = {
          ...(d.layout.nodes[id] ?? { x: 0, y: 0 }),
          width: Math.round(size.width),
          height: Math.round(size.height),
        }
        return d
      }, `resize:${id}`),
    connect: (from: string, to: string) => {
      let created = ''
      change((d) => {
        const source = d.steps.find((s) => s.id === from)
        const target = d.steps.find((s) => s.id === to)
        if (!source || !target) return d
        const label = source.kind === 'decision' ? '' : target.title
        const withAction = source.kind !== 'decision' && !CONTAINER.has(source.kind)
        const { id, action } = transitionIds(d, { from, label }, target.title, withAction)
        created = id
        const t: Transition = { id, from, to, label }
        if (action) t.action = action
        d.transitions.push(t)
        return d
      })
      setSelection({ kind: 'transition', ids: [created] })
    },
    /** Adds a step of `kind` after `fromId`, connected to it and placed clear of its neighbours: one undo step. */
    append: (fromId: string, kind: string): string => {
      const from = current.current.steps.find((s) => s.id === fromId)
      if (!from) return ''
      const id = ops.addStep(kind, placeAfter(current.current, fromId, kind), from.parent)
      const before = past.current.length
      ops.connect(fromId, id)
      if (past.current.length > before) past.current.pop()
      setSelection({ kind: 'step', ids: [id] })
      return id
    },
    /** Edits a transition; typing in one of its fields makes one undo step (or pass `key`). */
    updateTransition: (
      id: string,
      patch: Partial<Transition>,
      key = typingKey(
        `transition:${current.current.transitions.findIndex((x) => x.id === id)}:${Object.keys(patch).join(',')}`,
      ),
    ) => {
      let renamed = id
      change((d) => {
        const tr = d.transitions.find((x) => x.id === id)
        if (tr) {
          const before = tr.label ?? ''
          Object.assign(tr, patch)
          for (const k of Object.keys(patch) as (keyof Transition)[])
            if (patch[k] === undefined || patch[k] === '') delete tr[k]
          if (patch.label) renamed = followLabel(d, id, before, published.current)
        }
        return d
      }, key)
      reselect(id, renamed)
    },
    remove: (sel: Selection) => {
      if (!sel) return
      change((d) => {
        if (sel.kind === 'transition') {
          d.transitions = d.transitions.filter((t) => !sel.ids.includes(t.id))
          return d
        }
        const gone = new Set(sel.ids)
        let grew = true
        while (grew) {
          grew = false
          for (const s of d.steps)
            if (s.parent && gone.has(s.parent) && !gone.has(s.id)) {
              gone.add(s.id)
              grew = true
            }
        }
        d.steps = d.steps.filter((s) => !gone.has(s.id))
        d.transitions = d.transitions.filter((t) => !gone.has(t.from) && !gone.has(t.to))
        for (const id of gone) delete d.layout?.nodes?.[id]
        if (gone.has(d.initial)) d.initial = d.steps.find((s) => !s.parent)?.id ?? ''
        return d
      })
      setSelection(null)
    },
    copy: (sel: Selection) => {
      if (sel?.kind !== 'step') return
      const ids = new Set(sel.ids)
      clipboard.current = {
        steps: doc.steps
          .filter((s) => ids.has(s.id))
          .map((s) => ({ ...s, layout: doc.layout?.nodes?.[s.id] }) as Step),
        transitions: doc.transitions.filter((t) => ids.has(t.from) && ids.has(t.to)),
      }
      try {
        localStorage.setItem('sopflow.clipboard', JSON.stringify(clipboard.current))
      } catch {}
    },
    paste: () => {
      let clip = clipboard.current
      try {
        clip ??= JSON.parse(localStorage.getItem('sopflow.clipboard') ?? 'null')
      } catch {}
      if (!clip) return
      const newIds: string[] = []
      change((d) => {
        const taken = new Set(d.steps.map((s) => s.id))
        const map = new Map<string, string>()
        for (const s of clip!.steps) {
          const id = uniqueId(s.id, taken)
          taken.add(id)
          map.set(s.id, id)
        }
        for (const s of clip!.steps) {
          const { layout, ...rest } = s as Step & { layout?: { x: number; y: number } }
          const id = map.get(s.id)!
          newIds.push(id)
          d.steps.push({
            ...rest,
            id,
            parent:
              rest.parent && map.has(rest.parent)
                ? map.get(rest.parent)
                : rest.parent && taken.has(rest.parent)
                  ? rest.parent
                  : undefined,
          })
          d.layout ??= { nodes: {}, edges: {} }
          d.layout.nodes ??= {}
          d.layout.nodes[id] = {
            ...(layout ?? { x: 0, y: 0 }),
            x: (layout?.x ?? 0) + 40,
            y: (layout?.y ?? 0) + 40,
          }
        }
        const tTaken = new Set(d.transitions.map((t) => t.id))
        for (const t of clip!.transitions) {
          const id = uniqueId(t.id, tTaken)
          tTaken.add(id)
          d.transitions.push({ ...t, id, from: map.get(t.from)!, to: map.get(t.to)! })
        }
        if (!d.initial) d.initial = newIds[0] ?? ''
        for (const s of d.steps) if (s.parent === undefined) delete s.parent
        return d
      })
      setSelection({ kind: 'step', ids: newIds })
    },
  }

  return {
    doc,
    problems,
    valid: validation.valid,
    selection,
    setSelection,
    dirty,
    setDirty,
    canUndo: history.canUndo,
    canRedo: history.canRedo,
    ...ops,
  }
}

const TITLED_KINDS = new Set(['task', 'decision', 'wait', 'group', 'parallel', 'end'])

/** The title of a new step of `kind`, the `n`th of the SOP, in the reader's language. */
export function defaultTitle(t: TFunction<'designer'>, kind: string, n: number): string {
  return t(`newTitles.${TITLED_KINDS.has(kind) ? kind : 'task'}`, { n })
}

export type Designer = ReturnType<typeof useDesigner>
