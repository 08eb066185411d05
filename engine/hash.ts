import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

/** A copy with sorted keys and no undefined members; values already in that form are returned as they are. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | null = null
    for (let i = 0; i < value.length; i++) {
      const v = sortKeys(value[i])
      if (v !== value[i]) {
        out ??= value.slice()
        out[i] = v
      }
    }
    return out ?? value
  }
  if (value && typeof value === 'object') {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value
    const record = value as Record<string, unknown>
    const keys = Object.keys(record)
    let changed = false
    for (let i = 1; i < keys.length && !changed; i++) if (keys[i - 1] > keys[i]) changed = true
    const values: unknown[] = new Array(keys.length)
    for (let i = 0; i < keys.length; i++) {
      const v = record[keys[i]]
      const sorted = v === undefined ? v : sortKeys(v)
      if (v === undefined || sorted !== v) changed = true
      values[i] = sorted
    }
    if (!changed) return value
    const order = keys.map((k, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0))
    const out: Record<string, unknown> = {}
    for (const i of order) if (values[i] !== undefined) out[keys[i]] = values[i]
    return out
  }
  return value
}

/** SHA-256 of a string's UTF-8 bytes, as lowercase hex. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)))
}

/** Content hash of any JSON value (an SOP document, an audit payload). */
export function contentHash(value: unknown): string {
  return sha256Hex(canonicalJson(value))
}

/**
 * Hash of one link of an audit chain: SHA-256 over the previous link's hash and the entry's
 * canonical JSON. The first entry of a chain has `prevHash` null.
 */
export function chainHash(prevHash: string | null, entry: unknown): string {
  return sha256Hex(`${prevHash ?? ''}\n${canonicalJson(entry)}`)
}

export interface ChainLink {
  prevHash: string | null
  hash: string
  entry: unknown
}

export type ChainCheck = { ok: true; length: number } | { ok: false; index: number; reason: string }

/** Checks that every link names its predecessor's hash and that every hash matches its entry. */
export function verifyChain(links: readonly ChainLink[]): ChainCheck {
  let prev: string | null = null
  for (let i = 0; i < links.length; i++) {
    const link = links[i]
    if (link.prevHash !== prev) return { ok: false, index: i, reason: 'previous hash does not match' }
    if (chainHash(link.prevHash, link.entry) !== link.hash) {
      return { ok: false, index: i, reason: 'hash does not match the entry' }
    }
    prev = link.hash
  }
  return { ok: true, length: links.length }
}
