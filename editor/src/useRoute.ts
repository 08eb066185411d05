import { useSyncExternalStore } from 'react'

export interface Route {
  /** Path segments after `#/`, e.g. ['tickets', '42']. */
  segments: string[]
  query: URLSearchParams
}

function read(): Route {
  const hash = window.location.hash.replace(/^#\/?/, '')
  const [path, qs] = hash.split('?')
  return {
    segments: path.split('/').filter(Boolean).map(decodeURIComponent),
    query: new URLSearchParams(qs ?? ''),
  }
}

let cached = { key: '', route: read() }

function snapshot(): Route {
  const key = window.location.hash
  if (key !== cached.key) cached = { key, route: read() }
  return cached.route
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb)
  return () => window.removeEventListener('hashchange', cb)
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, snapshot)
}

export function navigate(path: string): void {
  window.location.hash = path.startsWith('#') ? path : `#${path}`
}
