import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../server/storage/migrations.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { setup } from './helpers.ts'
import { oldInstallation } from './oldInstallation.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx

afterEach(async () => ctx?.storage.close())

/** Triage by any agent (no team), then the billing team's correction or the Hanoi desk's callback. */
const sop = {
  schema: 'sopflow/v1',
  id: 'routed',
  title: 'Routed enquiry',
  department: 'Support',
  purpose: 'An enquiry is triaged, then handled by the team responsible for it.',
  fields: [],
  initial: 'triage',
  steps: [
    { id: 'triage', kind: 'task', title: 'Triage', roles: ['agent'] },
    { id: 'bill', kind: 'task', title: 'Correct the bill', roles: ['agent'], team: 'billing' },
    { id: 'callback', kind: 'task', title: 'Call back', roles: ['agent'], team: 'hanoi' },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    { id: 'to_billing', from: 'triage', to: 'bill', action: 'to_billing', label: 'Billing' },
    { id: 'to_callback', from: 'triage', to: 'callback', action: 'to_callback', label: 'Call back' },
    { id: 'billed', from: 'bill', to: 'done', action: 'billed', label: 'Corrected' },
    { id: 'called', from: 'callback', to: 'done', action: 'called', label: 'Called' },
  ],
}

const ids = (body: { id: string }[]) => body.map((x) => x.id).sort()

describe("teams' work queues", () => {
  it("puts a ticket at a team's step in that team's queue only; unteamed work is in every agent's queue, even one in no team; supervisors see their team's", async () => {
    ctx = await setup()
    const c = ctx
    expect(
      (await c.call('POST', '/api/teams', c.tokens.admin, { id: 'billing', name: 'Billing' })).status,
    ).toBe(201)
    const person = async (name: string, role: string, team?: string) => {
      const r = await c.call('POST', '/api/users', c.tokens.admin, { name, role, ...(team ? { team } : {}) })
      expect(r.status).toBe(201)
      return { id: r.body.user.id as string, token: r.body.token as string }
    }
    const billAgent = await person('Hana Nováková', 'agent', 'billing')
    const billLead = await person('Petr Svoboda', 'supervisor', 'billing')
    const hanoiAgent = { id: c.users.agent, token: c.tokens.agent } // team hanoi
    const floater = await person('Lê Văn Nam', 'agent') // in no team
    expect((await c.call('POST', '/api/sops', c.tokens.owner, { document: sop })).status).toBe(201)
    expect((await c.call('POST', `/api/sops/${sop.id}/publish`, c.tokens.owner)).status).toBe(201)

    const open = async (subject: string, action?: string) => {
      const r = await c.call('POST', '/api/tickets', hanoiAgent.token, {
        sopId: sop.id,
        channel: 'email',
        subject,
      })
      expect(r.status).toBe(201)
      if (!action) return r.body.ticket.id as string
      const moved = await c.call('POST', `/api/tickets/${r.body.ticket.id}/actions`, hanoiAgent.token, {
        action,
        version: r.body.ticket.version,
      })
      expect(moved.status).toBe(200)
      return r.body.ticket.id as string
    }
    const triage = await open('Not sorted yet')
    const billing = await open('Charged twice', 'to_billing')
    const callback = await open('Please call me', 'to_callback')
    const claimed = await open('Refund taken', 'to_billing')
    const version = (await c.call('GET', `/api/tickets/${claimed}`, billAgent.token)).body.ticket.version
    expect((await c.call('POST', `/api/tickets/${claimed}/claim`, billAgent.token, { version })).status).toBe(
      200,
    )

    const queue = async (token: string) => {
      const r = await c.call('GET', '/api/tickets?queue=me', token)
      expect(r.status).toBe(200)
      return ids(r.body)
    }
    expect(await queue(billAgent.token)).toEqual([triage, billing].sort())
    expect(await queue(hanoiAgent.token)).toEqual([triage, callback].sort())
    // Someone in no team reads every ticket, but teams' work is not in their queue.
    expect(await queue(floater.token)).toEqual([triage])
    expect(ids((await c.call('GET', '/api/tickets', floater.token)).body)).toHaveLength(4)
    // The billing supervisor's queue is the billing team's unassigned work (triage is agents' work).
    expect(await queue(billLead.token)).toEqual([billing])

    // The team filter: tickets at a step the team is responsible for, assigned or not.
    const team = await c.call('GET', '/api/tickets?team=billing', c.tokens.auditor)
    expect(ids(team.body)).toEqual([billing, claimed].sort())

    // Another team's unassigned work is neither listed for nor readable by an agent of Hanoi.
    const listed = await c.call('GET', '/api/tickets', hanoiAgent.token)
    expect(ids(listed.body)).toEqual([triage, callback].sort())
    const refused = await c.call('GET', `/api/tickets/${billing}`, hanoiAgent.token)
    expect(refused.status).toBe(403)
    expect(refused.body.code).toBe('outside_team')
    expect((await c.call('GET', `/api/tickets/${billing}`, billAgent.token)).status).toBe(200)
  })

  it("lets go of a ticket whose work moves to another team's step, into that team's queue; a member of that team keeps it", async () => {
    ctx = await setup()
    const c = ctx
    expect(
      (await c.call('POST', '/api/teams', c.tokens.admin, { id: 'billing', name: 'Billing' })).status,
    ).toBe(201)
    const made = await c.call('POST', '/api/users', c.tokens.admin, {
      name: 'Hana',
      role: 'agent',
      team: 'billing',
    })
    const billAgent = made.body.token as string
    expect((await c.call('POST', '/api/sops', c.tokens.owner, { document: sop })).status).toBe(201)
    expect((await c.call('POST', `/api/sops/${sop.id}/publish`, c.tokens.owner)).status).toBe(201)
    const claimAndMove = async (token: string) => {
      const t = await c.call('POST', '/api/tickets', token, {
        sopId: sop.id,
        channel: 'email',
        subject: 'Refund',
      })
      const claimed = await c.call('POST', `/api/tickets/${t.body.ticket.id}/claim`, token, {
        version: t.body.ticket.version,
      })
      expect(claimed.status).toBe(200)
      const moved = await c.call('POST', `/api/tickets/${t.body.ticket.id}/actions`, token, {
        action: 'to_billing',
        version: claimed.body.ticket.version,
      })
      expect(moved.status).toBe(200)
      expect(moved.body.ticket.steps).toEqual(['bill'])
      return moved.body.ticket as { id: string; assigneeId: string | null }
    }
    const passed = await claimAndMove(c.tokens.agent) // team hanoi
    expect(passed.assigneeId).toBeNull()
    const inQueue = await c.call('GET', '/api/tickets?queue=me', billAgent)
    expect(ids(inQueue.body)).toEqual([passed.id])
    const kept = await claimAndMove(billAgent)
    expect(kept.assigneeId).toBe(made.body.user.id)
    for (const id of [passed.id, kept.id]) {
      const verify = await c.call('GET', `/api/tickets/${id}/verify`, c.tokens.auditor)
      expect(verify.body.ok, id).toBe(true)
    }
  })

  it('finds the responsible team of tickets on SOP versions published before the upgrade that keeps step teams', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sopflow-team-queues-')), 'db.sqlite')
    ctx = await setup({ path })
    const c = ctx
    await c.call('POST', '/api/teams', c.tokens.admin, { id: 'billing', name: 'Billing' })
    expect((await c.call('POST', '/api/sops', c.tokens.owner, { document: sop })).status).toBe(201)
    expect((await c.call('POST', `/api/sops/${sop.id}/publish`, c.tokens.owner)).status).toBe(201)
    const t = await c.call('POST', '/api/tickets', c.tokens.agent, {
      sopId: sop.id,
      channel: 'email',
      subject: 'Old',
    })
    const moved = await c.call('POST', `/api/tickets/${t.body.ticket.id}/actions`, c.tokens.agent, {
      action: 'to_billing',
      version: t.body.ticket.version,
    })
    expect(moved.status).toBe(200)
    await c.storage.close()
    const old = oldInstallation(
      path,
      MIGRATIONS.findIndex((m) => m.name.startsWith('the steps of each SOP version')),
    )
    const upgraded = new SqliteStorage(old)
    try {
      const now = new Date().toISOString()
      const found = await upgraded.listTickets({ team: 'billing', now, limit: 10, offset: 0 })
      expect(found.map((x) => x.id)).toEqual([t.body.ticket.id])
      expect(await upgraded.listTickets({ team: 'hanoi', now, limit: 10, offset: 0 })).toEqual([])
    } finally {
      await upgraded.close()
    }
  })
})
