import { Hono } from 'hono'
import { z } from 'zod'
import { logEntry } from '../access/log.ts'
import type { AppEnv } from '../auth/roles.ts'
import { jsonBody, Problem, parse } from '../http/problem.ts'
import type { Clock } from '../services/tickets.ts'
import type { Storage } from '../storage/types.ts'

const teamCreate = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,99}$/, 'a team id is lower-case letters, digits, - or _'),
    name: z.string().trim().min(1).max(200),
  })
  .strict()

/** Teams (departments): users belong to one, and an SOP step may name the team responsible for it. */
export function teamRoutes(storage: Storage, clock: Clock) {
  const app = new Hono<AppEnv>()
  app.get('/', async (c) => c.json((await storage.teams.listTeams()).map(({ id, name }) => ({ id, name }))))
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
