import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key]
      if (v !== undefined) out[key] = sortKeys(v)
    }
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
