import { Hono } from 'hono'
import { z } from 'zod'
import { logEntry } from '../access/log.ts'
import type { AppEnv } from '../auth/roles.ts'
import { jsonBody, notFound, Problem, parse } from '../http/problem.ts'
import type { Clock } from '../services/tickets.ts'
import type { Storage } from '../storage/types.ts'

const teamCreate = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,99}$/, 'a team id is lower-case letters, digits, - or _'),
    name: z.string().trim().min(1).max(200),
  })
  .strict()

export const teamCalendarBody = z
  .object({
    /** The calendar the team's business time counts in; null counts in the SOP's. */
    calendarId: z.string().min(1).max(100).nullable(),
  })
  .strict()

/**
 * Teams (departments): users belong to one, and an SOP step may name the team responsible for it.
 * A team may have a calendar its steps' business time counts in.
 */
export function teamRoutes(storage: Storage, clock: Clock) {
  const app = new Hono<AppEnv>()
  app.get('/', async (c) =>
    c.json(
      (await storage.teams.listTeams()).map(({ id, name, calendarId }) => ({
        id,
        name,
        calendarId: calendarId ?? null,
      })),
    ),
  )
  // A team's calendar: SOP versions published afterwards pin its latest version for the team's steps.
  app.put('/:id', async (c) => {
    const id = c.req.param('id')
    const body = parse(teamCalendarBody, await jsonBody(c))
    const team = await storage.teams.getTeam(id)
    if (!team) throw notFound('Team', id)
    if (body.calendarId && !(await storage.calendars.get(body.calendarId)))
      throw new Problem(422, 'unknown_calendar', `There is no calendar "${body.calendarId}"`, {
        params: { id: body.calendarId },
      })
    const at = clock().toISOString()
    const log = logEntry(
      c.get('user'),
      at,
      'team.calendar',
      { type: 'team', id },
      { calendarId: team.calendarId ?? null },
      body,
    )
    if (!(await storage.teams.setTeamCalendar(id, body.calendarId, log))) throw notFound('Team', id)
    return c.json({ id, name: team.name, calendarId: body.calendarId })
  })
  app.post('/', async (c) => {
    const body = parse(teamCreate, await jsonBody(c))
    const at = clock().toISOString()
    const log = logEntry(c.get('user'), at, 'team.create', { type: 'team', id: body.id }, null, body)
    if (!(await storage.teams.addTeam({ ...body, createdAt: at }, log)))
      throw new Problem(409, 'team_exists', `A team with id "${body.id}" exists already`, {
        params: { id: body.id },
      })
    return c.json(body, 201)
  })
  return app
}
