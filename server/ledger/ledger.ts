import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { canonicalJson } from '../../engine/index.ts'
import {
  consistencyProof,
  fromHex,
  inclusionProof,
  leafHash,
  type SubtreeHash,
  storedSubtrees,
  toHex,
  treeHash,
  verifyConsistency,
  verifyInclusion,
} from '../../engine/merkle.ts'
import { Problem } from '../http/problem.ts'
import type { LedgerCheck } from '../services/verification.ts'
import type { AuditRow, Storage, TreeHeadRow } from '../storage/types.ts'
import type { LedgerKey } from './keys.ts'
import { sha256Bytes } from './sha.ts'
import { headJson, headSignatureValid, signHead } from './treeHead.ts'

/** The 32 bytes of a record's chain hash: its leaf in the ledger (an unreadable hash gives no bytes). */
function auditLeafBytes(hash: string): Uint8Array {
  return fromHex(hash) ?? new Uint8Array()
}

export interface LedgerOptions {
  clock?: () => Date
  /** Every head is appended to this file (one JSON line each), outside the database. */
  headsFile?: string | null
  /** Every head is also POSTed here (a witness). */
  witnessUrl?: string | null
  /** A new head at least this often while records are added (ms). */
  intervalMs?: number
  log?: (line: string) => void
}

/**
 * The installation's ledger: an RFC 9162 Merkle tree over every audit record (appended by the
 * storage in the records' own transaction), signed tree heads, and proofs against them.
 */
export class LedgerService {
  private timer: NodeJS.Timeout | null = null
  private last: TreeHeadRow | null = null
  private signing: Promise<TreeHeadRow> | null = null
  /** The last head in the heads file (outside the database) when this process started. */
  private readonly anchor: TreeHeadRow | null

  constructor(
    private readonly storage: Storage,
    readonly key: LedgerKey,
    private readonly options: LedgerOptions = {},
  ) {
    this.anchor = options.headsFile ? lastHead(options.headsFile) : null
  }

  /** Signs heads every `intervalMs` (default 1 s) when the tree has grown. */
  start(): void {
    this.timer ??= setInterval(() => {
      this.head().catch((e) => this.options.log?.(`ledger: no tree head: ${(e as Error).message}`))
    }, this.options.intervalMs ?? 1000)
    this.timer.unref()
  }

  /** Stops the timer and signs a last head over everything committed. */
  async stop(): Promise<TreeHeadRow> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    return this.head()
  }

  async size(): Promise<number> {
    return this.storage.ledgerSize()
  }

  async rootOf(size: number): Promise<Uint8Array> {
    if (size === 0) return treeHash([], sha256Bytes)
    return (await this.subtrees((s) => s(0, size)))(0, size)
  }

  /**
   * The stored subtrees a computation needs, read in one call: `needs` runs first over placeholder
   * hashes to learn which stored nodes it touches; the result serves those ranges (and any range
   * built from them). Proofs are pure functions, so they run twice rather than read node by node.
   */
  async subtrees(needs: (subtree: SubtreeHash) => void): Promise<SubtreeHash> {
    const wanted = new Map<string, [number, number]>()
    const placeholder = new Uint8Array(32)
    try {
      needs(
        storedSubtrees((level, index) => {
          wanted.set(`${level}/${index}`, [level, index])
          return placeholder
        }, sha256Bytes),
      )
    } catch {
      // A range the tree does not have: the real computation reports it.
    }
    const keys = [...wanted.keys()]
    const hashes = await this.storage.ledgerNodes([...wanted.values()])
    const nodes = new Map(keys.map((k, i) => [k, hashes[i]]))
    const memo = new Map<string, Uint8Array>()
    const stored = storedSubtrees((level, index) => {
      const h = nodes.get(`${level}/${index}`)
      if (!h) throw new Error(`The ledger has no node ${level}/${index}`)
      return h
    }, sha256Bytes)
    return (start, end) => {
      const k = `${start}:${end}`
      let h = memo.get(k)
      if (!h) {
        h = stored(start, end)
        memo.set(k, h)
      }
      return h
    }
  }

  /** The latest signed head, signing a new one first when records were added since. */
  async head(): Promise<TreeHeadRow> {
    while (this.signing) await this.signing.catch(() => null)
    this.last ??= await this.storage.treeHead()
    const size = await this.storage.ledgerSize()
    if (this.last && this.last.size >= size) return this.last
    this.signing = this.sign(size)
    try {
      return await this.signing
    } finally {
      this.signing = null
    }
  }

  private async sign(size: number): Promise<TreeHeadRow> {
    const root = await this.rootOf(size)
    // Never sign a tree that does not extend the last head signed (here or in the heads file).
    const prev = [this.last, this.anchor]
      .filter((h): h is TreeHeadRow => !!h)
      .sort((a, b) => b.size - a.size)[0]
    if (prev && prev.size > 0) {
      const prevRoot = fromHex(prev.root)
      const consistent =
        prevRoot &&
        size >= prev.size &&
        verifyConsistency(
          prev.size,
          size,
          prevRoot,
          root,
          consistencyProof(prev.size, size, await this.subtrees((t) => consistencyProof(prev.size, size, t))),
          sha256Bytes,
        )
      if (!consistent)
        throw new Problem(
          409,
          'ledger_rewritten',
          `The ledger (${size} records) does not extend the signed tree head of ${prev.size} records: records were changed or removed`,
          { size, signedSize: prev.size },
        )
    }
    const head = signHead(
      {
        size,
        root: toHex(root),
        timestamp: (this.options.clock ?? (() => new Date()))().toISOString(),
        keyId: this.key.keyId,
      },
      this.key.privateKey,
    )
    await this.storage.saveTreeHead(head)
    this.last = head
    const line = canonicalJson(headJson(head))
    if (this.options.headsFile) appendFileSync(this.options.headsFile, `${line}\n`)
    if (this.options.witnessUrl) {
      fetch(this.options.witnessUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: line,
      }).catch((e) => this.options.log?.(`ledger: the witness did not take head ${size}: ${e.message}`))
    }
    return head
  }

  private async checkSize(size: number, what: string): Promise<void> {
    const current = await this.storage.ledgerSize()
    if (!Number.isInteger(size) || size < 0 || size > current)
      throw new Problem(
        422,
        'ledger_size_unknown',
        `The ledger has ${current} records; ${what} ${size} is not a tree size`,
        {
          size,
          current,
        },
      )
  }

  async inclusion(leaf: number, size: number) {
    await this.checkSize(size, 'size')
    if (!Number.isInteger(leaf) || leaf < 0 || leaf >= size)
      throw new Problem(422, 'ledger_leaf_unknown', `Leaf ${leaf} is not in a tree of ${size} records`, {
        leaf,
        size,
      })
    const record = await this.storage.ledgerRecord(leaf)
    return {
      leaf,
      size,
      leafHash: toHex((await this.storage.ledgerNodes([[0, leaf]]))[0]),
      record: record ? { ticketId: record.ticketId, seq: record.seq, hash: record.hash } : null,
      proof: inclusionProof(leaf, size, await this.subtrees((t) => inclusionProof(leaf, size, t))).map(toHex),
    }
  }

  async consistency(from: number, to: number) {
    await this.checkSize(to, 'to')
    if (!Number.isInteger(from) || from < 1 || from > to)
      throw new Problem(422, 'ledger_size_unknown', `No consistency proof from size ${from} to size ${to}`, {
        from,
        to,
      })
    const subtree = await this.subtrees((t) => consistencyProof(from, to, t))
    return { from, to, proof: consistencyProof(from, to, subtree).map(toHex) }
  }

  /**
   * Checks that each record is the leaf it names, and proves it included in the latest signed
   * head (whose signature is checked too). Damage is reported, never thrown.
   */
  async checkRecords(audit: readonly AuditRow[]): Promise<LedgerCheck> {
    const problems: LedgerCheck['problems'] = []
    let head: TreeHeadRow
    try {
      head = await this.head()
    } catch (err) {
      return { ok: false, size: 0, problems: [{ message: (err as Error).message }] }
    }
    if (!headSignatureValid(head, this.key.publicKey))
      problems.push({
        message: `the signature of tree head ${head.size} does not verify with key ${this.key.keyId}`,
      })
    const root = fromHex(head.root)
    const subtree = await this.subtrees((t) => {
      for (const a of audit)
        if (typeof a.leaf === 'number' && Number.isInteger(a.leaf) && a.leaf >= 0 && a.leaf < head.size)
          inclusionProof(a.leaf, head.size, t)
    })
    for (const a of audit) {
      const leaf = a.leaf
      if (typeof leaf !== 'number' || !Number.isInteger(leaf) || leaf < 0 || leaf >= head.size) {
        problems.push({
          seq: a.seq,
          message: `record ${a.seq} names no leaf of the ledger (${String(leaf)})`,
        })
        continue
      }
      try {
        const expected = leafHash(auditLeafBytes(a.hash), sha256Bytes)
        const proof = inclusionProof(leaf, head.size, subtree)
        if (!root || !verifyInclusion(leaf, head.size, expected, proof, root, sha256Bytes))
          problems.push({
            seq: a.seq,
            message: `record ${a.seq} is not leaf ${leaf} of the signed tree head of ${head.size} records: it was changed, or the ledger was`,
          })
      } catch (err) {
        problems.push({
          seq: a.seq,
          message: `record ${a.seq} cannot be proved in the ledger: ${(err as Error).message}`,
        })
      }
    }
    return { ok: problems.length === 0, size: head.size, problems }
  }

  /** The leaf hash of an audit record, as the ledger stores it. */
  static leafOf(recordHash: string): string {
    return toHex(leafHash(Buffer.from(recordHash, 'hex'), sha256Bytes))
  }
}

/** The last head of a heads file (one JSON head a line), or null. */
export function lastHead(file: string): TreeHeadRow | null {
  if (!existsSync(file)) return null
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const h = JSON.parse(lines[i]) as TreeHeadRow
      if (Number.isInteger(h.size) && typeof h.root === 'string') return h
    } catch {}
  }
  return null
}
