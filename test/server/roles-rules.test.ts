import { describe, expect, it } from 'vitest'
import { READ_TICKETS, teamScope, WRITE_TICKETS } from '../../server/auth/roles.ts'
import { ROLES, type Role, type User } from '../../server/storage/types.ts'

const person = (role: Role, team: string | null): User => ({
  id: `u_${role}`,
  name: role,
  role,
  team,
  createdAt: '2026-03-02T08:00:00.000Z',
})

describe('role groups and the team scope of data access', () => {
  it('lets agents, senior agents and supervisors work tickets; auditors read them too; owners and admins neither', () => {
    expect([...WRITE_TICKETS].sort()).toEqual(['agent', 'senior_agent', 'supervisor'])
    expect([...READ_TICKETS].sort()).toEqual(['agent', 'auditor', 'senior_agent', 'supervisor'])
  })

  it('scopes an agent, senior agent or supervisor in a team to that team', () => {
    for (const role of ['agent', 'senior_agent', 'supervisor'] as const)
      expect(teamScope(person(role, 'praha'))).toEqual({ userId: `u_${role}`, team: 'praha' })
  })

  it('does not scope auditors, admins and owners, even in a team, nor anyone in no team', () => {
    for (const role of ['auditor', 'admin', 'owner'] as const)
      expect(teamScope(person(role, 'praha'))).toBeNull()
    for (const role of ROLES) {
      expect(teamScope(person(role, null))).toBeNull()
      expect(teamScope(person(role, ''))).toBeNull()
    }
  })
})
