import { describe, expect, it } from 'vitest'
import { collectedFields, comparedValues, referencedFields, validate } from '../../engine/index.ts'
import { sampleSop } from './fixtures.ts'

describe('which fields a guard reads', () => {
  it('finds each ticket field once, not the ones written inside string literals', () => {
    expect(
      referencedFields(
        `ticket.a == "ticket.b" || 'ticket.c' == ticket.d || ticket.a == "say \\"ticket.e\\"" || ticket.f == 'it\\'s ticket.g'`,
      ),
    ).toEqual(['a', 'd', 'f'])
    expect(referencedFields('other.x == 1 || ticket_y == 2 || ticket.z1_b > 0')).toEqual(['z1_b'])
  })
})

describe('which string values a guard compares a field with', () => {
  it('takes ==, != either way round and string members of an in-list, of ticket fields only', () => {
    expect(
      comparedValues(
        'ticket.k == "a" && "b" != ticket.k && ticket.k in ["c", 1, other] && other.k == "d" && ticket.k.sub == "e"',
      ),
    ).toEqual([
      { field: 'k', value: 'a' },
      { field: 'k', value: 'b' },
      { field: 'k', value: 'c' },
    ])
  })

  it('skips comparisons with numbers, identifiers and lists not written out, and guards that do not parse', () => {
    expect(
      comparedValues('ticket.n == 2 || ticket.k == other || ticket.k in ticket.list || "x" in ["x"]'),
    ).toEqual([])
    expect(comparedValues('ticket.k ==')).toEqual([])
  })
})

describe('which fields the SOP can give a value', () => {
  it('counts required fields, fields set by effects and bound fields, nothing else', () => {
    const doc = sampleSop()
    doc.fields.push({ name: 'channel', label: 'Channel', type: 'text', bind: 'ticket.channel' })
    doc.fields.push({ name: 'spare', label: 'Spare', type: 'text' })
    doc.transitions.find((t) => t.id === 't_call')!.effects = [{ type: 'set', field: 'spare', value: 'x' }]
    const parsed = validate(doc).document
    if (!parsed) throw new Error('invalid sample')
    expect([...collectedFields(parsed)].sort()).toEqual(['channel', 'customer_name', 'fault', 'spare'])
  })
})

describe('guard checks on fields', () => {
  it('says nothing about comparing a text field with a string, or a choice field without options', () => {
    const doc = sampleSop()
    doc.fields.push({ name: 'colour', label: 'Colour', type: 'choice', options: [] })
    doc.steps.find((s) => s.id === 'manager')!.requiredFields = ['colour']
    doc.transitions.find((t) => t.id === 't_refund')!.guard =
      'ticket.customer_name == "An" && ticket.colour == "red"'
    const codes = validate(doc).diagnostics.map((d) => d.code)
    expect(codes).toContain('choice_without_options')
    expect(codes).not.toContain('guard_unknown_option')
  })

  it('leaves a field whose declaration is broken to the schema diagnostic', () => {
    const doc = sampleSop()
    doc.fields.push({ name: 'vip', label: 'VIP', type: 'weird' } as never)
    doc.transitions.find((t) => t.id === 't_refund')!.guard = 'ticket.vip'
    const codes = validate(doc).diagnostics.map((d) => d.code)
    expect(codes).toContain('invalid_option')
    expect(codes).not.toContain('guard_unknown_field')
  })
})
