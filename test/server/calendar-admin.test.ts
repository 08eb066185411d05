import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { calendarSchema } from '../../engine/index.ts'
import { setup } from './helpers.ts'
import { BACKENDS } from './storageBackends.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
let base = ''
let server: ReturnType<typeof serve>

beforeAll(async () => {
  ctx = await setup()
  await new Promise<void>((resolve) => {
    server = serve({ fetch: ctx.sopflow.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve())
  })
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

/** A request over real HTTP with the token of a role. */
async function call(method: string, path: string, role: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ctx.tokens[role]}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: text ? JSON.parse(text) : null,
  }
}

const weekdays = (hours: { from: string; to: string }[]) =>
  Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, hours]))
const prague = {
  title: 'Prague desk',
  timeZone: 'Europe/Prague',
  week: weekdays([{ from: '08:00', to: '17:00' }]),
  holidayRegions: ['CZ'],
}

describe('managing calendars over HTTP', () => {
  it('saves with baseVersion; a save based on an older version is 409 calendar_conflict and stores nothing', async () => {
    const first = await call('PUT', '/api/calendars/cz_desk', 'owner', { ...prague, baseVersion: 0 })
    expect(first.status).toBe(201)
    expect(first.body.version).toBe(1)
    const second = await call('PUT', '/api/calendars/cz_desk', 'admin', {
      ...prague,
      title: 'Prague desk (late)',
      baseVersion: 1,
    })
    expect(second.status).toBe(201)
    expect(second.body.version).toBe(2)

    const stale = await call('PUT', '/api/calendars/cz_desk', 'owner', {
      ...prague,
      title: 'Typed over version 1',
      baseVersion: 1,
    })
    expect(stale.status).toBe(409)
    expect(stale.type).toContain('application/problem+json')
    expect(stale.body.code).toBe('calendar_conflict')
    expect(stale.body.params).toEqual({ id: 'cz_desk', baseVersion: 1, version: 2 })
    // A new calendar (baseVersion 0) over an existing id is a conflict too.
    const again = await call('PUT', '/api/calendars/cz_desk', 'owner', { ...prague, baseVersion: 0 })
    expect(again.status).toBe(409)
    expect(again.body.params).toEqual({ id: 'cz_desk', baseVersion: 0, version: 2 })

    const now = await call('GET', '/api/calendars/cz_desk', 'owner')
    expect(now.body.version).toBe(2)
    expect(now.body.calendar.title).toBe('Prague desk (late)')
    expect(now.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2])
  })

  it.each([
    ['an unknown zone', 'calendar_time_zone', 'timeZone', { timeZone: 'Europe/Atlantis' }],
    [
      'an interval ending before it starts',
      'calendar_hours_order',
      'week.mon.0',
      { week: { mon: [{ from: '17:00', to: '08:00' }] } },
    ],
    [
      'overlapping intervals',
      'calendar_hours_overlap',
      'week.tue.1',
      {
        week: {
          tue: [
            { from: '08:00', to: '12:00' },
            { from: '11:00', to: '15:00' },
          ],
        },
      },
    ],
    [
      'an extra opening ending before it starts',
      'calendar_hours_order',
      'openings.0.hours.0',
      { openings: [{ date: '2026-02-14', name: 'Tết Saturday', hours: [{ from: '12:00', to: '09:00' }] }] },
    ],
    ['an unknown country', 'calendar_holiday_region', 'holidayRegions', { holidayRegions: ['XX'] }],
  ] as const)('refuses %s (400 %s at %s), and stores nothing', async (_what, code, field, change) => {
    const id = `bad_${code}_${field.replace(/\W/g, '_')}`
    const r = await call('PUT', `/api/calendars/${id}`, 'owner', { ...prague, ...change, baseVersion: 0 })
    expect(r.status).toBe(400)
    expect(r.body.code).toBe(code)
    expect(r.body.params.field).toBe(field)
    expect((await call('GET', `/api/calendars/${id}`, 'owner')).status).toBe(404)
    const list = await call('GET', '/api/calendars', 'owner')
    expect(list.body.map((c: { id: string }) => c.id)).not.toContain(id)
  })

  it('refuses a bad edit of an existing calendar and keeps its latest version', async () => {
    const r = await call('PUT', '/api/calendars/cz_desk', 'owner', {
      ...prague,
      week: { wed: [{ from: '09:00', to: '09:00' }] },
      baseVersion: 2,
    })
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('calendar_hours_order')
    expect(r.body.params).toMatchObject({ field: 'week.wed.0', from: '09:00', to: '09:00' })
    const now = await call('GET', '/api/calendars/cz_desk', 'owner')
    expect(now.body.versions).toHaveLength(2)
  })

  it('names the SOPs whose latest published version runs on a calendar (usedBy)', async () => {
    const doc = {
      schema: 'sopflow/v1',
      id: 'callback',
      title: 'Call back',
      department: 'Care',
      purpose: 'Call the customer back within four business hours.',
      calendar: 'cz_desk',
      initial: 'call',
      steps: [
        {
          id: 'call',
          kind: 'task',
          title: 'Call back',
          roles: ['agent'],
          sla: { due: 'PT4H', time: 'business' },
        },
        { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
      ],
      transitions: [{ id: 'called', from: 'call', to: 'done', action: 'called' }],
    }
    expect((await call('GET', '/api/calendars/cz_desk', 'owner')).body.usedBy).toEqual([])
    expect((await call('POST', '/api/sops', 'owner', { document: doc })).status).toBe(201)
    // A draft does not use the calendar yet; the published version does.
    expect((await call('GET', '/api/calendars/cz_desk', 'owner')).body.usedBy).toEqual([])
    expect((await call('POST', '/api/sops/callback/publish', 'owner')).status).toBe(201)
    const users = [{ sopId: 'callback', title: 'Call back', sopVersion: 1 }]
    expect((await call('GET', '/api/calendars/cz_desk', 'owner')).body.usedBy).toEqual(users)
    const list = await call('GET', '/api/calendars', 'owner')
    expect(list.body.find((c: { id: string }) => c.id === 'cz_desk').usedBy).toEqual(users)
  })

  it('lists holiday countries and regions, and resolves a year of holidays', async () => {
    const countries = await call('GET', '/api/holidays/regions', 'owner')
    expect(countries.status).toBe(200)
    const codes = countries.body.map((c: { code: string }) => c.code)
    expect(codes).toEqual(expect.arrayContaining(['CZ', 'VN', 'US', 'DE']))

    const states = await call('GET', '/api/holidays/regions/DE', 'owner')
    expect(states.status).toBe(200)
    expect(states.body).toContainEqual({ code: 'BY', name: expect.stringMatching(/Bayern/) })

    const cz = await call('GET', '/api/holidays?country=CZ&year=2026&lang=cs', 'agent')
    expect(cz.status).toBe(200)
    expect(cz.body.region).toBe('CZ')
    const dates = cz.body.holidays.map((h: { date: string }) => h.date)
    expect(dates).toEqual(expect.arrayContaining(['2026-01-01', '2026-05-01', '2026-10-28', '2026-12-24']))
    expect(cz.body.holidays.find((h: { date: string }) => h.date === '2026-10-28').name).toMatch(/státu/)

    // Epiphany is a public holiday in Bavaria, not in Berlin.
    const by = await call('GET', '/api/holidays?country=DE&region=BY&year=2026', 'owner')
    const be = await call('GET', '/api/holidays?country=DE&region=BE&year=2026', 'owner')
    expect(by.body.holidays.map((h: { date: string }) => h.date)).toContain('2026-01-06')
    expect(be.body.holidays.map((h: { date: string }) => h.date)).not.toContain('2026-01-06')
  })

  it('answers unknown countries, regions and bad years of the holiday endpoints with 400 or 404 codes', async () => {
    const country = await call('GET', '/api/holidays?country=XX&year=2026', 'owner')
    expect(country.status).toBe(400)
    expect(country.body).toMatchObject({
      code: 'calendar_holiday_region',
      params: { field: 'country', region: 'XX' },
    })
    const region = await call('GET', '/api/holidays?country=DE&region=ZZ&year=2026', 'owner')
    expect(region.status).toBe(400)
    expect(region.body.params).toEqual({ field: 'region', region: 'DE-ZZ' })
    const year = await call('GET', '/api/holidays?country=CZ&year=next', 'owner')
    expect(year.status).toBe(400)
    expect(year.body).toMatchObject({ code: 'invalid_request', params: { fields: 'year' } })
    const states = await call('GET', '/api/holidays/regions/XX', 'owner')
    expect(states.status).toBe(400)
    expect(states.body.code).toBe('calendar_holiday_region')
  })
})

describe.each(BACKENDS)('saving over a newer calendar version on $name', (backend) => {
  beforeAll(() => backend.setup())
  afterAll(() => backend.teardown())

  it('refuses a stale baseVersion atomically: of two saves from the same version exactly one is stored', async () => {
    const opened = await backend.open()
    const one = opened.storage
    const two = await opened.another()
    const desk = calendarSchema.parse({ id: 'desk', title: 'Desk', timeZone: 'Europe/Prague' })
    const at = '2026-03-02T08:00:00.000Z'
    expect((await one.calendars.add(desk, at, 'u1', 0)).version).toBe(1)
    const results = await Promise.allSettled([
      one.calendars.add({ ...desk, title: 'From one' }, at, 'u1', 1),
      two.calendars.add({ ...desk, title: 'From two' }, at, 'u2', 1),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(refused.reason).toMatchObject({
      code: 'calendar_conflict',
      params: { id: 'desk', baseVersion: 1, version: 2 },
    })
    expect((await one.calendars.versions('desk')).map((v) => v.version)).toEqual([1, 2])
    await expect(one.calendars.add(desk, at, 'u1', 0)).rejects.toMatchObject({ code: 'calendar_conflict' })
    // Without baseVersion a save is the next version, as before.
    expect((await one.calendars.add(desk, at, 'u1')).version).toBe(3)
    await two.close()
    await one.close()
  })
})
