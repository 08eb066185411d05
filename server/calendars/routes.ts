import { Hono } from 'hono'
import { calendarSchema } from '../../engine/index.ts'
import type { AppEnv } from '../auth/roles.ts'
import { jsonBody, notFound, Problem, parse } from '../http/problem.ts'
import type { Clock } from '../services/tickets.ts'
import type { Storage } from '../storage/types.ts'
import { ConflictError } from '../storage/types.ts'
import { withRegionHolidays } from './holidays.ts'
import { calendarsOf, calendarUsers } from './store.ts'
import { checkCalendarFields } from './validate.ts'

/**
 * Calendars: opening hours, holidays and closures. Every save is a new version; SOP versions
 * published afterwards pin it, earlier ones keep the version they pinned.
 */
export function calendarRoutes(storage: Storage, clock: Clock) {
  const app = new Hono<AppEnv>()
  const store = calendarsOf(storage)

  app.get('/', async (c) => {
    const users = await calendarUsers(storage)
    return c.json((await store.list()).map((m) => ({ ...m, usedBy: users.get(m.id) ?? [] })))
  })

  app.get('/:id', async (c) => {
    const latest = await store.get(c.req.param('id'))
    if (!latest) throw notFound('Calendar', c.req.param('id'))
    const usedBy = (await calendarUsers(storage)).get(latest.id) ?? []
    return c.json({ ...latest, versions: await store.versions(latest.id), usedBy })
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
    const raw = await jsonBody(c)
    const body = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>
    if (body.id !== undefined && body.id !== id)
      throw new Problem(400, 'invalid_request', `id must be "${id}", the calendar's id in the path`)
    const { baseVersion, ...document } = body
    if (baseVersion !== undefined && !(Number.isInteger(baseVersion) && (baseVersion as number) >= 0))
      throw new Problem(400, 'invalid_request', 'baseVersion must be a whole number from 0', {
        params: { where: 'body', fields: 'baseVersion' },
      })
    checkCalendarFields(document)
    const given = parse(calendarSchema, { ...document, id })
    const now = clock()
    try {
      const v = await store.add(
        withRegionHolidays(given, now),
        now.toISOString(),
        c.get('user').id,
        baseVersion as number | undefined,
      )
      return c.json(v, 201)
    } catch (err) {
      if (err instanceof ConflictError && err.code === 'calendar_conflict')
        throw new Problem(409, 'calendar_conflict', err.message, {
          params: err.params as Record<string, string | number>,
        })
      throw err
    }
  })

  return app
}
