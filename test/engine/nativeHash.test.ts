import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  type CompiledSop,
  canonicalJson,
  chainHash,
  compile,
  decide,
  leafHash,
  paths,
  replay,
  start,
  type TransitionRecord,
  treeHash,
  verifyChain,
} from '../../engine/index.ts'
import { calendarFiles, EXAMPLE_CALENDARS } from '../../server/calendars/examples.ts'
import { sha256Bytes } from '../../server/ledger/sha.ts'
import { linkHash, sha256 as nodeSha256 } from '../../server/services/crypto.ts'

const root = join(import.meta.dirname, '..', '..')
const documents = [
  ...readdirSync(join(root, 'examples'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(root, 'examples', f)),
  ...readdirSync(join(root, 'test', 'fixtures'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(root, 'test', 'fixtures', f)),
].map((file) => ({ file, doc: JSON.parse(readFileSync(file, 'utf8')) as unknown }))

/** Every path of the SOP played from the start: the record chains its tickets would have. */
function chains(sop: CompiledSop): TransitionRecord[][] {
  return paths(sop).map((path) => {
    const first = start(sop, { actor: { id: 'u1', role: 'agent' }, now: path.startAt })
    if (!first.ok) throw new Error(first.rejection.message)
    const records = [first.record]
    let state = first.state
    for (const step of path.inputs) {
      const d = decide(sop, state, step.input, step.actor, step.at)
      if (!d.ok) throw new Error(d.rejection.message)
      records.push(d.record)
      state = d.state
    }
    return records
  })
}

/** The calendars the examples name (their contact windows), as the server seeds them. */
const calendars = calendarFiles(EXAMPLE_CALENDARS, new Date('2026-06-01T00:00:00Z'))

describe("the server's native SHA-256 and the portable one", () => {
  it('give byte-identical version hashes and record chains on every example and fixture SOP', () => {
    expect(documents.length).toBeGreaterThanOrEqual(4)
    for (const { doc } of documents) {
      const portable = compile(doc, { calendars })
      const native = compile(doc, { calendars, sha256: nodeSha256 })
      expect(native.hash).toBe(portable.hash)
      const portableChains = chains(portable)
      const nativeChains = chains(native)
      expect(nativeChains.length).toBeGreaterThan(0)
      expect(canonicalJson(nativeChains)).toBe(canonicalJson(portableChains))
      // A chain made with one verifies with the other.
      for (const records of portableChains) {
        const last = native.sha256(canonicalJson(records.at(-1)))
        expect(replay(native, records, { head: last }).ok).toBe(true)
      }
    }
  })

  it('give the same audit link hashes and Merkle roots over those chains', () => {
    const sop = compile(documents[0].doc, { calendars })
    const records = chains(sop).flat()
    let prev: string | null = null
    const links = records.map((entry) => {
      const hash = linkHash(prev, entry)
      expect(hash).toBe(chainHash(prev, entry))
      const link = { prevHash: prev, hash, entry }
      prev = hash
      return link
    })
    expect(verifyChain(links)).toEqual({ ok: true, length: links.length })
    expect(verifyChain(links, nodeSha256)).toEqual({ ok: true, length: links.length })
    const leaves = links.map((l) => new TextEncoder().encode(l.hash))
    expect(Buffer.from(treeHash(leaves, sha256Bytes)).toString('hex')).toBe(
      Buffer.from(treeHash(leaves)).toString('hex'),
    )
    expect(Buffer.from(leafHash(leaves[0], sha256Bytes))).toEqual(Buffer.from(leafHash(leaves[0])))
  })
})
