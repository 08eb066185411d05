import { Environment } from '@marcbachmann/cel-js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { TicketField } from '../../engine/document.ts'
import { GuardEnvironment, strictReads } from '../../engine/guard.ts'
import type { FieldValue } from '../../engine/types.ts'

const FIELDS: TicketField[] = [
  { name: 'amount', label: 'Amount', type: 'number', personal: false },
  { name: 'reason', label: 'Reason', type: 'text', personal: false },
  { name: 'verified', label: 'Verified', type: 'boolean', personal: false },
]

/** Guards over the three fields, with every operator that can absorb an error and every one that cannot. */
const atom = fc.constantFrom(
  'ticket.amount > 100.0',
  'ticket.amount <= 5000.0',
  'ticket.reason == "damaged"',
  'ticket.reason != ""',
  'ticket.verified',
  'ticket.verified == false',
  'size(ticket.reason) > 3',
  'ticket.reason in ["damaged", "late"]',
  'has(ticket.amount)',
  'ticket.amount * 2.0 > 300.0',
  'true',
  'false',
)
const guard: fc.Arbitrary<string> = fc.letrec<{ g: string }>((tie) => ({
  g: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.tuple(tie('g'), tie('g')).map(([a, b]) => `(${a} && ${b})`),
    fc.tuple(tie('g'), tie('g')).map(([a, b]) => `(${a} || ${b})`),
    tie('g').map((a) => `!(${a})`),
    fc.tuple(tie('g'), tie('g'), tie('g')).map(([a, b, c]) => `(${a} ? ${b} : ${c})`),
    tie('g').map((a) => `(${a}) == false`),
  ),
})).g

const value = (arb: fc.Arbitrary<FieldValue>) =>
  fc.option(fc.oneof(arb, fc.constant('' as FieldValue)), { nil: undefined })
const fields = fc.record(
  {
    amount: value(fc.constantFrom(0, 50, 150, 6000)),
    reason: value(fc.constantFrom('damaged', 'late', 'x', 'other')),
    verified: value(fc.boolean()),
  },
  { requiredKeys: [] },
)

/** What the guard means, straight from the CEL library: an unset field is absent; an error is false. */
function plain(expression: string, given: Record<string, FieldValue | undefined>): boolean {
  const env = new Environment({ unlistedVariablesAreDyn: false }).registerVariable({
    name: 'ticket',
    schema: { amount: 'double', reason: 'string', verified: 'bool' },
  })
  const ticket: Record<string, FieldValue> = {}
  for (const [k, v] of Object.entries(given)) if (v !== undefined && v !== null && v !== '') ticket[k] = v
  try {
    return env.parse(expression)({ ticket }) === true
  } catch {
    return false
  }
}

describe('guards', () => {
  const env = new GuardEnvironment(FIELDS)

  it('answer as CEL does for any guard and any fields set or unset (the shortcut for unset fields included)', () => {
    fc.assert(
      fc.property(guard, fields, (expression, given) => {
        if (!env.check(expression).ok) return
        const fn = env.compile(expression)
        expect(fn(given as Record<string, FieldValue>)).toBe(plain(expression, given))
      }),
      { numRuns: 3000 },
    )
  })

  it('are false when a field a conjunction reads is unset, and true once it is set', () => {
    const fn = env.compile('ticket.verified && ticket.amount > 100.0')
    expect(fn({ verified: true })).toBe(false)
    expect(fn({ verified: true, amount: '' as FieldValue })).toBe(false)
    expect(fn({ verified: true, amount: 150 })).toBe(true)
  })

  it('are not cut short where CEL absorbs the unset field: or, not, has() and conditionals', () => {
    expect(env.compile('ticket.verified || ticket.amount > 100.0')({ verified: true })).toBe(true)
    expect(env.compile('!(ticket.verified && ticket.amount > 100.0)')({ verified: false })).toBe(true)
    expect(env.compile('!has(ticket.amount)')({})).toBe(true)
    expect(env.compile('ticket.verified ? true : ticket.amount > 1.0')({ verified: true })).toBe(true)
    expect(env.compile('(ticket.verified && ticket.amount > 1.0) == false')({ verified: false })).toBe(true)
  })

  it('reject an unparsable guard, an unknown field or variable, and a non-boolean, with the first line of the message', () => {
    expect(env.check('ticket.amount >')).toEqual({ ok: false, message: 'Unexpected token: EOF' })
    expect(env.check('ticket.nope == 1.0')).toEqual({ ok: false, message: 'No such key: nope' })
    expect(env.check('other.amount > 1.0')).toEqual({ ok: false, message: 'Unknown variable: other' })
    expect(env.check('ticket.amount')).toEqual({
      ok: false,
      message: 'must be a true/false condition, but gives double',
    })
    expect(env.check('ticket.reason')).toEqual({
      ok: false,
      message: 'must be a true/false condition, but gives string',
    })
  })

  it('accept a boolean guard and one whose type is only known when it runs (dyn)', () => {
    expect(env.check('ticket.verified && ticket.amount > 1.0')).toEqual({ ok: true })
    expect(env.check('dyn(ticket.verified)')).toEqual({ ok: true })
    expect(env.compile('dyn(ticket.verified)')({ verified: true })).toBe(true)
  })

  it('treat an empty text and a null as unset, also under has() and comparisons with the empty text', () => {
    expect(env.compile('has(ticket.reason)')({ reason: '' })).toBe(false)
    expect(env.compile('has(ticket.reason)')({ reason: null as unknown as FieldValue })).toBe(false)
    expect(env.compile('has(ticket.reason)')({ reason: 'x' })).toBe(true)
    expect(env.compile('!has(ticket.reason) || ticket.reason == ""')({ reason: '' })).toBe(true)
  })
})

describe('the fields a guard reads for certain (strictReads)', () => {
  const cel = new Environment({ unlistedVariablesAreDyn: false }).registerVariable({
    name: 'ticket',
    schema: { amount: 'double', reason: 'string', verified: 'bool' },
  })
  const reads = (expression: string) =>
    strictReads(cel.parse(expression).ast as unknown as Parameters<typeof strictReads>[0])

  it('are every ticket field of a conjunction, however nested, through calls, methods, lists and indexes', () => {
    expect(reads('ticket.amount > 1.0 && size(ticket.reason) > 2')).toEqual(['amount', 'reason'])
    expect(reads('ticket.amount > 1.0 && (ticket.reason == "a" && ticket.amount < 9.0)')).toEqual([
      'amount',
      'reason',
    ])
    expect(reads('ticket.reason.startsWith("a") && ticket.verified')).toEqual(['reason', 'verified'])
    expect(reads('[ticket.amount, 2.0][0] > 1.0')).toEqual(['amount'])
    expect(reads('ticket.reason.size() > 1')).toEqual(['reason'])
  })

  it('are only fields of the ticket, and a text that names an absorbing function is only a text', () => {
    expect(reads('{"x": 1.0}.x > 0.0 && ticket.amount > 1.0')).toEqual(['amount'])
    expect(reads('ticket.reason == "all" && ticket.amount > 1.0')).toEqual(['reason', 'amount'])
    expect(reads('true')).toEqual([])
    expect(reads('other.amount > 1.0 && ticket.reason == "a"')).toEqual(['reason'])
    expect(reads('"ticket".amount > 1.0 && ticket.reason == "a"')).toEqual(['reason'])
  })

  it('are unknown (null) where an operator or function could absorb the error of an unset field', () => {
    for (const expression of [
      'ticket.amount > 1.0 || ticket.reason == ""',
      'ticket.verified ? ticket.amount > 1.0 : false',
      '!(ticket.amount > 1.0 && ticket.reason == "")',
      '(ticket.amount > 1.0 && ticket.verified) == false',
      'has(ticket.amount) && ticket.reason == "a"',
      'ticket.verified && [1.0].exists(x, x < ticket.amount)',
      '[1.0].exists_one(x, x < ticket.amount)',
      '[1.0].all(x, x < ticket.amount)',
      '[1.0].map(x, x + ticket.amount)[0] > 1.0',
      '[1.0].filter(x, x > ticket.amount).size() > 0',
      'optional.none().or(optional.of(ticket.amount)).hasValue()',
      'optional.of(ticket.amount).orValue(1.0) > 0.0',
    ]) {
      expect(reads(expression), expression).toBeNull()
    }
  })
})
