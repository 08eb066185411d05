import { describe, expect, it } from 'vitest'
import { checkCalendarFields } from '../../server/calendars/validate.ts'
import { Problem } from '../../server/http/problem.ts'

/** The field checks of a calendar form: the code, the field's path and the message of each refusal. */
function refusal(body: Record<string, unknown>): Problem | null {
  try {
    checkCalendarFields(body)
    return null
  } catch (e) {
    if (e instanceof Problem) return e
    throw e
  }
}

const summary = (p: Problem | null) =>
  p && { status: p.status, code: p.code, message: p.message, params: p.params, errors: p.extra.errors }

describe('checking a calendar’s fields', () => {
  it('takes a valid calendar, and leaves shapes it cannot read to the schema', () => {
    const ok = {
      timeZone: 'Europe/Prague',
      week: {
        mon: [
          { from: '08:00', to: '12:00' },
          { from: '12:00', to: '24:00' },
        ],
        sat: [],
      },
      openings: [{ date: '2026-12-24', hours: [{ from: '00:00', to: '09:30' }] }, null, 'x'],
      holidayRegions: ['CZ', 'US-CA', 7],
    }
    expect(refusal(ok)).toBeNull()
    expect(refusal({})).toBeNull()
    expect(refusal({ timeZone: 5, week: 'mon', openings: {}, holidayRegions: 'CZ' })).toBeNull()
    // Hours that are not two clock times are the schema's to name.
    expect(
      refusal({
        week: { tue: [{ from: '8:00', to: '09:00' }, { from: '09:00', to: '25:00' }, null, { from: 9 }] },
      }),
    ).toBeNull()
    expect(refusal({ week: { wed: 'closed' }, openings: [{ hours: 'none' }] })).toBeNull()
    expect(refusal({ week: null, openings: [null] })).toBeNull()
    // Only two whole clock times are checked for order; anything else is left to the schema.
    for (const [from, to] of [
      ['10:00', '09:00x'],
      ['x10:00', '09:00'],
      ['24:00x', '09:00'],
      ['10:00', 'x24:00'],
      [['10:00'], '09:00'],
      ['10:00', ['09:00']],
    ])
      expect(refusal({ week: { mon: [{ from, to }] } }), `${from}–${to}`).toBeNull()
    expect(refusal({ week: { mon: [{ from: '20:00', to: '19:59' }] } })?.code).toBe('calendar_hours_order')
    expect(refusal({ week: { mon: [{ from: '24:00', to: '23:00' }] } })?.code).toBe('calendar_hours_order')
  })

  it('names a time zone IANA does not know', () => {
    expect(summary(refusal({ timeZone: 'Mars/Olympus' }))).toEqual({
      status: 400,
      code: 'calendar_time_zone',
      message: 'timeZone: "Mars/Olympus" is not an IANA time zone',
      params: { field: 'timeZone', value: 'Mars/Olympus' },
      errors: [{ path: 'timeZone', message: '"Mars/Olympus" is not an IANA time zone' }],
    })
  })

  it('names an interval that does not end after it starts, at its place in the week or the openings', () => {
    expect(
      summary(
        refusal({
          week: {
            fri: [
              { from: '08:00', to: '10:00' },
              { from: '14:00', to: '14:00' },
            ],
          },
        }),
      ),
    ).toEqual({
      status: 400,
      code: 'calendar_hours_order',
      message: 'week.fri.1: 14:00–14:00 must end after it starts',
      params: { field: 'week.fri.1', from: '14:00', to: '14:00' },
      errors: [{ path: 'week.fri.1', message: '14:00–14:00 must end after it starts' }],
    })
    const p = refusal({ openings: [{ hours: [] }, { hours: [{ from: '18:00', to: '09:00' }] }] })
    expect(p?.params).toEqual({ field: 'openings.1.hours.0', from: '18:00', to: '09:00' })
    expect(refusal({ week: { sun: [{ from: '00:00', to: '00:01' }] } })).toBeNull()
  })

  it('names an overlap at the one of the two intervals listed later, with the other beside it', () => {
    const later = { from: '11:00', to: '13:00' }
    const earlier = { from: '09:00', to: '12:00' }
    for (const hours of [
      [earlier, later],
      [later, earlier],
    ]) {
      const p = refusal({ week: { thu: [{ from: '06:00', to: '07:00' }, ...hours] } })
      expect(p?.code).toBe('calendar_hours_overlap')
      expect(p?.params).toEqual({
        field: 'week.thu.2',
        from: '11:00',
        to: '13:00',
        otherFrom: '09:00',
        otherTo: '12:00',
      })
      expect(p?.message).toBe(`week.thu.2: 11:00–13:00 overlaps 09:00–12:00`)
    }
    expect(refusal({ week: { thu: [later, { from: '13:00', to: '14:00' }, earlier] } })?.params?.field).toBe(
      'week.thu.2',
    )
  })

  it('names an unknown holiday region', () => {
    expect(summary(refusal({ holidayRegions: ['CZ', 'XX-YY'] }))).toEqual({
      status: 400,
      code: 'calendar_holiday_region',
      message: 'holidayRegions: unknown region "XX-YY"',
      params: { field: 'holidayRegions', region: 'XX-YY' },
      errors: [{ path: 'holidayRegions', message: 'unknown region "XX-YY"' }],
    })
  })
})
