import { describe, expect, it } from 'vitest'
import {
  addDuration,
  canonicalJson,
  chainHash,
  compile,
  contentHash,
  parseDuration,
  sha256Hex,
  verifyChain,
} from '../../engine/index.ts'
import { sampleSop } from './fixtures.ts'

describe('hashing', () => {
  it('canonical JSON sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"y":2,"z":1}]},"b":1}',
    )
  })

  it('sha256 matches the standard test vector', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })

  it('the same document always gives the same version hash, whatever the key order', () => {
    const a = compile(sampleSop())
    const reordered = Object.fromEntries(Object.entries(sampleSop()).reverse())
    expect(Object.keys(reordered)[0]).not.toBe(Object.keys(sampleSop())[0])
    expect(compile(reordered).hash).toBe(a.hash)
    expect(compile(sampleSop()).hash).toBe(a.hash)
    expect(contentHash(reordered)).toBe(contentHash(sampleSop()))
    const changed = sampleSop()
    changed.title = 'Another title'
    expect(compile(changed).hash).not.toBe(a.hash)
  })

  it('verifies a chain and finds a broken link', () => {
    const entries = [{ n: 1 }, { n: 2 }, { n: 3 }]
    const links: { prevHash: string | null; hash: string; entry: unknown }[] = []
    let prev: string | null = null
    for (const entry of entries) {
      const hash = chainHash(prev, entry)
      links.push({ prevHash: prev, hash, entry })
      prev = hash
    }
    expect(verifyChain(links)).toEqual({ ok: true, length: 3 })
    const tampered = links.map((l, i) => (i === 1 ? { ...l, entry: { n: 20 } } : l))
    expect(verifyChain(tampered)).toMatchObject({ ok: false, index: 1 })
    expect(verifyChain([links[0], links[2]])).toMatchObject({ ok: false, index: 1 })
  })
})

describe('durations', () => {
  it('parses ISO-8601 durations', () => {
    expect(parseDuration('PT2H')).toBe(7_200_000)
    expect(parseDuration('P1DT4H30M')).toBe((28 * 60 + 30) * 60_000)
    expect(parseDuration('P1W')).toBe(7 * 86_400_000)
    expect(addDuration('2026-01-01T00:00:00.000Z', 'PT90M')).toBe('2026-01-01T01:30:00.000Z')
  })

  it('refuses what is not a duration, with a message', () => {
    expect(() => parseDuration('2 hours')).toThrow(/ISO-8601/)
    expect(() => parseDuration('P')).toThrow()
    expect(() => parseDuration('P1M')).toThrow()
  })
})
