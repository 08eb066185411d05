import { afterEach, describe, expect, it } from 'vitest'
import { logEntry } from '../../server/access/log.ts'
import { setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx

afterEach(async () => ctx?.storage.close())

interface Entry {
  action: string
  targetId: string
  targetName: string
  actorId: string
  actorName: string
}

const entries = async (c: Ctx, query = '') => {
  const r = await c.call('GET', `/api/admin-log?limit=500${query}`, c.tokens.auditor)
  expect(r.status).toBe(200)
  return r.body.items as Entry[]
}

describe('admin-log rules: what each entry is called', () => {
  it("a user by the user's name, anything else by the name it had after, before, or its id", async () => {
    ctx = await setup()
    const c = ctx
    const admin = (await c.storage.getUser(c.users.admin))!
    const at = () => c.clock().toISOString()
    expect(
      (await c.call('POST', '/api/teams', c.tokens.admin, { id: 'billing', name: 'Billing' })).status,
    ).toBe(201)
    expect(
      (await c.call('PUT', `/api/users/${c.users.agent}/team`, c.tokens.admin, { team: 'billing' })).status,
    ).toBe(200)
    expect((await c.call('PUT', '/api/teams/billing', c.tokens.admin, { calendarId: null })).status).toBe(200)
    // Entries whose before and after carry names in other ways (as later kinds of entry may).
    const craft = (id: string, before: unknown, after: unknown) =>
      c.storage.teams.addTeam(
        { id, name: `Team ${id}`, createdAt: at() },
        logEntry(admin, at(), 'team.import', { type: 'team', id }, before, after),
      )
    await craft('renamed', { name: 'Old name' }, { name: 'New name' })
    await craft('retired', { name: 'Former name' }, { calendarId: 'x' })
    await craft('odd', { name: 'Named before' }, { name: 42 })
    await craft('bare', null, null)
    await craft('text', 'just text', ['a', 'list'])

    const byTarget = new Map((await entries(c)).map((e) => [`${e.action} ${e.targetId}`, e]))
    const name = (key: string) => byTarget.get(key)?.targetName
    expect(name('team.create billing')).toBe('Billing')
    expect(name(`user.team ${c.users.agent}`)).toBe('agent user')
    expect(name('team.calendar billing')).toBe('billing')
    expect(name('team.import renamed')).toBe('New name')
    expect(name('team.import retired')).toBe('Former name')
    expect(name('team.import odd')).toBe('Named before')
    expect(name('team.import bare')).toBe('bare')
    expect(name('team.import text')).toBe('text')
    const created = byTarget.get('team.create billing')!
    expect(created.actorId).toBe(c.users.admin)
    expect(created.actorName).toBe(admin.name)
  })

  it('a query it cannot read is refused as a query problem, naming the field', async () => {
    ctx = await setup()
    const r = await ctx.call('GET', '/api/admin-log?limit=many', ctx.tokens.auditor)
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('invalid_request')
    expect(r.body.params).toEqual({ where: 'query', fields: 'limit' })
  })

  it('filters by action and target, newest first, with the total of the filter', async () => {
    ctx = await setup()
    const c = ctx
    for (const id of ['a', 'b', 'c'])
      expect((await c.call('POST', '/api/teams', c.tokens.admin, { id, name: `T${id}` })).status).toBe(201)
    const r = await c.call('GET', '/api/admin-log?action=team.create&limit=2', c.tokens.auditor)
    expect(r.body.total).toBe(3)
    expect((r.body.items as Entry[]).map((e) => e.targetId)).toEqual(['c', 'b'])
    const one = await c.call('GET', '/api/admin-log?target=b', c.tokens.auditor)
    expect(one.body.total).toBe(1)
    expect((one.body.items as Entry[])[0].targetName).toBe('Tb')
    const next = await c.call('GET', '/api/admin-log?action=team.create&limit=2&offset=2', c.tokens.auditor)
    expect((next.body.items as Entry[]).map((e) => e.targetId)).toEqual(['a'])
  })
})
