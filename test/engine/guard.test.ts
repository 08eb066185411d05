import { Environment } from '@marcbachmann/cel-js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { TicketField } from '../../engine/document.ts'
import { GuardEnvironment } from '../../engine/guard.ts'
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
})
