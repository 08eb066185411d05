import { describe, expect, it } from 'vitest'
import { type Actor, compile, type SopDocumentInput } from '../../engine/index.ts'
import { Problem } from '../../server/http/problem.ts'
import { requireQualified, responsibility } from '../../server/services/responsibility.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import type { TicketRow, User } from '../../server/storage/types.ts'

const doc: SopDocumentInput = {
  schema: 'sopflow/v1',
  id: 'work',
  title: 'Work',
  department: 'Care',
  purpose: 'Steps with roles and teams.',
  initial: 'agents',
  steps: [
    { id: 'agents', kind: 'task', title: 'Agents', roles: ['agent', 'senior_agent'] },
    { id: 'anyone', kind: 'task', title: 'Anyone' },
    { id: 'leads', kind: 'task', title: 'Leads', roles: ['team_lead'] },
    { id: 'seniors', kind: 'task', title: 'Seniors', roles: ['senior_agent'] },
    { id: 'hanoi', kind: 'task', title: 'Hanoi', roles: ['agent'], team: 'hanoi' },
    { id: 'saigon', kind: 'task', title: 'Saigon', team: 'saigon' },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    { id: 't1', from: 'agents', to: 'anyone', action: 'go' },
    { id: 't2', from: 'anyone', to: 'leads', action: 'go' },
    { id: 't3', from: 'leads', to: 'seniors', action: 'go' },
    { id: 't4', from: 'seniors', to: 'hanoi', action: 'go' },
    { id: 't5', from: 'hanoi', to: 'saigon', action: 'go' },
    { id: 't6', from: 'saigon', to: 'done', action: 'go' },
  ],
}
const sop = compile(doc)

const ticket = (steps: string[], assigneeId: string | null = null) =>
  ({ id: 'T-1', steps, assigneeId }) as unknown as TicketRow
const user = (id: string, role: User['role'], team: string | null = null, name = id): User => ({
  id,
  name,
  role,
  team,
  createdAt: '2026-03-02T08:00:00.000Z',
})
const actor = (u: User, roles: string[] = []): Actor => ({ id: u.id, role: u.role, roles })

function refusal(fn: () => unknown): Problem {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(Problem)
    return e as Problem
  }
  throw new Error('not refused')
}

describe('who may be given a ticket', () => {
  it('accepts a working role a current step names, and anyone working for a step naming no role', () => {
    const lan = user('u1', 'agent')
    expect(() => requireQualified(sop, ticket(['agents']), lan, actor(lan))).not.toThrow()
    expect(() => requireQualified(sop, ticket(['anyone']), lan, actor(lan))).not.toThrow()
    expect(() => requireQualified(sop, ticket([]), lan, actor(lan))).not.toThrow()
    expect(() => requireQualified(sop, ticket(['gone_step']), lan, actor(lan))).not.toThrow()
    const sup = user('u2', 'supervisor')
    expect(() => requireQualified(sop, ticket(['anyone']), sup, actor(sup))).not.toThrow()
  })

  it('refuses a role that works no tickets, naming the working roles when no step names any', () => {
    for (const role of ['owner', 'auditor', 'admin'] as const) {
      const u = user('u9', role, null, 'Bình')
      const p = refusal(() => requireQualified(sop, ticket(['anyone']), u, actor(u)))
      expect(p.status).toBe(422)
      expect(p.code).toBe('assignee_not_qualified')
      expect(p.message).toBe(
        `Bình (${role}) cannot work ticket T-1; it needs: agent, senior_agent, supervisor`,
      )
      expect(p.params).toEqual({ name: 'Bình', role, roles: 'agent, senior_agent, supervisor' })
    }
  })

  it('refuses a working role no current step allows, naming the roles the steps name, each once', () => {
    const lan = user('u1', 'agent', null, 'Lan')
    const p = refusal(() => requireQualified(sop, ticket(['seniors']), lan, actor(lan)))
    expect(p.code).toBe('assignee_not_qualified')
    expect(p.message).toBe('Lan (agent) cannot work ticket T-1; it needs: senior_agent')
    const q = refusal(() => requireQualified(sop, ticket(['seniors', 'leads']), lan, actor(lan)))
    expect(q.message).toBe('Lan (agent) cannot work ticket T-1; it needs: senior_agent, team_lead')
    const r = refusal(() =>
      requireQualified(sop, ticket(['agents', 'seniors']), user('x', 'owner'), actor(lan)),
    )
    expect(r.message).toBe('x (owner) cannot work ticket T-1; it needs: agent, senior_agent')
  })

  it('accepts a working role with the organisation role a step names; refuses one without it', () => {
    const lan = user('u1', 'agent', null, 'Lan')
    expect(() => requireQualified(sop, ticket(['leads']), lan, actor(lan, ['team_lead']))).not.toThrow()
    expect(refusal(() => requireQualified(sop, ticket(['leads']), lan, actor(lan, ['other']))).code).toBe(
      'assignee_not_qualified',
    )
  })

  it('accepts when one of several current steps allows the user', () => {
    const lan = user('u1', 'agent')
    expect(() => requireQualified(sop, ticket(['seniors', 'agents']), lan, actor(lan))).not.toThrow()
  })

  it('refuses someone outside the team a current step names, and a user in no team; accepts a member', () => {
    const member = user('u1', 'agent', 'hanoi', 'Lan')
    expect(() => requireQualified(sop, ticket(['hanoi']), member, actor(member))).not.toThrow()
    const outsider = user('u2', 'agent', 'saigon', 'Minh')
    const p = refusal(() => requireQualified(sop, ticket(['hanoi']), outsider, actor(outsider)))
    expect(p.status).toBe(422)
    expect(p.code).toBe('assignee_wrong_team')
    expect(p.message).toBe('Minh is not in team hanoi, which is responsible for ticket T-1 now')
    expect(p.params).toEqual({ name: 'Minh', team: 'hanoi' })
    const none = user('u3', 'agent', null, 'Hoa')
    expect(refusal(() => requireQualified(sop, ticket(['hanoi']), none, actor(none))).code).toBe(
      'assignee_wrong_team',
    )
    const both = refusal(() => requireQualified(sop, ticket(['hanoi', 'saigon']), none, actor(none)))
    expect(both.message).toBe('Hoa is not in team hanoi, saigon, which is responsible for ticket T-1 now')
    expect(() => requireQualified(sop, ticket(['hanoi', 'saigon']), outsider, actor(outsider))).not.toThrow()
  })
})

describe('who may work an assigned ticket', () => {
  async function people() {
    const storage = new SqliteStorage(':memory:')
    const lan = await storage.createUser(user('u_lan', 'agent', 'hanoi', 'Lan'), 'h1', 'lan')
    const minh = await storage.createUser(user('u_minh', 'agent', 'hanoi', 'Minh'), 'h2', 'minh')
    return { storage, lan, minh }
  }

  it('lets anyone work an unassigned ticket, and the assignee their own, as no intervention', async () => {
    const { storage, lan, minh } = await people()
    expect(await responsibility(storage, minh, ticket([], null))).toBe(false)
    expect(await responsibility(storage, lan, ticket([], lan.id))).toBe(false)
    await storage.close()
  })

  it("counts an admin's and a supervisor's work on someone else's ticket as an intervention", async () => {
    const { storage, lan } = await people()
    expect(await responsibility(storage, user('a', 'admin', 'saigon'), ticket([], lan.id))).toBe(true)
    expect(await responsibility(storage, user('s', 'supervisor', 'hanoi'), ticket([], lan.id))).toBe(true)
    expect(await responsibility(storage, user('s', 'supervisor', null), ticket([], lan.id))).toBe(true)
    await storage.close()
  })

  it("refuses another team's supervisor and another agent with not_assignee, naming the assignee", async () => {
    const { storage, lan, minh } = await people()
    for (const who of [user('s', 'supervisor', 'saigon'), minh, user('o', 'auditor')]) {
      const err = await responsibility(storage, who, ticket([], lan.id)).catch((e) => e)
      expect(err).toBeInstanceOf(Problem)
      expect(err.status).toBe(403)
      expect(err.code).toBe('not_assignee')
      expect(err.message).toBe('Ticket T-1 is assigned to Lan; only they or a supervisor may work it')
      expect(err.params).toEqual({ id: 'T-1', assignee: 'Lan' })
      expect(err.extra).toEqual({ assigneeId: lan.id })
    }
    await storage.close()
  })

  it('names the assignee by id when no such user is stored, and refuses a team supervisor then', async () => {
    const { storage } = await people()
    const err = await responsibility(storage, user('s', 'supervisor', 'hanoi'), ticket([], 'u_gone')).catch(
      (e) => e,
    )
    expect(err.code).toBe('not_assignee')
    expect(err.message).toBe('Ticket T-1 is assigned to u_gone; only they or a supervisor may work it')
    await storage.close()
  })
})
