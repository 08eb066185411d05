import { afterEach, describe, expect, it } from 'vitest'
import { setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx

afterEach(async () => ctx?.storage.close())

/** Billing: two steps for billing specialists, then an approval only supervisors give. */
const sop = {
  schema: 'sopflow/v1',
  id: 'billing-two-steps',
  title: 'Billing correction in two steps',
  department: 'Billing',
  purpose: 'An invoice is checked and corrected by billing specialists, and a supervisor approves it.',
  fields: [],
  initial: 'check',
  steps: [
    { id: 'check', kind: 'task', title: 'Check the invoice', roles: ['billing_specialist'] },
    { id: 'correct', kind: 'task', title: 'Correct the invoice', roles: ['billing_specialist'] },
    { id: 'approve', kind: 'task', title: 'Approve the correction', roles: ['supervisor'] },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    { id: 'checked', from: 'check', to: 'correct', action: 'checked', label: 'Checked' },
    { id: 'corrected', from: 'correct', to: 'approve', action: 'corrected', label: 'Corrected' },
    { id: 'approved', from: 'approve', to: 'done', action: 'approved', label: 'Approved' },
  ],
}

async function act(c: Ctx, id: string, token: string, action: string) {
  const now = await c.call('GET', `/api/tickets/${id}`, c.tokens.auditor)
  return c.call('POST', `/api/tickets/${id}/actions`, token, { action, version: now.body.ticket.version })
}

describe('an assignee qualified by an organisation role', () => {
  it('keeps the ticket at the next step the organisation role qualifies for, loses it at a supervisor step, and the row matches its history after the role is taken away', async () => {
    ctx = await setup()
    const c = ctx
    expect(
      (await c.call('POST', '/api/roles', c.tokens.admin, { name: 'billing_specialist', label: 'Billing' }))
        .status,
    ).toBe(201)
    const given = await c.call('PUT', `/api/roles/members/${c.users.agent}`, c.tokens.admin, {
      roles: ['billing_specialist'],
    })
    expect(given.status).toBe(200)
    expect((await c.call('POST', '/api/sops', c.tokens.owner, { document: sop })).status).toBe(201)
    expect((await c.call('POST', `/api/sops/${sop.id}/publish`, c.tokens.owner)).status).toBe(201)

    const made = await c.call('POST', '/api/tickets', c.tokens.agent, {
      sopId: sop.id,
      channel: 'email',
      subject: 'Invoice 2026-114 charged twice',
    })
    expect(made.status).toBe(201)
    const id = made.body.ticket.id as string
    const claimed = await c.call('POST', `/api/tickets/${id}/claim`, c.tokens.agent, {
      version: made.body.ticket.version,
    })
    expect(claimed.status).toBe(200)
    expect(claimed.body.ticket.assigneeId).toBe(c.users.agent)

    const checked = await act(c, id, c.tokens.agent, 'checked')
    expect(checked.status).toBe(200)
    expect(checked.body.ticket.steps).toEqual(['correct'])
    expect(checked.body.ticket.assigneeId).toBe(c.users.agent)

    const corrected = await act(c, id, c.tokens.agent, 'corrected')
    expect(corrected.status).toBe(200)
    expect(corrected.body.ticket.steps).toEqual(['approve'])
    expect(corrected.body.ticket.assigneeId).toBeNull()
    expect(corrected.body.ticket.queue).toBe('supervisor')

    // The history says which roles the assignee held, so it still explains the row when they change.
    const removed = await c.call('PUT', `/api/roles/members/${c.users.agent}`, c.tokens.admin, { roles: [] })
    expect(removed.status).toBe(200)
    const verify = await c.call('GET', `/api/tickets/${id}/verify`, c.tokens.auditor)
    expect(verify.body.ok).toBe(true)
    const read = await c.call('GET', `/api/tickets/${id}`, c.tokens.auditor)
    expect(read.status).toBe(200)
    expect(read.body.integrity.ok).toBe(true)
  })
})
