import { describe, expect, it } from 'vitest'
import { GuardEnvironment } from '../../engine/guard.ts'
import {
  addDuration,
  canonicalJson,
  chainHash,
  contentHash,
  isDuration,
  parseDuration,
  SOP_ERROR_CODES,
  SopError,
  sha256Hex,
  verifyChain,
} from '../../engine/index.ts'

/** The engine's small parts, each rule on its own (written to kill the mutants they let live). */
describe('durations', () => {
  it('count weeks, days, hours, minutes and seconds, with decimals', () => {
    expect(parseDuration('PT1S')).toBe(1000)
    expect(parseDuration('PT1M')).toBe(60_000)
    expect(parseDuration('PT1H')).toBe(3_600_000)
    expect(parseDuration('P1D')).toBe(86_400_000)
    expect(parseDuration('P1W')).toBe(7 * 86_400_000)
    expect(parseDuration('P1W2DT3H4M5S')).toBe(((((7 + 2) * 24 + 3) * 60 + 4) * 60 + 5) * 1000)
    expect(parseDuration('PT1.5H')).toBe(5_400_000)
    expect(parseDuration('PT0.5S')).toBe(500)
    // Several digits on both sides of the point, in every unit.
    expect(parseDuration('P12.25W')).toBe(12.25 * 7 * 86_400_000)
    expect(parseDuration('P12.25D')).toBe(12.25 * 86_400_000)
    expect(parseDuration('PT12.25H')).toBe(12.25 * 3_600_000)
    expect(parseDuration('PT12.25M')).toBe(12.25 * 60_000)
    expect(parseDuration('PT12.25S')).toBe(12_250)
    for (const bad of ['P1.xW', 'P1.xD', 'PT1.xH', 'PT1.xM', 'PT1.xS', 'P1.W', 'PT1.H', 'PT.5S'])
      expect(isDuration(bad), bad).toBe(false)
    // Asked again (from the cache), the same.
    expect(parseDuration('P1W2DT3H4M5S')).toBe(((((7 + 2) * 24 + 3) * 60 + 4) * 60 + 5) * 1000)
    expect(addDuration('2026-03-02T23:30:00.000Z', 'PT45M')).toBe('2026-03-03T00:15:00.000Z')
  })

  it('refuse what is not a duration of fixed length, naming it', () => {
    for (const bad of [
      'P',
      'PT',
      'P1Y',
      'P1M',
      'PT1H2',
      '1H',
      'pt1h',
      'P1DT',
      'PT-1H',
      'P1D ',
      ' P1D',
      'PT1H1D',
    ]) {
      expect(isDuration(bad), bad).toBe(false)
      expect(() => parseDuration(bad), bad).toThrow(
        new RangeError(`"${bad}" is not an ISO-8601 duration such as PT2H or P1D`),
      )
    }
    for (const good of ['P1D', 'PT2H', 'P2W', 'P1DT4H30M', 'PT0S']) expect(isDuration(good), good).toBe(true)
  })

  it('stay right past the cache’s size', () => {
    for (let i = 0; i < 10_050; i++) expect(parseDuration(`PT${i}S`)).toBe(i * 1000)
    expect(parseDuration('PT2H')).toBe(7_200_000)
  })
})

describe('canonical JSON and the chain', () => {
  it('writes nested values canonically, keeps arrays in order, and leaves dates as JSON writes them', () => {
    expect(canonicalJson([{ b: 1, a: 2 }, [{ d: 1, c: undefined }], 3])).toBe('[{"a":2,"b":1},[{"d":1}],3]')
    expect(canonicalJson({ a: 1, b: { c: 1, d: 2 } })).toBe('{"a":1,"b":{"c":1,"d":2}}')
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}')
    expect(canonicalJson({ b: [{ y: 1, x: 2 }], a: null })).toBe('{"a":null,"b":[{"x":2,"y":1}]}')
    expect(canonicalJson({ at: new Date('2026-03-02T08:00:00.000Z') })).toBe(
      '{"at":"2026-03-02T08:00:00.000Z"}',
    )
    expect(canonicalJson('x')).toBe('"x"')
    expect(canonicalJson([1, [2, [3]]])).toBe('[1,[2,[3]]]')
    expect(canonicalJson({ z: { b: 1, a: 1 } })).toBe('{"z":{"a":1,"b":1}}')
    expect(canonicalJson({ a: { b: undefined } })).toBe('{"a":{}}')
    // The value given is not changed.
    const value = { b: 1, a: [{ d: 1, c: 2 }] }
    canonicalJson(value)
    expect(Object.keys(value)).toEqual(['b', 'a'])
    expect(Object.keys(value.a[0])).toEqual(['d', 'c'])
  })

  it('hashes a value by its canonical JSON', () => {
    expect(contentHash({ b: 1, a: [2] })).toBe(sha256Hex('{"a":[2],"b":1}'))
    expect(contentHash({ a: [2], b: 1 })).toBe(contentHash({ b: 1, a: [2] }))
  })

  it('links each record to the one before, and names the first link that is wrong', () => {
    expect(chainHash(null, { a: 1 })).toBe(sha256Hex('\n{"a":1}'))
    expect(chainHash('ab', { a: 1 })).toBe(sha256Hex('ab\n{"a":1}'))
    const links: { prevHash: string | null; hash: string; entry: unknown }[] = []
    for (const entry of [{ n: 0 }, { n: 1 }, { n: 2 }]) {
      const prevHash = links.at(-1)?.hash ?? null
      links.push({ prevHash, hash: chainHash(prevHash, entry), entry })
    }
    expect(verifyChain(links)).toEqual({ ok: true, length: 3 })
    expect(verifyChain([])).toEqual({ ok: true, length: 0 })
    expect(verifyChain([links[0], links[2]])).toEqual({
      ok: false,
      index: 1,
      reason: 'previous hash does not match',
    })
    expect(verifyChain([links[0], { ...links[1], entry: { n: 9 } }, links[2]])).toEqual({
      ok: false,
      index: 1,
      reason: 'hash does not match the entry',
    })
    expect(verifyChain([{ ...links[0], prevHash: 'x' }])).toEqual({
      ok: false,
      index: 0,
      reason: 'previous hash does not match',
    })
  })
})

describe('engine errors', () => {
  it('carry their code, the id and the diagnostics, with defaults', () => {
    const e = new SopError('unknown_step', 'No step "x"', { id: 'x' })
    expect(e).toBeInstanceOf(Error)
    expect({ name: e.name, code: e.code, id: e.id, diagnostics: e.diagnostics, message: e.message }).toEqual({
      name: 'SopError',
      code: 'unknown_step',
      id: 'x',
      diagnostics: [],
      message: 'No step "x"',
    })
    const bare = new SopError('sop_mismatch', 'Other SOP')
    expect([bare.id, bare.diagnostics]).toEqual([null, []])
    expect(SOP_ERROR_CODES).toEqual([
      'invalid_document',
      'unknown_step',
      'unknown_transition',
      'sop_mismatch',
      'missing_calendar',
    ])
  })
})

describe('guards', () => {
  const env = new GuardEnvironment([
    { name: 'amount', label: 'Amount', type: 'number', required: false, personal: false } as never,
    { name: 'fault', label: 'Fault', type: 'choice', required: false, personal: false } as never,
    { name: 'vip', label: 'VIP', type: 'boolean', required: false, personal: false } as never,
    { name: 'note', label: 'Note', type: 'longtext', required: false, personal: false } as never,
    { name: 'when', label: 'When', type: 'date', required: false, personal: false } as never,
    { name: 'mail', label: 'Mail', type: 'email', required: false, personal: false } as never,
    { name: 'tel', label: 'Phone', type: 'phone', required: false, personal: false } as never,
    { name: 'name', label: 'Name', type: 'text', required: false, personal: false } as never,
  ])

  it('type-check each field by its type, and want a true/false condition', () => {
    for (const ok of [
      'ticket.amount > 100.0',
      'ticket.fault == "company"',
      'ticket.vip',
      'ticket.note.contains("x")',
      'ticket.when < "2026-01-01"',
      'ticket.mail.endsWith(".cz")',
      'ticket.tel.startsWith("+84")',
      'ticket.name == "An"',
    ])
      expect(env.check(ok), ok).toEqual({ ok: true })
    expect(env.check('ticket.name')).toEqual({
      ok: false,
      message: 'must be a true/false condition, but gives string',
    })
    expect(env.check('ticket.amount + 1.0')).toEqual({
      ok: false,
      message: 'must be a true/false condition, but gives double',
    })
    for (const bad of [
      'ticket.fault == 1',
      'ticket.vip == "yes"',
      'ticket.missing == 1',
      'ticket.amount >',
      'ticket.name > 1',
    ])
      expect(env.check(bad).ok, bad).toBe(false)
    const broken = env.check('ticket.amount >')
    expect(broken.ok === false && broken.message).toMatch(/^\S.*\S$/)
    expect(broken.ok === false && broken.message.includes('\n')).toBe(false)
  })

  it('are false when a field they read is unset or empty, and when evaluation fails', () => {
    const big = env.compile('ticket.amount > 100.0')
    expect(big({ amount: 150 })).toBe(true)
    expect(big({ amount: 50 })).toBe(false)
    expect(big({ amount: null })).toBe(false)
    expect(big({})).toBe(false)
    const named = env.compile('ticket.name == ""')
    expect(named({ name: '' })).toBe(false)
    const any = env.compile('ticket.name != "x"')
    expect(any({ name: 'y' })).toBe(true)
    expect(any({ name: 'y', amount: null })).toBe(true)
    expect(env.compile('ticket.vip')({ vip: false })).toBe(false)
    expect(env.compile('ticket.vip')({ vip: true })).toBe(true)
    // A value that is not a boolean is not true.
    expect(env.compile('ticket.amount')({ amount: 1 })).toBe(false)
  })
})
