import { useSyncExternalStore } from 'react'

export interface Route {
  /** Path segments after `#/`, e.g. ['tickets', '42']. */
  segments: string[]
  query: URLSearchParams
}

function parse(hash: string): Route {
  const [path, qs] = hash.replace(/^#\/?/, '').split('?')
  return {
    segments: path.split('/').filter(Boolean).map(decodeURIComponent),
    query: new URLSearchParams(qs ?? ''),
  }
}

/**
 * A page that must not be left yet (unsaved work) registers a guard: before the app shows the
 * next route, the guard runs (save, or ask); it answers whether to go on.
 */
export type LeaveGuard = (nextHash: string) => Promise<boolean> | boolean

/** The route the app shows: it lags behind the address bar while a guard decides. */
let shown = { hash: window.location.hash, route: parse(window.location.hash) }
let guard: LeaveGuard | null = null
let deciding = false
const listeners = new Set<() => void>()

function show(hash: string) {
  if (hash === shown.hash) return
  shown = { hash, route: parse(hash) }
  for (const l of listeners) l()
}

async function onHashChange() {
  if (deciding || window.location.hash === shown.hash) return
  if (!guard) return show(window.location.hash)
  deciding = true
  let go = false
  try {
    go = await guard(window.location.hash)
  } finally {
    deciding = false
  }
  // The address bar may have moved on while the guard ran: follow it, or put it back.
  if (go) show(window.location.hash)
  else
    window.history.replaceState(
      window.history.state,
      '',
      `${window.location.pathname}${window.location.search}${shown.hash || '#/'}`,
    )
}

function subscribe(cb: () => void): () => void {
  if (!listeners.size) {
    window.addEventListener('hashchange', onHashChange)
    if (!guard) shown = { hash: window.location.hash, route: parse(window.location.hash) }
  }
  listeners.add(cb)
  return () => {
    listeners.delete(cb)
    if (!listeners.size) window.removeEventListener('hashchange', onHashChange)
  }
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, () => shown.route)
}

export function navigate(path: string): void {
  window.location.hash = path.startsWith('#') ? path : `#${path}`
}

/** Registers the guard asked before any in-app navigation; returns its removal. */
export function guardLeaving(g: LeaveGuard): () => void {
  guard = g
  return () => {
    if (guard === g) guard = null
  }
}
