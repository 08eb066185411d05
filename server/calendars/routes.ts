import { Hono } from 'hono'
import { calendarSchema } from '../../engine/index.ts'
import type { AppEnv } from '../auth/roles.ts'
import { jsonBody, notFound, Problem, parse } from '../http/problem.ts'
import type { Clock } from '../services/tickets.ts'
import type { Storage } from '../storage/types.ts'
import { isHolidayRegion, withRegionHolidays } from './holidays.ts'
import { calendarsOf } from './store.ts'

/**
 * Calendars: opening hours, holidays and closures. Every save is a new version; SOP versions
 * published afterwards pin it, earlier ones keep the version they pinned.
 */
export function calendarRoutes(storage: Storage, clock: Clock) {
  const app = new Hono<AppEnv>()
  const store = calendarsOf(storage)

  app.get('/', async (c) => c.json(await store.list()))

  app.get('/:id', async (c) => {
    const latest = await store.get(c.req.param('id'))
    if (!latest) throw notFound('Calendar', c.req.param('id'))
    return c.json({ ...latest, versions: await store.versions(latest.id) })
  })

  app.get('/:id/versions/:n', async (c) => {
    const n = Number(c.req.param('n'))
    if (!Number.isInteger(n) || n < 1)
      throw new Problem(400, 'invalid_request', 'The version must be a number from 1')
    const v = await store.get(c.req.param('id'), n)
    if (!v) throw notFound('Calendar version', `${c.req.param('id')}@${n}`)
    return c.json(v)
  })

  app.put('/:id', async (c) => {
    const id = c.req.param('id')
    const body = (await jsonBody(c)) as Record<string, unknown>
    if (body && typeof body === 'object' && body.id !== undefined && body.id !== id)
      throw new Problem(400, 'invalid_request', `id must be "${id}", the calendar's id in the path`)
    const given = parse(calendarSchema, { ...body, id })
    const unknown = given.holidayRegions.filter((r) => !isHolidayRegion(r))
    if (unknown.length) {
      throw new Problem(400, 'invalid_request', `Unknown holiday region: ${unknown.join(', ')}`, {
        errors: unknown.map((r) => ({ path: 'holidayRegions', message: `unknown region ${r}` })),
        params: { where: 'body', fields: 'holidayRegions' },
      })
    }
    const now = clock()
    const v = await store.add(withRegionHolidays(given, now), now.toISOString(), c.get('user').id)
    return c.json(v, 201)
  })

  return app
}
