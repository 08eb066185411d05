import { afterEach, describe, expect, it } from 'vitest'
import { setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx

afterEach(async () => ctx?.storage.close())

/** One step only billing specialists (an organisation role) may work. */
const sop = {
  schema: 'sopflow/v1',
  id: 'billing-check',
  title: 'Billing check',
  department: 'Billing',
  purpose: 'An invoice is checked by a billing specialist.',
  fields: [],
  initial: 'check',
  steps: [
    { id: 'check', kind: 'task', title: 'Check the invoice', roles: ['billing_specialist'] },
    { id: 'again', kind: 'task', title: 'Check it again', roles: ['billing_specialist'] },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    { id: 'checked', from: 'check', to: 'again', action: 'checked', label: 'Checked' },
    { id: 'rechecked', from: 'again', to: 'check', action: 'checked', label: 'Checked again' },
    { id: 'finished', from: 'again', to: 'done', action: 'finish', label: 'Finish' },
  ],
}

describe("a user's organisation roles", () => {
  it('count as they are at each request: given, taken away and given back between two actions', async () => {
    ctx = await setup()
    const c = ctx
    expect(
      (await c.call('POST', '/api/roles', c.tokens.admin, { name: 'billing_specialist', label: 'Billing' }))
        .status,
    ).toBe(201)
    const roles = async (list: string[]) =>
      expect(
        (await c.call('PUT', `/api/roles/members/${c.users.agent}`, c.tokens.admin, { roles: list })).status,
      ).toBe(200)
    expect((await c.call('POST', '/api/sops', c.tokens.owner, { document: sop })).status).toBe(201)
    expect((await c.call('POST', `/api/sops/${sop.id}/publish`, c.tokens.owner)).status).toBe(201)
    const made = await c.call('POST', '/api/tickets', c.tokens.agent, {
      sopId: sop.id,
      channel: 'email',
      subject: 'Invoice 2026-115',
    })
    expect(made.status).toBe(201)
    const id = made.body.ticket.id as string
    let version = made.body.ticket.version as number
    const act = async () => {
      const r = await c.call('POST', `/api/tickets/${id}/actions`, c.tokens.agent, {
        action: 'checked',
        version,
      })
      if (r.status === 200) version = r.body.ticket.version
      return r
    }
    const offered = async () =>
      (await c.call('GET', `/api/tickets/${id}`, c.tokens.agent)).body.prompt.actions[0].available

    await roles(['billing_specialist'])
    expect(await offered()).toBe(true)
    const first = await act()
    expect(first.status).toBe(200)
    expect(first.body.prompt.actions[0].available).toBe(true)

    await roles([])
    expect(await offered()).toBe(false)
    const refused = await act()
    expect([refused.status, refused.body.code]).toEqual([422, 'role_not_permitted'])

    await roles(['billing_specialist'])
    const again = await act()
    expect(again.status).toBe(200)
    expect(again.body.ticket.steps).toEqual(['check'])
  })
})
