import Holidays from 'date-holidays'
import type { Calendar } from '../../engine/index.ts'

/** Years of public holidays a saved calendar version holds, around the year it is saved. */
const YEARS_BEFORE = 1
const YEARS_AFTER = 3

/**
 * A calendar as it is saved at `now`: the holidays of its regions resolved again for the year
 * before and three years ahead; holidays typed in (without a region) are kept.
 */
export function withRegionHolidays(given: Calendar, now: Date): Calendar {
  const year = now.getUTCFullYear()
  const manual = given.holidays.filter((h) => h.region === undefined)
  const resolved = resolveHolidays(given.holidayRegions, year - YEARS_BEFORE, year + YEARS_AFTER)
  const known = new Set(manual.map((h) => h.date))
  const holidays = [...manual, ...resolved.filter((h) => !known.has(h.date))].sort((a, b) =>
    a.date.localeCompare(b.date),
  )
  return { ...given, holidays }
}

/**
 * Public holidays of countries/regions (date-holidays codes such as CZ, VN, US-CA) as dates, for
 * the given years. Resolved when a calendar version is saved, so the version holds them as data and
 * a later dataset update never changes a ticket's past deadlines.
 */
export function resolveHolidays(
  regions: readonly string[],
  fromYear: number,
  toYear: number,
): { date: string; name: string; region: string }[] {
  const byDate = new Map<string, { name: string; region: string }>()
  for (const region of regions) {
    const [country, state, area] = region.split('-')
    const hd = new Holidays(country, state, area)
    for (let year = fromYear; year <= toYear; year++) {
      for (const h of hd.getHolidays(year) || []) {
        if (h.type !== 'public' && h.type !== 'bank') continue
        const date = h.date.slice(0, 10)
        if (!byDate.has(date)) byDate.set(date, { name: h.name, region })
      }
    }
  }
  return [...byDate].sort(([a], [b]) => a.localeCompare(b)).map(([date, h]) => ({ date, ...h }))
}

/** Whether date-holidays knows a country/region code. */
export function isHolidayRegion(region: string): boolean {
  const [country, state, area] = region.split('-')
  const hd = new Holidays()
  if (!hd.getCountries()[country]) return false
  if (state && !hd.getStates(country)?.[state]) return false
  if (area && !hd.getRegions(country, state)?.[area]) return false
  return true
}

/** Countries date-holidays knows, by code, with their names (in `lang` where the dataset has it). */
export function holidayCountries(lang?: string): { code: string; name: string }[] {
  return named(new Holidays().getCountries(lang))
}

/** The states/regions of a country, or null for an unknown country. */
export function holidayStates(country: string, lang?: string): { code: string; name: string }[] | null {
  const hd = new Holidays()
  if (!hd.getCountries()[country]) return null
  return named(hd.getStates(country, lang) ?? {})
}

/** The public (and bank) holidays of one year of a country/region, named in `lang` where known. */
export function holidaysOfYear(
  region: string,
  year: number,
  lang?: string,
): { date: string; name: string }[] {
  const [country, state, area] = region.split('-')
  const hd = new Holidays(country, state, area, lang ? { languages: [lang] } : undefined)
  const byDate = new Map<string, string>()
  for (const h of hd.getHolidays(year, lang) || []) {
    if (h.type !== 'public' && h.type !== 'bank') continue
    const date = h.date.slice(0, 10)
    if (!byDate.has(date)) byDate.set(date, h.name)
  }
  return [...byDate].sort(([a], [b]) => a.localeCompare(b)).map(([date, name]) => ({ date, name }))
}

const named = (byCode: Record<string, string>) =>
  Object.entries(byCode)
    .map(([code, name]) => ({ code, name }))
    .sort((a, b) => a.name.localeCompare(b.name))
