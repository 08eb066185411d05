import { Temporal } from '@js-temporal/polyfill'
import { describe, expect, it } from 'vitest'
import { isOpenAt, nextOpenMs } from '../../engine/businessTime.ts'
import { type CalendarInput, calendarSchema, dayAt, localDate } from '../../engine/calendar.ts'

const calendar = (input: Partial<CalendarInput>) =>
  calendarSchema.parse({ id: 'desk', title: 'Desk', timeZone: 'Europe/Prague', ...input })
const ms = (iso: string) => Temporal.Instant.from(iso).epochMilliseconds
/** The local date of an instant as Temporal gives it, with no cache between. */
const plainDate = (zone: string, at: number) =>
  Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(zone).toPlainDate().toString()

describe('the days a calendar remembers', () => {
  it('places every quarter hour around offset changes on the date Temporal gives', () => {
    // Days of summer-time changes (Prague, Sydney), a day skipped (Samoa 2011), a midnight
    // change (Santiago), a 30-minute change (Lord Howe) and Nepal's +05:45.
    const cases: [string, string][] = [
      ['Europe/Prague', '2026-03-28T00:00:00Z'],
      ['Europe/Prague', '2026-10-24T00:00:00Z'],
      ['Australia/Sydney', '2026-04-04T00:00:00Z'],
      ['Pacific/Apia', '2011-12-29T00:00:00Z'],
      ['America/Santiago', '2026-04-04T00:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T00:00:00Z'],
      ['Asia/Kathmandu', '2026-01-01T00:00:00Z'],
    ]
    for (const [timeZone, from] of cases) {
      const desk = calendar({ timeZone, week: { mon: [{ from: '08:00', to: '17:00' }] } })
      const t0 = ms(from)
      // Twice over: once filling the cache, once answered from it.
      for (let pass = 0; pass < 2; pass++) {
        for (let t = t0; t < t0 + 3 * 86_400_000; t += 900_000) {
          expect([timeZone, t, localDate(desk, t).toString()]).toEqual([timeZone, t, plainDate(timeZone, t)])
          const day = dayAt(desk, t)
          if (day.steady) expect(day.start <= t && t < day.end).toBe(true)
        }
      }
    }
  })

  it('a changed calendar (a new version with other hours) answers from its own days', () => {
    const monday9 = ms('2026-03-02T08:00:00Z') // 09:00 in Prague
    const early = calendar({ week: { mon: [{ from: '08:00', to: '17:00' }] } })
    expect(isOpenAt(early, monday9)).toBe(true)
    expect(nextOpenMs(early, monday9)).toBe(monday9)
    // Same id and zone, later hours: what the first version cached for Monday must not leak in.
    const late = calendar({ week: { mon: [{ from: '12:00', to: '17:00' }] } })
    expect(isOpenAt(late, monday9)).toBe(false)
    expect(new Date(nextOpenMs(late, monday9)).toISOString()).toBe('2026-03-02T11:00:00.000Z')
    // And the first version still answers as before.
    expect(isOpenAt(early, monday9)).toBe(true)
  })

  it('a calendar moved to another zone places instants on the dates of that zone', () => {
    const prague = calendar({ week: { mon: [{ from: '08:00', to: '17:00' }] } })
    const tokyo = { ...prague, timeZone: 'Asia/Tokyo' }
    const sunday23 = ms('2026-03-01T16:00:00Z') // Sunday 17:00 in Prague, Monday 01:00 in Tokyo
    expect(localDate(prague, sunday23).toString()).toBe('2026-03-01')
    expect(localDate(tokyo, sunday23).toString()).toBe('2026-03-02')
    expect(new Date(nextOpenMs(tokyo, sunday23)).toISOString()).toBe('2026-03-01T23:00:00.000Z')
  })
})
