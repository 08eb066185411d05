import { describe, expect, it } from 'vitest'
import type { NewAdminLogEntry } from '../../server/storage/accessTypes.ts'
import { BACKENDS, type OpenedStorage, useBackend } from './storageBackends.ts'

/**
 * The team and organisation-role store (`storage.teams`), run on every backend: teams, the
 * calendar a team counts business time in, organisation roles and who holds them, each change
 * written with its admin-log entry or not at all.
 */
const NOW = '2026-03-02T09:00:00.000Z'
const entry = (action: string, targetId: string, after: unknown = null): NewAdminLogEntry => ({
  at: NOW,
  actorId: 'u_admin',
  actorRole: 'admin',
  action,
  targetType: 'team',
  targetId,
  before: null,
  after,
})

describe.each(BACKENDS)('organisation store on $name', (backend) => {
  const { open, closeLater } = useBackend(backend)

  const log = async (o: OpenedStorage) =>
    (await o.storage.access.listAdminLog({ limit: 50, offset: 0 })).items.map((e) => [e.action, e.targetId])

  it('adds teams once each, with their log entries, lists them by name and sets or clears their calendar', async () => {
    const o = await open()
    const { teams } = o.storage
    expect(await teams.listTeams()).toEqual([])
    expect(
      await teams.addTeam(
        { id: 'billing', name: 'Billing', createdAt: NOW },
        entry('team.create', 'billing'),
      ),
    ).toBe(true)
    expect(await teams.createTeam({ id: 'care', name: 'Care desk', createdAt: NOW })).toBe(true)
    expect(await teams.createTeam({ id: 'arrears', name: 'Arrears', createdAt: NOW })).toBe(true)
    // The same id again: refused, nothing written, no log entry.
    expect(
      await teams.addTeam({ id: 'billing', name: 'Other', createdAt: NOW }, entry('team.create', 'billing')),
    ).toBe(false)
    expect(await teams.createTeam({ id: 'care', name: 'Other', createdAt: NOW })).toBe(false)
    expect((await teams.listTeams()).map((t) => [t.id, t.name])).toEqual([
      ['arrears', 'Arrears'],
      ['billing', 'Billing'],
      ['care', 'Care desk'],
    ])
    expect(await teams.getTeam('billing')).toEqual({
      id: 'billing',
      name: 'Billing',
      createdAt: NOW,
      calendarId: null,
    })
    expect(await teams.getTeam('nobody')).toBeNull()

    expect(
      await teams.setTeamCalendar('billing', 'prague', entry('team.calendar', 'billing', 'prague')),
    ).toBe(true)
    expect((await teams.getTeam('billing'))?.calendarId).toBe('prague')
    expect((await teams.getTeam('care'))?.calendarId).toBeNull()
    expect(await teams.setTeamCalendar('nobody', 'prague', entry('team.calendar', 'nobody', 'prague'))).toBe(
      false,
    )
    expect(await teams.setTeamCalendar('billing', null, entry('team.calendar', 'billing'))).toBe(true)
    expect((await teams.getTeam('billing'))?.calendarId).toBeNull()
    expect(await log(o)).toEqual(
      expect.arrayContaining([
        ['team.create', 'billing'],
        ['team.calendar', 'billing'],
      ]),
    )
    expect((await log(o)).filter(([, id]) => id === 'nobody')).toEqual([])
    expect((await log(o)).filter(([a]) => a === 'team.create')).toHaveLength(1)
    expect((await log(o)).filter(([a]) => a === 'team.calendar')).toHaveLength(2)

    // Read back after a restart.
    const again = await o.reopen()
    closeLater(again.storage)
    expect((await again.storage.teams.listTeams()).map((t) => t.id)).toEqual(['arrears', 'billing', 'care'])
  })

  it("keeps organisation roles by name and each person's roles, replaced whole, with the roles before in the log", async () => {
    const o = await open()
    const { teams } = o.storage
    expect(await teams.listOrgRoles()).toEqual([])
    expect(
      await teams.addOrgRole(
        { name: 'fraud_analyst', label: 'Fraud analyst', createdAt: NOW },
        entry('org_role.create', 'fraud_analyst'),
      ),
    ).toBe(true)
    expect(
      await teams.createOrgRole({ name: 'billing_specialist', label: 'Billing specialist', createdAt: NOW }),
    ).toBe(true)
    expect(await teams.createOrgRole({ name: 'billing_specialist', label: 'Other', createdAt: NOW })).toBe(
      false,
    )
    expect(
      await teams.addOrgRole(
        { name: 'fraud_analyst', label: 'Other', createdAt: NOW },
        entry('org_role.create', 'x'),
      ),
    ).toBe(false)
    expect(await teams.listOrgRoles()).toEqual([
      { name: 'billing_specialist', label: 'Billing specialist', createdAt: NOW },
      { name: 'fraud_analyst', label: 'Fraud analyst', createdAt: NOW },
    ])
    expect((await log(o)).filter(([a]) => a === 'org_role.create')).toEqual([
      ['org_role.create', 'fraud_analyst'],
    ])

    for (const id of ['u1', 'u2'])
      await o.storage.createUser(
        { id, name: id, role: 'agent', team: null, createdAt: NOW },
        `hash-${id}`,
        id,
      )
    expect(await teams.orgRolesOf('u1')).toEqual([])
    await teams.setOrgRoles('u1', ['fraud_analyst', 'billing_specialist'])
    await teams.setOrgRoles('u2', ['billing_specialist'])
    expect(await teams.orgRolesOf('u1')).toEqual(['billing_specialist', 'fraud_analyst'])
    expect(await teams.allOrgRoles()).toEqual(
      new Map([
        ['u1', ['billing_specialist', 'fraud_analyst']],
        ['u2', ['billing_specialist']],
      ]),
    )
    const seen: string[][] = []
    const before = await teams.changeOrgRoles('u1', ['fraud_analyst'], (was) => {
      seen.push(was)
      return { ...entry('user.org_roles', 'u1', ['fraud_analyst']), before: was }
    })
    expect(before).toEqual(['billing_specialist', 'fraud_analyst'])
    expect(seen).toEqual([['billing_specialist', 'fraud_analyst']])
    expect(await teams.orgRolesOf('u1')).toEqual(['fraud_analyst'])
    const logged = (await o.storage.access.listAdminLog({ limit: 50, offset: 0, action: 'user.org_roles' }))
      .items
    expect(logged.map((e) => [e.targetId, e.before, e.after])).toEqual([
      ['u1', ['billing_specialist', 'fraud_analyst'], ['fraud_analyst']],
    ])
    // Cleared: the person is no longer listed.
    expect(
      await teams.changeOrgRoles('u2', [], (was) => ({ ...entry('user.org_roles', 'u2'), before: was })),
    ).toEqual(['billing_specialist'])
    await teams.setOrgRoles('u1', [])
    expect(await teams.orgRolesOf('u2')).toEqual([])
    expect(await teams.allOrgRoles()).toEqual(new Map())
  })
})
