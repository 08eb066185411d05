import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
beforeAll(async () => {
  ctx = await setup()
})
afterAll(() => ctx.storage.close())

const get = (query: string) => ctx.call('GET', `/api/holidays${query}`, ctx.tokens.owner)
const nameOn = async (query: string, date: string) =>
  ((await get(query)).body.holidays as { date: string; name: string }[]).find((h) => h.date === date)?.name

describe('holiday route rules', () => {
  it('names holidays in a two-letter lowercase language, and ignores any other lang', async () => {
    const local = await nameOn('?country=CZ&year=2026', '2026-10-28')
    const english = await nameOn('?country=CZ&year=2026&lang=en', '2026-10-28')
    expect(local).toMatch(/státu/)
    expect(english).not.toMatch(/státu/)
    // Not a two-letter lowercase code: the country's own language, as with no lang.
    for (const lang of ['EN', 'eng', 'xen', 'e', 'e1', '']) {
      expect(await nameOn(`?country=CZ&year=2026&lang=${lang}`, '2026-10-28'), lang).toBe(local)
    }
    const regions = await ctx.call('GET', '/api/holidays/regions/DE?lang=EN', ctx.tokens.owner)
    const own = await ctx.call('GET', '/api/holidays/regions/DE', ctx.tokens.owner)
    expect(regions.body).toEqual(own.body)
  })

  it('takes years from 1970 to 2199 written with four digits', async () => {
    for (const year of ['1970', '2199'])
      expect((await get(`?country=CZ&year=${year}`)).status, year).toBe(200)
    for (const year of ['1969', '2200', '02026', '20261', '2026.0', '']) {
      const r = await get(`?country=CZ&year=${year}`)
      expect(r.status, year).toBe(400)
      expect(r.body.code).toBe('invalid_request')
      expect(r.body.detail).toBe('year must be a year from 1970 to 2199')
      expect(r.body.params).toEqual({ where: 'query', fields: 'year' })
    }
    expect((await get('?country=CZ')).status).toBe(400)
  })

  it('an unknown or missing country or region is refused, naming the field and the region', async () => {
    const none = await get('?year=2026')
    expect([none.status, none.body.code]).toEqual([400, 'calendar_holiday_region'])
    expect(none.body.params).toEqual({ field: 'country', region: '' })
    const region = await get('?country=DE&region=ZZ&year=2026')
    expect(region.body.params).toEqual({ field: 'region', region: 'DE-ZZ' })
    expect(region.body.detail).toBe('region: unknown holiday region "DE-ZZ"')
    const states = await ctx.call('GET', '/api/holidays/regions/XX', ctx.tokens.owner)
    expect(states.status).toBe(400)
    expect(states.body.params).toEqual({ field: 'country', region: 'XX' })
    expect(states.body.detail).toBe('country: unknown holiday region "XX"')
    const ok = await get('?country=DE&region=BY&year=2026')
    expect(ok.body.region).toBe('DE-BY')
    expect(ok.body.year).toBe(2026)
  })
})
