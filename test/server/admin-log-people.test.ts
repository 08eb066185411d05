import { afterEach, describe, expect, it } from 'vitest'
import { setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx

afterEach(async () => ctx?.storage.close())

interface Entry {
  seq: number
  at: string
  actorId: string
  actorRole: string
  action: string
  targetType: string
  targetId: string
  before: unknown
  after: unknown
}

const log = async (c: Ctx) =>
  ((await c.call('GET', '/api/admin-log?limit=500', c.tokens.auditor)).body.items as Entry[]).reverse()

describe('the admin-actions log of teams, organisation roles, invitations and resets', () => {
  it('records each change with who, when, before and after; a refused change records nothing', async () => {
    ctx = await setup()
    const c = ctx
    const admin = c.users.admin
    const start = (await log(c)).length
    const at = () => c.clock().toISOString()

    expect(
      (await c.call('POST', '/api/teams', c.tokens.admin, { id: 'billing', name: 'Billing' })).status,
    ).toBe(201)
    const teamAt = at()
    expect(
      (await c.call('PUT', `/api/users/${c.users.agent}/team`, c.tokens.admin, { team: 'billing' })).status,
    ).toBe(200)
    expect(
      (
        await c.call('POST', '/api/roles', c.tokens.admin, {
          name: 'billing_specialist',
          label: 'Billing specialist',
        })
      ).status,
    ).toBe(201)
    expect(
      (
        await c.call('PUT', `/api/roles/members/${c.users.agent}`, c.tokens.admin, {
          roles: ['billing_specialist'],
        })
      ).status,
    ).toBe(200)
    const invited = await c.call('POST', '/api/users/invitations', c.tokens.admin, {
      name: 'Nguyễn Mai',
      email: 'mai@example.com',
      role: 'agent',
      team: 'billing',
    })
    expect(invited.status).toBe(201)
    const reset = await c.call('POST', `/api/users/${invited.body.user.id}/password-reset`, c.tokens.admin)
    expect(reset.status).toBe(200)

    // Refused changes: an unknown team, a team or role that exists, a non-admin. None is logged.
    const unknown = await c.call('PUT', `/api/users/${c.users.agent}/team`, c.tokens.admin, { team: 'mars' })
    expect(unknown.status).toBe(422)
    expect(unknown.body.code).toBe('unknown_team')
    expect(unknown.body.params.team).toBe('mars')
    expect(
      (await c.call('POST', '/api/teams', c.tokens.admin, { id: 'billing', name: 'Again' })).status,
    ).toBe(409)
    expect(
      (await c.call('POST', '/api/roles', c.tokens.admin, { name: 'billing_specialist', label: 'Again' }))
        .status,
    ).toBe(409)
    expect(
      (await c.call('PUT', `/api/users/${c.users.agent}/team`, c.tokens.supervisor, { team: null })).status,
    ).toBe(403)

    const entries = (await log(c)).slice(start)
    expect(entries.map((e) => [e.action, e.actorId, e.actorRole, e.targetType, e.targetId])).toEqual([
      ['team.create', admin, 'admin', 'team', 'billing'],
      ['user.team', admin, 'admin', 'user', c.users.agent],
      ['role.create', admin, 'admin', 'role', 'billing_specialist'],
      ['user.org-roles', admin, 'admin', 'user', c.users.agent],
      ['user.invite', admin, 'admin', 'user', invited.body.user.id],
      ['user.password-reset', admin, 'admin', 'user', invited.body.user.id],
    ])
    const [team, moved, role, members, invite, forced] = entries
    expect([team.before, team.after]).toEqual([null, { id: 'billing', name: 'Billing' }])
    expect([moved.before, moved.after]).toEqual([{ team: 'hanoi' }, { team: 'billing' }])
    expect([role.before, role.after]).toEqual([
      null,
      { name: 'billing_specialist', label: 'Billing specialist' },
    ])
    expect([members.before, members.after]).toEqual([{ orgRoles: [] }, { orgRoles: ['billing_specialist'] }])
    expect(invite.before).toBeNull()
    expect(invite.after).toMatchObject({
      name: 'Nguyễn Mai',
      role: 'agent',
      team: 'billing',
      email: 'mai@example.com',
    })
    expect(JSON.stringify(invite.after)).not.toContain(invited.body.link.url.split('/').pop())
    expect(forced.before).toEqual({ password: 'none' })
    expect(forced.after).toMatchObject({ password: 'none', sessions: 'ended' })
    expect(moved.at).toBe(teamAt)

    // The changes themselves happened.
    const users = (await c.call('GET', '/api/users', c.tokens.admin)).body as {
      id: string
      team: string
      orgRoles: string[]
    }[]
    expect(users.find((u) => u.id === c.users.agent)).toMatchObject({
      team: 'billing',
      orgRoles: ['billing_specialist'],
    })
  })
})
