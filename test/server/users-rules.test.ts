import { afterEach, describe, expect, it } from 'vitest'
import { setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx

afterEach(async () => ctx?.storage.close())

async function start() {
  ctx = await setup()
  const c = ctx
  const admin = (method: string, path: string, body?: unknown) =>
    c.call(method, `/api/users${path}`, c.tokens.admin, body)
  const logCount = async () =>
    (await c.call('GET', '/api/admin-log?limit=1', c.tokens.auditor)).body.total as number
  const adminName = (await c.storage.getUser(c.users.admin))!.name
  return { c, admin, logCount, adminName }
}

describe('user route rules', () => {
  it('the last active administrator can be neither demoted nor disabled; a disabled administrator does not count', async () => {
    const { c, admin, adminName } = await start()
    const me = c.users.admin
    // Others are not administrators: changing them needs no other administrator.
    const agent = await admin('PUT', `/${c.users.agent}/role`, { role: 'senior_agent' })
    expect([agent.status, agent.body.role]).toEqual([200, 'senior_agent'])
    expect((await admin('POST', `/${c.users.supervisor}/disable`)).status).toBe(200)
    const demote = await admin('PUT', `/${me}/role`, { role: 'agent' })
    expect([demote.status, demote.body.code]).toEqual([409, 'last_admin'])
    expect(demote.body.detail).toBe(
      `${adminName} is the last active administrator; make another administrator first`,
    )
    expect(demote.body.params).toEqual({ name: adminName })
    const disable = await admin('POST', `/${me}/disable`)
    expect(disable.status).toBe(409)
    expect(disable.body.detail).toBe(
      `${adminName} is the last active administrator; enable or make another administrator first`,
    )
    const second = (await admin('POST', '', { name: 'Second admin', role: 'admin' })).body.user.id as string
    expect((await admin('POST', `/${second}/disable`)).status).toBe(200)
    expect((await admin('PUT', `/${me}/role`, { role: 'agent' })).status).toBe(409)
    expect((await admin('POST', `/${second}/enable`)).status).toBe(200)
    const now = await admin('PUT', `/${me}/role`, { role: 'supervisor' })
    expect(now.status).toBe(200)
    expect(now.body.role).toBe('supervisor')
  })

  it('a change to what a user already is answers the user and logs nothing', async () => {
    const { c, admin, logCount } = await start()
    const agent = c.users.agent
    const before = await logCount()
    expect((await admin('PUT', `/${agent}/role`, { role: 'agent' })).body.role).toBe('agent')
    expect((await admin('PUT', `/${agent}/team`, { team: 'hanoi' })).body.team).toBe('hanoi')
    expect((await admin('POST', `/${agent}/enable`)).body.disabledAt ?? null).toBeNull()
    expect(await logCount()).toBe(before)
    expect((await admin('POST', `/${agent}/disable`)).status).toBe(200)
    const disabled = await logCount()
    expect(disabled).toBe(before + 1)
    expect((await admin('POST', `/${agent}/disable`)).body.disabledAt).toBeTruthy()
    expect(await logCount()).toBe(disabled)
  })

  it('disabling and enabling are logged with the times before and after', async () => {
    const { c, admin } = await start()
    const agent = c.users.agent
    const at = c.clock().toISOString()
    expect((await admin('POST', `/${agent}/disable`)).body.disabledAt).toBe(at)
    c.clock.advance(60_000)
    expect((await admin('POST', `/${agent}/enable`)).body.disabledAt ?? null).toBeNull()
    const log = (await c.call('GET', `/api/admin-log?target=${agent}`, c.tokens.auditor)).body.items as {
      action: string
      targetType: string
      before: unknown
      after: unknown
    }[]
    expect(log.slice(0, 2).map((e) => [e.action, e.targetType, e.before, e.after])).toEqual([
      ['user.enable', 'user', { disabledAt: at }, { disabledAt: null }],
      ['user.disable', 'user', { disabledAt: null }, { disabledAt: at }],
    ])
  })

  it('a new user gets a personal token for every scope, is logged, and a new team name becomes a team', async () => {
    const { c, admin } = await start()
    const r = await admin('POST', '', { name: 'Trần Bình', role: 'agent', team: 'danang' })
    expect(r.status).toBe(201)
    const id = r.body.user.id as string
    const tokens = (await c.call('GET', '/api/admin/tokens', c.tokens.admin)).body as {
      id: string
      userId: string
      name: string
      kind: string
      scopes: string[]
    }[]
    const mine = tokens.filter((t) => t.userId === id)
    expect(mine).toHaveLength(1)
    expect(mine[0]).toMatchObject({ name: 'created by admin', kind: 'personal' })
    expect(mine[0].id).toMatch(/^tok_[0-9a-f]{16}$/)
    expect(mine[0].scopes.length).toBeGreaterThan(3)
    const me = await c.call('GET', '/api/me', r.body.token)
    expect(me.body).toMatchObject({ id, name: 'Trần Bình', role: 'agent', team: 'danang' })
    const teams = (await c.call('GET', '/api/teams', c.tokens.admin)).body as { id: string; name: string }[]
    expect(teams.find((t) => t.id === 'danang')).toMatchObject({ id: 'danang', name: 'danang' })
    const log = (await c.call('GET', `/api/admin-log?target=${id}`, c.tokens.auditor)).body.items
    expect(log).toHaveLength(1)
    expect(log[0]).toMatchObject({
      action: 'user.create',
      targetType: 'user',
      before: null,
      after: { id, name: 'Trần Bình' },
    })
    const list = (await admin('GET', '')).body as { id: string; orgRoles: string[] }[]
    expect(list.find((u) => u.id === id)?.orgRoles).toEqual([])
  })

  it('an unknown team is 422 naming it; null takes the user out of every team; an unknown user is 404', async () => {
    const { c, admin } = await start()
    const unknown = await admin('PUT', `/${c.users.agent}/team`, { team: 'nowhere' })
    expect([unknown.status, unknown.body.code]).toEqual([422, 'unknown_team'])
    expect(unknown.body.params).toEqual({ team: 'nowhere' })
    expect(unknown.body.detail).toBe('No team has the id "nowhere"')
    const out = await admin('PUT', `/${c.users.agent}/team`, { team: null })
    expect(out.body.team).toBeNull()
    const missing = await admin('POST', '/u_nobody/disable')
    expect(missing.status).toBe(404)
    expect(missing.body.params).toEqual({ kind: 'user', id: 'u_nobody' })
  })
})
