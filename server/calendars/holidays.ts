import Holidays from 'date-holidays'

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
