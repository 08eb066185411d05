import { Hono } from 'hono'
import { z } from 'zod'
import { logEntry } from '../access/log.ts'
import { type AppEnv, WRITE_TICKETS } from '../auth/roles.ts'
import { jsonBody, notFound, Problem, parse } from '../http/problem.ts'
import type { Clock } from '../services/tickets.ts'
import { ROLES, type Storage } from '../storage/types.ts'

const roleName = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{1,49}$/,
    'a role name is 2–50 lower-case letters, digits or _, starting with a letter',
  )
const roleCreate = z.object({ name: roleName, label: z.string().trim().min(1).max(200) }).strict()
const members = z.object({ roles: z.array(roleName).max(50) }).strict()

/**
 * The roles that work tickets: the built-in ones and the organisation's own (e.g.
 * `billing_specialist`), which SOP steps and actions may be given to. Admins add organisation
 * roles and give them to users, beside each user's one built-in role.
 */
export function roleRoutes(storage: Storage, clock: Clock) {
  const app = new Hono<AppEnv>()
  app.get('/', async (c) => {
    const organisation = (await storage.teams.listOrgRoles()).map(({ name, label }) => ({ name, label }))
    return c.json({ roles: [...WRITE_TICKETS, ...organisation.map((r) => r.name)], organisation })
  })

  app.post('/', async (c) => {
    const body = parse(roleCreate, await jsonBody(c))
    const at = clock().toISOString()
    const log = logEntry(c.get('user'), at, 'role.create', { type: 'role', id: body.name }, null, body)
    if (
      (ROLES as readonly string[]).includes(body.name) ||
      !(await storage.teams.addOrgRole({ ...body, createdAt: at }, log))
    )
      throw new Problem(409, 'role_exists', `A role named "${body.name}" exists already`, {
        params: { name: body.name },
      })
    return c.json({ name: body.name, label: body.label }, 201)
  })

  /** Replaces a user's organisation roles. */
  app.put('/members/:userId', async (c) => {
    const user = await storage.getUser(c.req.param('userId'))
    if (!user) throw notFound('User', c.req.param('userId'))
    const body = parse(members, await jsonBody(c))
    const known = new Set((await storage.teams.listOrgRoles()).map((r) => r.name))
    const unknown = body.roles.filter((r) => !known.has(r))
    if (unknown.length)
      throw new Problem(422, 'unknown_role', `No organisation role named ${unknown.join(', ')}`, {
        params: { roles: unknown.join(', ') },
      })
    const roles = [...new Set(body.roles)].sort()
    const at = clock().toISOString()
    await storage.teams.changeOrgRoles(user.id, roles, (before) =>
      logEntry(
        c.get('user'),
        at,
        'user.org-roles',
        { type: 'user', id: user.id },
        { orgRoles: before },
        { orgRoles: roles },
      ),
    )
    return c.json({ userId: user.id, role: user.role, orgRoles: roles })
  })
  return app
}
