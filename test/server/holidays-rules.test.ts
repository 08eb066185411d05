import { describe, expect, it } from 'vitest'
import type { Calendar } from '../../engine/index.ts'
import {
  holidayCountries,
  holidayStates,
  holidaysOfYear,
  isHolidayRegion,
  resolveHolidays,
  withRegionHolidays,
} from '../../server/calendars/holidays.ts'

/** Public holidays from the date-holidays dataset, as the calendars store them. */
const dates = (hs: { date: string }[]) => hs.map((h) => h.date)

describe('resolving the holidays of regions', () => {
  it('takes the public and bank holidays of each year asked, by date, and leaves observances out', () => {
    const cz = resolveHolidays(['CZ'], 2026, 2026)
    expect(cz).toHaveLength(13)
    expect(cz[0]).toEqual({
      date: '2026-01-01',
      name: 'Nový rok a Den obnovy samostatného českého státu',
      region: 'CZ',
    })
    expect(cz).toContainEqual({ date: '2026-12-24', name: 'Štědrý den', region: 'CZ' })
    expect(dates(cz)).toEqual([...dates(cz)].sort())
    expect(dates(cz)).not.toContain('2026-04-05') // Easter Sunday: an observance
    // Christmas Eve in Germany is a bank holiday from 14:00: its date is the day.
    expect(resolveHolidays(['DE'], 2026, 2026)).toContainEqual({
      date: '2026-12-24',
      name: 'Heiliger Abend',
      region: 'DE',
    })
    const years = dates(resolveHolidays(['CZ'], 2025, 2027)).filter((d) => d.endsWith('-12-24'))
    expect(years).toEqual(['2025-12-24', '2026-12-24', '2027-12-24'])
  })

  it('gives a date two regions share to the region named first, and reads states and their areas', () => {
    expect(resolveHolidays(['CZ', 'SK'], 2026, 2026)[0].region).toBe('CZ')
    expect(resolveHolidays(['SK', 'CZ'], 2026, 2026)[0].region).toBe('SK')
    expect(dates(resolveHolidays(['US-CA'], 2026, 2026))).toContain('2026-03-31')
    expect(dates(resolveHolidays(['US'], 2026, 2026))).not.toContain('2026-03-31')
    expect(dates(resolveHolidays(['DE-BY-A'], 2026, 2026))).toContain('2026-08-08')
    expect(dates(resolveHolidays(['DE-BY'], 2026, 2026))).not.toContain('2026-08-08')
    expect(resolveHolidays([], 2026, 2026)).toEqual([])
  })

  it('saves a calendar with its regions’ holidays from the year before to three years ahead, keeping those typed in', () => {
    const given = {
      holidayRegions: ['CZ'],
      holidays: [
        { date: '2026-12-24', name: 'Office party' },
        { date: '2020-01-01', name: 'Old', region: 'CZ' },
      ],
    } as unknown as Calendar
    const saved = withRegionHolidays(given, new Date('2026-06-15T12:00:00Z'))
    expect(saved.holidayRegions).toEqual(['CZ'])
    const christmasEves = saved.holidays.filter((h) => h.date.endsWith('-12-24'))
    expect(christmasEves.map((h) => [h.date, h.name])).toEqual([
      ['2025-12-24', 'Štědrý den'],
      ['2026-12-24', 'Office party'],
      ['2027-12-24', 'Štědrý den'],
      ['2028-12-24', 'Štědrý den'],
      ['2029-12-24', 'Štědrý den'],
    ])
    expect(dates(saved.holidays)).not.toContain('2020-01-01')
    expect(dates(saved.holidays)[0]).toBe('2025-01-01')
    expect(dates(saved.holidays).at(-1)).toBe('2029-12-26')
    expect(dates(saved.holidays)).toEqual([...dates(saved.holidays)].sort())
  })
})

describe('the regions date-holidays knows', () => {
  it('knows countries, their states and the areas of a state', () => {
    for (const r of ['CZ', 'US-CA', 'DE-BY-A']) expect(isHolidayRegion(r), r).toBe(true)
    for (const r of ['XX', 'US-XX', 'DE-BY-ZZ']) expect(isHolidayRegion(r), r).toBe(false)
  })

  it('lists countries and a country’s states by name, and no states of an unknown country', () => {
    const countries = holidayCountries()
    expect(countries.find((c) => c.code === 'DE')?.name).toBe('Deutschland')
    expect(countries).toContainEqual({ code: 'CZ', name: 'Česká republika' })
    const names = countries.map((c) => c.name)
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)))
    expect(holidayCountries('en').find((c) => c.code === 'DE')).toEqual({ code: 'DE', name: 'Germany' })
    const states = holidayStates('DE')
    expect(states?.slice(0, 2)).toEqual([
      { code: 'BW', name: 'Baden-Württemberg' },
      { code: 'BY', name: 'Bayern' },
    ])
    expect(holidayStates('CZ')).toEqual([])
    expect(holidayStates('XX')).toBeNull()
  })

  it('lists one year’s public holidays of a region, named in the language asked', () => {
    expect(holidaysOfYear('DE', 2026).slice(-3)).toEqual([
      { date: '2026-12-25', name: '1. Weihnachtstag' },
      { date: '2026-12-26', name: '2. Weihnachtstag' },
      { date: '2026-12-31', name: 'Silvester' },
    ])
    expect(holidaysOfYear('DE', 2026, 'en').slice(-2)).toEqual([
      { date: '2026-12-26', name: 'Boxing Day' },
      { date: '2026-12-31', name: "New Year's Eve" },
    ])
    const cz = holidaysOfYear('CZ', 2026, 'en')
    expect(cz[0]).toEqual({ date: '2026-01-01', name: "New Year's Day" })
    expect(dates(cz)).not.toContain('2026-04-01') // an observance
    expect(dates(cz)).toEqual(dates(resolveHolidays(['CZ'], 2026, 2026)))
    expect(dates(holidaysOfYear('US-CA', 2026))).toContain('2026-03-31')
  })
})
