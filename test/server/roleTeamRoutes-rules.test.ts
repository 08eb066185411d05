import { afterEach, describe, expect, it } from 'vitest'
import { WRITE_TICKETS } from '../../server/auth/roles.ts'
import { setup } from './helpers.ts'

// The rules of the organisation's roles and teams: what is listed, which names are taken, which
// roles a user may be given (deduplicated, in order), a team's calendar, and what the log keeps.

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
afterEach(async () => {
  await ctx?.storage.close()
})

const log = async (c: Ctx, action: string) =>
  (await c.call('GET', `/api/admin-log?action=${action}`, c.tokens.admin)).body.items as any[]

describe('organisation roles', () => {
  it('lists the built-in ticket roles and then the organisation’s, each with only its name and label', async () => {
    ctx = await setup()
    const made = await ctx.call('POST', '/api/roles', ctx.tokens.admin, {
      name: 'billing',
      label: ' Billing ',
    })
    expect(made.status).toBe(201)
    expect(made.body).toEqual({ name: 'billing', label: 'Billing' })
    const r = (await ctx.call('GET', '/api/roles', ctx.tokens.agent)).body
    expect(r).toEqual({
      roles: [...WRITE_TICKETS, 'billing'],
      organisation: [{ name: 'billing', label: 'Billing' }],
    })
    const [entry] = await log(ctx, 'role.create')
    expect(entry).toMatchObject({
      targetType: 'role',
      targetId: 'billing',
      after: { name: 'billing', label: 'Billing' },
    })
  })

  it('a name taken by the organisation or a built-in role is refused, naming it', async () => {
    ctx = await setup()
    await ctx.call('POST', '/api/roles', ctx.tokens.admin, { name: 'billing', label: 'Billing' })
    for (const name of ['billing', 'agent', 'supervisor']) {
      const r = await ctx.call('POST', '/api/roles', ctx.tokens.admin, { name, label: 'Again' })
      expect(r.status, name).toBe(409)
      expect(r.body.code).toBe('role_exists')
      expect(r.body.params).toEqual({ name })
      expect(r.body.detail).toBe(`A role named "${name}" exists already`)
    }
    const organisation = (await ctx.call('GET', '/api/roles', ctx.tokens.admin)).body.organisation
    expect(organisation).toEqual([{ name: 'billing', label: 'Billing' }])
  })

  it('gives a user known roles only, once each and in order, and logs before and after', async () => {
    ctx = await setup()
    for (const name of ['billing', 'fraud'])
      await ctx.call('POST', '/api/roles', ctx.tokens.admin, { name, label: name })
    const path = `/api/roles/members/${ctx.users.agent}`
    const unknown = await ctx.call('PUT', path, ctx.tokens.admin, { roles: ['billing', 'legal', 'tax'] })
    expect(unknown.status).toBe(422)
    expect(unknown.body.code).toBe('unknown_role')
    expect(unknown.body.params).toEqual({ roles: 'legal, tax' })
    expect(unknown.body.detail).toBe('No organisation role named legal, tax')
    expect(await log(ctx, 'user.org-roles')).toEqual([])
    const given = await ctx.call('PUT', path, ctx.tokens.admin, { roles: ['fraud', 'billing', 'fraud'] })
    expect(given.status).toBe(200)
    expect(given.body).toEqual({ userId: ctx.users.agent, role: 'agent', orgRoles: ['billing', 'fraud'] })
    await ctx.call('PUT', path, ctx.tokens.admin, { roles: ['fraud'] })
    const entries = await log(ctx, 'user.org-roles')
    expect(entries.map((e) => [e.before, e.after])).toEqual([
      [{ orgRoles: ['billing', 'fraud'] }, { orgRoles: ['fraud'] }],
      [{ orgRoles: [] }, { orgRoles: ['billing', 'fraud'] }],
    ])
    expect(entries[0]).toMatchObject({ targetType: 'user', targetId: ctx.users.agent })
    const nobody = await ctx.call('PUT', '/api/roles/members/u_none', ctx.tokens.admin, { roles: [] })
    expect(nobody.status).toBe(404)
    expect(nobody.body.params).toEqual({ kind: 'user', id: 'u_none' })
  })
})

describe('teams', () => {
  it('lists each team with its id, name and calendar (none when it has none)', async () => {
    ctx = await setup()
    const made = await ctx.call('POST', '/api/teams', ctx.tokens.admin, { id: 'saigon', name: 'Saigon desk' })
    expect(made.status).toBe(201)
    expect(made.body).toEqual({ id: 'saigon', name: 'Saigon desk' })
    const teams = (await ctx.call('GET', '/api/teams', ctx.tokens.agent)).body
    expect(teams.find((t: any) => t.id === 'saigon')).toEqual({
      id: 'saigon',
      name: 'Saigon desk',
      calendarId: null,
    })
    const again = await ctx.call('POST', '/api/teams', ctx.tokens.admin, { id: 'saigon', name: 'Other' })
    expect(again.status).toBe(409)
    expect(again.body.code).toBe('team_exists')
    expect(again.body.params).toEqual({ id: 'saigon' })
    expect(again.body.detail).toBe('A team with id "saigon" exists already')
    const [entry] = await log(ctx, 'team.create')
    expect(entry).toMatchObject({
      targetType: 'team',
      targetId: 'saigon',
      after: { id: 'saigon', name: 'Saigon desk' },
    })
  })

  it('sets a team’s calendar only to one that exists, logging the one it had', async () => {
    ctx = await setup()
    await ctx.call('POST', '/api/teams', ctx.tokens.admin, { id: 'prague', name: 'Prague desk' })
    const missing = await ctx.call('PUT', '/api/teams/prague', ctx.tokens.admin, { calendarId: 'cz_none' })
    expect(missing.status).toBe(422)
    expect(missing.body.code).toBe('unknown_calendar')
    expect(missing.body.params).toEqual({ id: 'cz_none' })
    expect(missing.body.detail).toBe('There is no calendar "cz_none"')
    const week = Object.fromEntries(
      ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ from: '08:00', to: '17:00' }]]),
    )
    const cal = await ctx.call('PUT', '/api/calendars/cz_desk', ctx.tokens.admin, {
      title: 'Prague desk',
      timeZone: 'Europe/Prague',
      week,
      holidayRegions: ['CZ'],
      baseVersion: 0,
    })
    expect(cal.status).toBe(201)
    const set = await ctx.call('PUT', '/api/teams/prague', ctx.tokens.admin, { calendarId: 'cz_desk' })
    expect(set.body).toEqual({ id: 'prague', name: 'Prague desk', calendarId: 'cz_desk' })
    const listed = (await ctx.call('GET', '/api/teams', ctx.tokens.agent)).body
    expect(listed.find((t: any) => t.id === 'prague')).toEqual({
      id: 'prague',
      name: 'Prague desk',
      calendarId: 'cz_desk',
    })
    const cleared = await ctx.call('PUT', '/api/teams/prague', ctx.tokens.admin, { calendarId: null })
    expect(cleared.body).toEqual({ id: 'prague', name: 'Prague desk', calendarId: null })
    const entries = await log(ctx, 'team.calendar')
    expect(entries.map((e) => [e.targetType, e.targetId, e.before, e.after])).toEqual([
      ['team', 'prague', { calendarId: 'cz_desk' }, { calendarId: null }],
      ['team', 'prague', { calendarId: null }, { calendarId: 'cz_desk' }],
    ])
    const none = await ctx.call('PUT', '/api/teams/nowhere', ctx.tokens.admin, { calendarId: null })
    expect(none.status).toBe(404)
    expect(none.body.params).toEqual({ kind: 'team', id: 'nowhere' })
  })
})
