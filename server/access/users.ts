import { Hono } from 'hono'
import type { AppEnv } from '../auth/identity.ts'
import { SCOPES } from '../auth/permissions.ts'
import { jsonBody, notFound, Problem, parse } from '../http/problem.ts'
import { schemas } from '../schemas.ts'
import { newId, newToken, tokenHash } from '../services/crypto.ts'
import type { Storage, User } from '../storage/types.ts'
import { logEntry } from './log.ts'
import { accessSchemas } from './schemas.ts'

type Clock = () => Date

const userView = ({ id, name, role, team, createdAt, disabledAt }: User) => ({
  id,
  name,
  role,
  team,
  createdAt,
  disabledAt: disabledAt ?? null,
})

/** Users: the list, and what only administrators change (create, role, disable, enable). */
export function userRoutes(storage: Storage, clock: Clock) {
  const app = new Hono<AppEnv>()
  const load = async (id: string) => {
    const user = await storage.getUser(id)
    if (!user) throw notFound('User', id)
    return user
  }
  /** Refuses a change that would leave no active administrator. */
  const keepAnAdmin = async (user: User, what: string) => {
    if (user.role !== 'admin' || user.disabledAt) return
    const admins = (await storage.listUsers()).filter((u) => u.role === 'admin' && !u.disabledAt)
    if (admins.length <= 1) {
      throw new Problem(409, 'last_admin', `${user.name} is the last active administrator; ${what}`, {
        params: { name: user.name },
      })
    }
  }

  app.get('/', async (c) => {
    const [users, orgRoles] = await Promise.all([storage.listUsers(), storage.teams.allOrgRoles()])
    return c.json(users.map((u) => ({ ...userView(u), orgRoles: orgRoles.get(u.id) ?? [] })))
  })

  app.post('/', async (c) => {
    const body = parse(schemas.userCreate, await jsonBody(c))
    const actor = c.get('user')
    const at = clock().toISOString()
    const secret = newToken()
    const user: User = {
      id: newId('u'),
      name: body.name,
      role: body.role,
      team: body.team ?? null,
      createdAt: at,
    }
    const token = {
      id: `tok_${tokenHash(secret).slice(0, 16)}`,
      userId: user.id,
      name: 'created by admin',
      kind: 'personal' as const,
      scopes: [...SCOPES],
      createdBy: actor.id,
      createdAt: at,
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
      revokedBy: null,
    }
    const created = await storage.access.createUser(
      user,
      token,
      tokenHash(secret),
      logEntry(actor, at, 'user.create', { type: 'user', id: user.id }, null, userView(user)),
    )
    // A team named for the first time becomes one of the organisation's teams.
    if (created.team) await storage.teams.createTeam({ id: created.team, name: created.team, createdAt: at })
    return c.json({ user: userView(created), token: secret }, 201)
  })

  app.put('/:id/role', async (c) => {
    const user = await load(c.req.param('id'))
    const { role } = parse(accessSchemas.roleChange, await jsonBody(c))
    if (role === user.role) return c.json(userView(user))
    if (role !== 'admin') await keepAnAdmin(user, 'make another administrator first')
    const at = clock().toISOString()
    const changed = await storage.access.updateUser(
      user.id,
      { role },
      logEntry(c.get('user'), at, 'user.role', { type: 'user', id: user.id }, { role: user.role }, { role }),
    )
    return c.json(userView(changed))
  })

  /** Moves a user into one of the organisation's teams, or out of every team (null). */
  app.put('/:id/team', async (c) => {
    const user = await load(c.req.param('id'))
    const { team } = parse(accessSchemas.teamChange, await jsonBody(c))
    if (team !== null && !(await storage.teams.getTeam(team)))
      throw new Problem(422, 'unknown_team', `No team has the id "${team}"`, { params: { team } })
    if (team === user.team) return c.json(userView(user))
    const at = clock().toISOString()
    const changed = await storage.access.updateUser(
      user.id,
      { team },
      logEntry(c.get('user'), at, 'user.team', { type: 'user', id: user.id }, { team: user.team }, { team }),
    )
    return c.json(userView(changed))
  })

  app.post('/:id/disable', async (c) => {
    const user = await load(c.req.param('id'))
    if (user.disabledAt) return c.json(userView(user))
    await keepAnAdmin(user, 'enable or make another administrator first')
    const at = clock().toISOString()
    const changed = await storage.access.updateUser(
      user.id,
      { disabledAt: at },
      logEntry(
        c.get('user'),
        at,
        'user.disable',
        { type: 'user', id: user.id },
        { disabledAt: null },
        { disabledAt: at },
      ),
    )
    return c.json(userView(changed))
  })

  app.post('/:id/enable', async (c) => {
    const user = await load(c.req.param('id'))
    if (!user.disabledAt) return c.json(userView(user))
    const at = clock().toISOString()
    const changed = await storage.access.updateUser(
      user.id,
      { disabledAt: null },
      logEntry(
        c.get('user'),
        at,
        'user.enable',
        { type: 'user', id: user.id },
        { disabledAt: user.disabledAt },
        { disabledAt: null },
      ),
    )
    return c.json(userView(changed))
  })

  return app
}
