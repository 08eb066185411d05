import { hexToBytes } from '@noble/hashes/utils.js'
import { describe, expect, it } from 'vitest'
import {
  auditLeaf,
  consistencyProof,
  fromHex,
  inclusionProof,
  leafHash,
  memorySubtrees,
  nodeHash,
  storedSubtrees,
  toHex,
  treeHash,
  verifyConsistency,
  verifyInclusion,
} from '../../engine/merkle.ts'

// The Certificate Transparency reference tree (RFC 6962 / RFC 9162 test data as the CT
// implementations carry it): eight leaves and the root of every prefix.
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((h) => leafHash(hexToBytes(h)))
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
]
const INCLUSION = [
  {
    m: 0,
    n: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    m: 5,
    n: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
]
const CONSISTENCY = [
  {
    m: 2,
    n: 8,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    m: 6,
    n: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    m: 2,
    n: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
]

/** The tree written the plain way, from the RFC's definition, to compare the proofs with. */
function naiveRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return leaves[0]
  let k = 1
  while (k * 2 < leaves.length) k *= 2
  return nodeHash(naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k)))
}

describe('Merkle tree (RFC 9162)', () => {
  it('gives the reference root of every prefix of the reference tree', () => {
    for (let n = 0; n <= 8; n++) expect(toHex(treeHash(LEAVES.slice(0, n)))).toBe(ROOTS[n])
  })

  it('produces and accepts the reference inclusion proofs', () => {
    const subtree = memorySubtrees(LEAVES)
    for (const v of INCLUSION) {
      expect(inclusionProof(v.m, v.n, subtree).map(toHex)).toEqual(v.proof)
      const proof = v.proof.map((p) => hexToBytes(p))
      expect(verifyInclusion(v.m, v.n, LEAVES[v.m], proof, hexToBytes(ROOTS[v.n]))).toBe(true)
      expect(verifyInclusion(v.m + 1, v.n, LEAVES[v.m], proof, hexToBytes(ROOTS[v.n]))).toBe(false)
    }
  })

  it('produces and accepts the reference consistency proofs', () => {
    const subtree = memorySubtrees(LEAVES)
    for (const v of CONSISTENCY) {
      expect(consistencyProof(v.m, v.n, subtree).map(toHex)).toEqual(v.proof)
      const proof = v.proof.map((p) => hexToBytes(p))
      expect(verifyConsistency(v.m, v.n, hexToBytes(ROOTS[v.m]), hexToBytes(ROOTS[v.n]), proof)).toBe(true)
      expect(verifyConsistency(v.m, v.n, hexToBytes(ROOTS[v.m + 1]), hexToBytes(ROOTS[v.n]), proof)).toBe(
        false,
      )
    }
  })

  it('verifies every proof of trees of 1 to 70 leaves and refuses any changed proof', () => {
    const leaves = Array.from({ length: 70 }, (_, i) => leafHash(new Uint8Array([i, i >> 8, 7])))
    const stored = storedSubtrees((level, index) =>
      treeHash(leaves, undefined, index << level, (index + 1) << level),
    )
    for (let n = 1; n <= leaves.length; n++) {
      const root = naiveRoot(leaves.slice(0, n))
      const subtree = memorySubtrees(leaves.slice(0, n))
      expect(toHex(stored(0, n))).toBe(toHex(root))
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(m, n, subtree)
        expect(proof.map(toHex)).toEqual(inclusionProof(m, n, stored).map(toHex))
        expect(verifyInclusion(m, n, leaves[m], proof, root)).toBe(true)
        if (proof.length) {
          const bad = proof.map((p, i) => (i === proof.length - 1 ? leafHash(p) : p))
          expect(verifyInclusion(m, n, leaves[m], bad, root)).toBe(false)
        }
        expect(verifyInclusion(m, n, leaves[(m + 1) % 70], proof, root)).toBe(false)
        const first = naiveRoot(leaves.slice(0, m + 1))
        const c = consistencyProof(m + 1, n, subtree)
        expect(verifyConsistency(m + 1, n, first, root, c)).toBe(true)
        if (m + 1 < n) {
          expect(verifyConsistency(m + 1, n, leafHash(first), root, c)).toBe(false)
          expect(verifyConsistency(m + 1, n, first, leafHash(root), c)).toBe(false)
          expect(verifyConsistency(m + 1, n, first, root, c.slice(1))).toBe(false)
        }
      }
    }
  })
})

describe('Merkle tree edges', () => {
  const leaves = LEAVES
  const subtree = memorySubtrees(leaves)
  const root8 = hexToBytes(ROOTS[8])

  it('hashes a leaf as SHA-256 of 0x00 and the leaf', () => {
    expect(toHex(leafHash(new Uint8Array()))).toBe(ROOTS[1])
  })

  it('refuses to prove a leaf outside the tree, naming it', () => {
    for (const [m, n] of [
      [-1, 8],
      [8, 8],
      [9, 8],
      [0.5, 8],
      [0, 8.5],
    ])
      expect(() => inclusionProof(m, n, subtree)).toThrow(
        new RangeError(`leaf ${m} is not in a tree of ${n} leaves`),
      )
    for (const [m, n] of [
      [0, 8],
      [9, 8],
      [1.5, 8],
      [1, 7.5],
    ])
      expect(() => consistencyProof(m, n, subtree)).toThrow(
        new RangeError(`no consistency proof from a tree of ${m} leaves to one of ${n}`),
      )
  })

  it('refuses inclusion proofs with a wrong index or size, too many or too few hashes, or a longer root', () => {
    const proof = inclusionProof(0, 8, subtree)
    expect(verifyInclusion(0, 8, leaves[0], proof, root8)).toBe(true)
    expect(verifyInclusion(-1, 8, leaves[0], proof, root8)).toBe(false)
    expect(verifyInclusion(8, 8, leaves[0], proof, root8)).toBe(false)
    expect(verifyInclusion(0, 8.5, leaves[0], proof, root8)).toBe(false)
    expect(verifyInclusion(0.5, 8, leaves[0], proof, root8)).toBe(false)
    expect(verifyInclusion(0, 8, leaves[0], [...proof, leaves[1]], root8)).toBe(false)
    expect(verifyInclusion(0, 8, leaves[0], proof.slice(0, 2), hexToBytes(ROOTS[4]))).toBe(false)
    expect(verifyInclusion(0, 8, leaves[0], proof, new Uint8Array([...root8, 0]))).toBe(false)
    const last = inclusionProof(7, 8, subtree)
    expect(verifyInclusion(7, 8, leaves[7], last, root8)).toBe(true)
    expect(verifyInclusion(7, 8, leaves[7], [...last, leaves[1]], root8)).toBe(false)
  })

  it('refuses consistency proofs with a wrong size, an empty or longer proof, or too few hashes', () => {
    const r = (n: number) => hexToBytes(ROOTS[n])
    const proof = consistencyProof(2, 8, subtree)
    expect(verifyConsistency(2, 8, r(2), r(8), proof)).toBe(true)
    expect(verifyConsistency(0, 8, r(2), r(8), proof)).toBe(false)
    expect(verifyConsistency(9, 8, r(2), r(8), proof)).toBe(false)
    expect(verifyConsistency(2.5, 8, r(2), r(8), proof)).toBe(false)
    expect(verifyConsistency(2, 8.5, r(2), r(8), proof)).toBe(false)
    expect(verifyConsistency(3, 3, r(3), r(3), [])).toBe(true)
    expect(verifyConsistency(3, 3, r(3), r(4), [])).toBe(false)
    expect(verifyConsistency(3, 3, r(3), r(3), [leaves[0]])).toBe(false)
    expect(verifyConsistency(3, 5, r(3), r(5), [])).toBe(false)
    expect(verifyConsistency(2, 8, r(2), r(4), proof.slice(0, 1))).toBe(false)
    expect(verifyConsistency(2, 8, r(2), r(8), [...proof, leaves[1]])).toBe(false)
    const six = consistencyProof(6, 8, subtree)
    expect(verifyConsistency(6, 8, r(6), r(8), [...six, leaves[1]])).toBe(false)
  })

  it('composes a stored subtree that does not start on its own boundary', () => {
    const stored = storedSubtrees((level, index) =>
      treeHash(leaves, undefined, index << level, (index + 1) << level),
    )
    expect(toHex(stored(1, 3))).toBe(toHex(treeHash(leaves, undefined, 1, 3)))
    expect(toHex(stored(2, 6))).toBe(toHex(treeHash(leaves, undefined, 2, 6)))
  })

  it('reads exactly the given number of bytes of lowercase hex, else nothing', () => {
    const hash = ROOTS[1]
    expect(toHex(fromHex(hash)!)).toBe(hash)
    expect(toHex(fromHex('0aff', 2)!)).toBe('0aff')
    expect(fromHex('0aff')).toBeNull()
    expect(fromHex(hash.slice(2))).toBeNull()
    expect(fromHex(`${hash}00`)).toBeNull()
    expect(fromHex(hash.toUpperCase())).toBeNull()
    expect(fromHex(`x${hash.slice(1)}`)).toBeNull()
    expect(fromHex(`${hash.slice(0, -1)}g`)).toBeNull()
    expect(fromHex('0a0', 2)).toBeNull()
    expect(fromHex(42)).toBeNull()
    expect(fromHex(undefined, 0)).toBeNull()
    expect(toHex(fromHex('', 0)!)).toBe('')
  })

  it('takes an audit record hash as its leaf and refuses anything else, naming it', () => {
    expect(toHex(auditLeaf(ROOTS[2]))).toBe(ROOTS[2])
    expect(() => auditLeaf('abc')).toThrow(new RangeError('"abc" is not a SHA-256 hash in lowercase hex'))
  })
})
