import { describe, expect, it } from 'vitest'
import { type TicketField, valueFitsType } from '../../engine/index.ts'

const field = (type: TicketField['type'], extra: Partial<TicketField> = {}): TicketField => ({
  name: 'f',
  label: 'F',
  type,
  personal: false,
  ...extra,
})
const fits = (f: TicketField, values: unknown[]) => values.map((v) => valueFitsType(f, v))

describe('which values fit a field', () => {
  it('lets null clear a field of any type', () => {
    for (const type of ['text', 'number', 'boolean', 'choice', 'date', 'email', 'phone'] as const)
      expect(valueFitsType(field(type), null)).toBe(true)
  })

  it('takes a finite number for a number field', () => {
    expect(fits(field('number'), [0, -2.5, 1e9, Number.NaN, Number.POSITIVE_INFINITY, '1', true])).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ])
  })

  it('takes true or false for a boolean field', () => {
    expect(fits(field('boolean'), [true, false, 'true', 0])).toEqual([true, true, false, false])
  })

  it('takes one of its options for a choice field, and nothing when it has none', () => {
    const choice = field('choice', {
      options: [
        { value: 'a', label: 'A' },
        { value: 'b', label: 'B' },
      ],
    })
    expect(fits(choice, ['a', 'b', 'c', '', 1])).toEqual([true, true, false, false, false])
    expect(valueFitsType(field('choice'), 'a')).toBe(false)
  })

  it('takes a date, or a date and time with a zone, for a date field', () => {
    expect(
      fits(field('date'), [
        '2026-02-14',
        '2026-02-14T10:30:00Z',
        '2026-02-14T10:30:00.250+01:00',
        '2026-02-14T10:30:00+0100',
        '2026-02-14T10:30',
        '2026-13-40',
        '14.02.2026',
        '2026-02-14 10:30',
        'x2026-02-14',
        '2026-02-14x',
        '2026-2-14',
        '20260-02-14',
        20260214,
      ]),
    ).toEqual([true, true, true, true, true, false, false, false, false, false, false, false, false])
  })

  it('takes an address with one @ and a dotted domain, or nothing, for an email field', () => {
    expect(
      fits(field('email'), [
        'ann@example.com',
        '',
        'ann@example',
        'ann example@example.com',
        'ann@@example.com',
        '@example.com',
        'ann@.com',
        'ann@example.',
        ' ann@example.com',
        'ann@example.com ',
        5,
      ]),
    ).toEqual([true, true, false, false, false, false, false, false, false, false, false])
  })

  it('takes 3 to 32 digits, spaces and ( ) . - with an optional +, or nothing, for a phone field', () => {
    expect(
      fits(field('phone'), [
        '+84 90 123 4567',
        '(02) 555-01.23',
        '112',
        '',
        '12',
        '1'.repeat(32),
        '1'.repeat(33),
        '++84 90',
        '84+90123',
        'call me',
        ' 112',
        '112x',
        112,
      ]),
    ).toEqual([true, true, true, true, false, true, false, false, false, false, true, false, false])
  })

  it('takes any text for a text field', () => {
    expect(fits(field('text'), ['', 'anything', 5])).toEqual([true, true, false])
    expect(fits(field('longtext'), ['a\nb', false])).toEqual([true, false])
  })
})
