import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'

/**
 * An append-only Merkle tree as RFC 9162 (Certificate Transparency 2.0, section 2.1) defines it:
 * leaf hash SHA-256(0x00 ‖ leaf), interior node hash SHA-256(0x01 ‖ left ‖ right), and a tree of n
 * leaves split at the largest power of two below n. Pure functions: the SHA-256 is injected (the
 * portable one by default) and subtree hashes come from whoever holds the tree.
 */

export type Sha256 = (data: Uint8Array) => Uint8Array

/** Hash of the subtree over leaves [start, end) (end > start). */
export type SubtreeHash = (start: number, end: number) => Uint8Array

export const defaultSha256: Sha256 = (data) => nobleSha256(data)

export function leafHash(leaf: Uint8Array, sha256: Sha256 = defaultSha256): Uint8Array {
  const input = new Uint8Array(leaf.length + 1)
  input[0] = 0
  input.set(leaf, 1)
  return sha256(input)
}

export function nodeHash(left: Uint8Array, right: Uint8Array, sha256: Sha256 = defaultSha256): Uint8Array {
  const input = new Uint8Array(1 + left.length + right.length)
  input[0] = 1
  input.set(left, 1)
  input.set(right, 1 + left.length)
  return sha256(input)
}

/** The largest power of two smaller than n (n > 1). */
export function splitPoint(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/** MTH over leaf hashes [start, end): the empty tree is SHA-256 of nothing. */
export function treeHash(
  leaves: readonly Uint8Array[],
  sha256: Sha256 = defaultSha256,
  start = 0,
  end = leaves.length,
): Uint8Array {
  const n = end - start
  if (n === 0) return sha256(new Uint8Array())
  if (n === 1) return leaves[start]
  const k = splitPoint(n)
  return nodeHash(
    treeHash(leaves, sha256, start, start + k),
    treeHash(leaves, sha256, start + k, end),
    sha256,
  )
}

/** A subtree source over leaf hashes held in memory. */
export function memorySubtrees(leaves: readonly Uint8Array[], sha256: Sha256 = defaultSha256): SubtreeHash {
  return (start, end) => treeHash(leaves, sha256, start, end)
}

/**
 * A subtree source over stored perfect subtrees: `node(level, index)` is the hash of leaves
 * [index·2^level, (index+1)·2^level). Any other range is composed as the tree splits it.
 */
export function storedSubtrees(
  node: (level: number, index: number) => Uint8Array,
  sha256: Sha256 = defaultSha256,
): SubtreeHash {
  const get = (start: number, end: number): Uint8Array => {
    const n = end - start
    if ((n & (n - 1)) === 0 && start % n === 0) return node(Math.log2(n), start / n)
    const k = splitPoint(n)
    return nodeHash(get(start, start + k), get(start + k, end), sha256)
  }
  return get
}

/** RFC 9162 2.1.3.1: the audit path of leaf m in the tree of the first n leaves. */
export function inclusionProof(m: number, n: number, subtree: SubtreeHash): Uint8Array[] {
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 0 || m >= n)
    throw new RangeError(`leaf ${m} is not in a tree of ${n} leaves`)
  const path = (m: number, start: number, end: number): Uint8Array[] => {
    const size = end - start
    if (size === 1) return []
    const k = splitPoint(size)
    if (m < k) return [...path(m, start, start + k), subtree(start + k, end)]
    return [...path(m - k, start + k, end), subtree(start, start + k)]
  }
  return path(m, 0, n)
}

/** RFC 9162 2.1.4.1: the consistency proof between the trees of the first m and first n leaves. */
export function consistencyProof(m: number, n: number, subtree: SubtreeHash): Uint8Array[] {
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 1 || m > n)
    throw new RangeError(`no consistency proof from a tree of ${m} leaves to one of ${n}`)
  const sub = (m: number, start: number, end: number, whole: boolean): Uint8Array[] => {
    const size = end - start
    if (m === size) return whole ? [] : [subtree(start, end)]
    const k = splitPoint(size)
    if (m <= k) return [...sub(m, start, start + k, whole), subtree(start + k, end)]
    return [...sub(m - k, start + k, end, false), subtree(start, start + k)]
  }
  return sub(m, 0, n, true)
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let d = 0
  // Stryker disable next-line EqualityOperator: one step past the end XORs undefined with undefined, which is 0
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i]
  return d === 0
}

/** RFC 9162 2.1.3.2: does `proof` show leaf hash `leaf` at index m of the tree of size n with root `root`? */
export function verifyInclusion(
  m: number,
  n: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  sha256: Sha256 = defaultSha256,
): boolean {
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 0 || m >= n) return false
  let fn = m
  let sn = n - 1
  let r = leaf
  for (const p of proof) {
    // Stryker disable next-line ConditionalExpression: a shortcut; a hash past the root changes the result, which the root check then refuses
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r, sha256)
      // Stryker disable next-line ConditionalExpression: the loop below tests the same condition first
      if (fn % 2 === 0) {
        // Stryker disable next-line ConditionalExpression: fn equals sn here and both halve, so fn reaches 1 (odd) before 0
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2)
          sn = Math.floor(sn / 2)
        }
      }
    } else {
      r = nodeHash(r, p, sha256)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && equal(r, root)
}

/** RFC 9162 2.1.4.2: does `proof` show the tree of size m with root `first` is a prefix of the one of size n with root `second`? */
export function verifyConsistency(
  m: number,
  n: number,
  first: Uint8Array,
  second: Uint8Array,
  proof: readonly Uint8Array[],
  sha256: Sha256 = defaultSha256,
): boolean {
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 1 || m > n) return false
  if (m === n) return proof.length === 0 && equal(first, second)
  // Stryker disable next-line ConditionalExpression: a shortcut; with no hashes sn stays above 0, so the end refuses it anyway
  if (proof.length === 0) return false
  const path = (m & (m - 1)) === 0 ? [first, ...proof] : [...proof]
  let fn = m - 1
  let sn = n - 1
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  let fr = path[0]
  let sr = path[0]
  for (const c of path.slice(1)) {
    // Stryker disable next-line ConditionalExpression: a shortcut; a hash past the root changes the result, which the root check then refuses
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr, sha256)
      sr = nodeHash(c, sr, sha256)
      // Stryker disable next-line ConditionalExpression: the loop below tests the same condition first
      if (fn % 2 === 0) {
        // Stryker disable next-line ConditionalExpression: fn equals sn here and both halve, so fn reaches 1 (odd) before 0
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2)
          sn = Math.floor(sn / 2)
        }
      }
    } else {
      sr = nodeHash(sr, c, sha256)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && equal(fr, first) && equal(sr, second)
}

export const toHex = (bytes: Uint8Array): string => bytesToHex(bytes)

/** Lowercase hex of exactly `length` bytes, or null. */
export function fromHex(text: unknown, length = 32): Uint8Array | null {
  if (typeof text !== 'string' || text.length !== length * 2 || !/^[0-9a-f]*$/.test(text)) return null
  return hexToBytes(text)
}

/** The leaf of an audit record in the ledger: the 32 bytes of the record's chain hash. */
export function auditLeaf(recordHash: string): Uint8Array {
  const bytes = fromHex(recordHash)
  if (!bytes) throw new RangeError(`"${recordHash}" is not a SHA-256 hash in lowercase hex`)
  return bytes
}
