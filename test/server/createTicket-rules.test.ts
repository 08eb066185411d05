import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { importSop } from '../../server/start.ts'
import { root, setup } from './helpers.ts'

// The rules of opening a ticket: once per idempotency key, only on a published SOP that is not
// archived, for a customer that exists, with the defaults it starts with, and its customer's details
// filled into the fields bound to them unless one does not fit (left for the agent to fill).

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
afterEach(async () => {
  await ctx?.storage.close()
})

const open = (c: Ctx, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  c.call(
    'POST',
    '/api/tickets',
    c.tokens.agent,
    { sopId: 'support-ticket', channel: 'phone', subject: 'Charged twice', ...body },
    headers,
  )

/** The shipped example, whose contact fields are bound to the customer's details. */
async function withBoundExample(c: Ctx) {
  const doc = JSON.parse(readFileSync(join(root, 'examples', 'support-ticket.json'), 'utf8'))
  await importSop(c.storage, { ...doc, id: 'bound-support' }, c.users.admin, c.clock().toISOString())
}

describe('opening a ticket', () => {
  it('opens once per idempotency key: the same request again answers with the same ticket', async () => {
    ctx = await setup()
    const first = await open(ctx, {}, { 'idempotency-key': 'intake-1' })
    expect(first.status).toBe(201)
    const again = await open(ctx, {}, { 'idempotency-key': 'intake-1' })
    expect(again.body.ticket.id).toBe(first.body.ticket.id)
    const other = await open(ctx, {}, { 'idempotency-key': 'intake-2' })
    expect(other.body.ticket.id).not.toBe(first.body.ticket.id)
    // The repeated request took no ticket number either.
    expect(other.body.ticket.number).toBe(first.body.ticket.number + 1)
    const all = (await ctx.call('GET', '/api/tickets', ctx.tokens.agent)).body
    expect(all.map((t: any) => t.id).sort()).toEqual([first.body.ticket.id, other.body.ticket.id].sort())
  })

  it('starts open, at normal priority, in no queue, numbered in order, unless the request says otherwise', async () => {
    ctx = await setup()
    const plain = (await open(ctx, {})).body.ticket
    expect(plain).toMatchObject({ status: 'open', priority: 'normal', queue: null, sopVersion: 1 })
    expect(plain.id).toMatch(/^t_/)
    expect(plain.steps.length).toBeGreaterThan(0)
    const urgent = (await open(ctx, { priority: 'urgent', queue: 'billing' })).body.ticket
    expect(urgent).toMatchObject({ priority: 'urgent', queue: 'billing' })
    expect(urgent.number).toBe(plain.number + 1)
  })

  it('refuses an archived SOP, one never published, an unknown one and an unknown customer, opening nothing', async () => {
    ctx = await setup()
    expect((await ctx.call('POST', '/api/sops/support-ticket/archive', ctx.tokens.owner)).status).toBe(200)
    const archived = await open(ctx, {})
    expect(archived.status).toBe(422)
    expect(archived.body.code).toBe('sop_archived')
    expect(archived.body.detail).toBe('SOP "support-ticket" is archived')
    const draft = {
      ...JSON.parse(readFileSync(join(root, 'examples', 'support-ticket.json'), 'utf8')),
      id: 'draft-only',
    }
    expect((await ctx.call('POST', '/api/sops', ctx.tokens.owner, { document: draft })).status).toBe(201)
    const unpublished = await open(ctx, { sopId: 'draft-only' })
    expect(unpublished.status).toBe(422)
    expect(unpublished.body.code).toBe('sop_not_published')
    expect(unpublished.body.detail).toBe('SOP "draft-only" has no published version yet')
    const unknown = await open(ctx, { sopId: 'no-such-sop' })
    expect(unknown.status).toBe(404)
    expect(unknown.body.params).toEqual({ kind: 'sop', id: 'no-such-sop' })
    await ctx.call('POST', '/api/sops/support-ticket/unarchive', ctx.tokens.owner)
    const nobody = await open(ctx, { customerId: 'c_none' })
    expect(nobody.status).toBe(404)
    expect(nobody.body.params).toEqual({ kind: 'customer', id: 'c_none' })
    expect((await ctx.call('GET', '/api/tickets', ctx.tokens.agent)).body).toEqual([])
  })

  it('fills bound fields from the customer, leaves out a detail that does not fit, and keeps a value given', async () => {
    ctx = await setup()
    await withBoundExample(ctx)
    const customer = (
      await ctx.call('POST', '/api/customers', ctx.tokens.agent, {
        name: 'Nguyen Van An',
        phone: 'not a phone',
        email: 'an@example.com',
      })
    ).body
    const r = await open(ctx, { sopId: 'bound-support', customerId: customer.id })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    const fields = r.body.ticket.state.context.fields
    expect(fields.customer_name).toBe('Nguyen Van An')
    expect(fields.contact_email).toBe('an@example.com')
    expect(fields.contact_phone).toBeUndefined()
    const given = await open(ctx, {
      sopId: 'bound-support',
      customerId: customer.id,
      fields: { customer_name: 'An (as he asked)' },
    })
    expect(given.body.ticket.state.context.fields.customer_name).toBe('An (as he asked)')
    expect(given.body.ticket.state.context.fields.contact_email).toBe('an@example.com')
  })
})
