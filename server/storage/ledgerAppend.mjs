// Appending audit records to the installation's Merkle ledger (RFC 9162 hashing), on the
// connection that writes the records, inside their transaction. Every complete subtree is stored
// as a node (level, index): level 0 holds the leaf hashes; a node at level l covers leaves
// [index·2^l, (index+1)·2^l). Proofs and tree heads read these nodes.
import { createHash } from 'node:crypto'

const LEAF = Buffer.from([0])
const NODE = Buffer.from([1])

/** SHA-256(0x00 ‖ leaf). @param {Buffer} leaf */
export function leafHash(leaf) {
  return createHash('sha256').update(LEAF).update(leaf).digest()
}

/** SHA-256(0x01 ‖ left ‖ right). @param {Buffer} left @param {Buffer} right */
export function nodeHash(left, right) {
  return createHash('sha256').update(NODE).update(left).update(right).digest()
}

/**
 * @param {import('better-sqlite3').Database} db
 */
export function prepareLedger(db) {
  const insertNode = db.prepare('INSERT INTO ledger_nodes (level, idx, hash) VALUES (?, ?, ?)')
  const getNode = db.prepare('SELECT hash FROM ledger_nodes WHERE level = ? AND idx = ?').pluck()
  const sizeOf = db.prepare('SELECT coalesce(max(idx) + 1, 0) FROM ledger_nodes WHERE level = 0').pluck()
  let size = 0
  return {
    /** Reads the ledger's size; call inside the transaction, before appending. */
    begin() {
      size = /** @type {number} */ (sizeOf.get())
      return size
    },
    get size() {
      return size
    },
    /** After a rolled-back savepoint: forget the leaves it appended. @param {number} n */
    reset(n) {
      size = n
    },
    /**
     * Appends the leaf of one audit record (the 32 bytes of its chain hash) and returns its index.
     * @param {string} recordHash
     */
    append(recordHash) {
      const index = size
      let hash = leafHash(Buffer.from(recordHash, 'hex'))
      insertNode.run(0, index, hash)
      let level = 0
      let idx = index
      while (idx % 2 === 1) {
        const left = /** @type {Buffer} */ (getNode.get(level, idx - 1))
        hash = nodeHash(left, hash)
        level++
        idx = Math.floor(idx / 2)
        insertNode.run(level, idx, hash)
      }
      size = index + 1
      return index
    },
  }
}
