import { Hono } from 'hono'
import type { AppEnv } from '../auth/roles.ts'
import { Problem } from '../http/problem.ts'
import { holidayCountries, holidayStates, holidaysOfYear, isHolidayRegion } from './holidays.ts'

// Stryker disable next-line Regex: date-holidays names holidays of a language it does not know in the country's own, as with none
const LANG = /^[a-z]{2}$/

/** The language holiday names are wanted in (`?lang=cs`), when given well. */
const langOf = (value: string | undefined) => (value && LANG.test(value) ? value : undefined)

/**
 * Public holidays for the calendar form (date-holidays): the countries, a country's
 * states/regions, and the holidays a country/region resolves to in a year.
 */
export function holidayRoutes() {
  const app = new Hono<AppEnv>()

  app.get('/regions', (c) => c.json(holidayCountries(langOf(c.req.query('lang')))))

  app.get('/regions/:country', (c) => {
    const country = c.req.param('country')
    const states = holidayStates(country, langOf(c.req.query('lang')))
    if (!states) throw unknownRegion(country, 'country')
    return c.json(states)
  })

  app.get('/', (c) => {
    const country = c.req.query('country') ?? ''
    const region = c.req.query('region') ?? ''
    const yearText = c.req.query('year') ?? ''
    const year = Number(yearText)
    if (!/^\d{4}$/.test(yearText) || year < 1970 || year > 2199)
      throw new Problem(400, 'invalid_request', 'year must be a year from 1970 to 2199', {
        params: { where: 'query', fields: 'year' },
      })
    const code = region ? `${country}-${region}` : country
    if (!country || !isHolidayRegion(code)) throw unknownRegion(code, region ? 'region' : 'country')
    return c.json({ region: code, year, holidays: holidaysOfYear(code, year, langOf(c.req.query('lang'))) })
  })

  return app
}

const unknownRegion = (region: string, field: string) =>
  new Problem(400, 'calendar_holiday_region', `${field}: unknown holiday region "${region}"`, {
    params: { field, region },
  })
