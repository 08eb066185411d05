import { type KeyObject, sign, verify } from 'node:crypto'
import type { TreeHeadRow } from '../storage/types.ts'

export const TREE_HEAD_FORMAT = 'sopflow-tree-head/v1'

/** The bytes a tree head's signature covers: five lines, UTF-8, no final newline. */
export function signedBytes(h: Omit<TreeHeadRow, 'signature'>): Buffer {
  return Buffer.from([TREE_HEAD_FORMAT, String(h.size), h.root, h.timestamp, h.keyId].join('\n'), 'utf8')
}

export function signHead(h: Omit<TreeHeadRow, 'signature'>, key: KeyObject): TreeHeadRow {
  return { ...h, signature: sign(null, signedBytes(h), key).toString('base64') }
}

/** Checks a head's signature with a public key (false for anything malformed). */
export function headSignatureValid(h: TreeHeadRow, key: KeyObject): boolean {
  try {
    if (!/^[A-Za-z0-9+/]{86}==$/.test(h.signature)) return false
    if (Buffer.from(h.signature, 'base64').toString('base64') !== h.signature) return false
    return verify(null, signedBytes(h), key, Buffer.from(h.signature, 'base64'))
  } catch {
    return false
  }
}

/** A tree head as JSON: the members in a fixed order. */
export function headJson(h: TreeHeadRow): TreeHeadRow {
  return { keyId: h.keyId, root: h.root, signature: h.signature, size: h.size, timestamp: h.timestamp }
}
