import { describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.ts'
import { setup } from './helpers.ts'

// Two writes to one ticket that reach the database together: the second finds the ticket moved
// on. Without a version (a channel's message, a timer: the service's own callers) it is decided
// again on the new state and goes through; with the version the client sent (every API write), it
// is refused as stale. Nothing is lost or written twice.

async function opened() {
  const ctx = await setup()
  const r = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
    sopId: 'support-ticket',
    channel: 'phone',
    subject: 'Two at once',
  })
  expect(r.status).toBe(201)
  return { ctx, id: r.body.ticket.id as string, version: r.body.ticket.version as number }
}

const update = (fields: Record<string, string>, version: number) => ({ fields, version })

describe('writes to one ticket that arrive together', () => {
  it('without a version: both go through, the second decided again on the first one’s state', async () => {
    const { ctx, id, version } = await opened()
    const agent = (await ctx.storage.getUser(ctx.users.agent))!
    const write = (fields: Record<string, string>) =>
      ctx.sopflow.tickets.decideAndCommit(agent, id, { kind: 'update', fields }, { type: 'update' })
    const [a, b] = await Promise.all([
      write({ customer_name: 'Lan' }),
      write({ problem_summary: 'No signal' }),
    ])
    expect([a.version, b.version]).toEqual([version + 1, version + 2])
    // The second was decided on the first one's fields, not on the state both started from.
    expect(b.state.context.fields).toMatchObject({ customer_name: 'Lan', problem_summary: 'No signal' })
    const t = await ctx.call('GET', `/api/tickets/${id}`, ctx.tokens.agent)
    expect(t.body.ticket.version).toBe(version + 2)
    expect(t.body.ticket.state.context.fields).toMatchObject({
      customer_name: 'Lan',
      problem_summary: 'No signal',
    })
    const history = await ctx.call('GET', `/api/tickets/${id}/history`, ctx.tokens.supervisor)
    expect(history.body.map((r: { type: string }) => r.type)).toEqual(['created', 'update', 'update'])
    const verify = await ctx.call('GET', `/api/tickets/${id}/verify`, ctx.tokens.supervisor)
    expect(verify.body.ok).toBe(true)
    expect(verify.body.replay.records).toBe(3)
  })

  it('with the version both were sent for: one goes through, the other is refused as stale, and changes nothing', async () => {
    const { ctx, id, version } = await opened()
    const [a, b] = await Promise.all([
      ctx.call(
        'POST',
        `/api/tickets/${id}/update`,
        ctx.tokens.agent,
        update({ customer_name: 'Lan' }, version),
      ),
      ctx.call(
        'POST',
        `/api/tickets/${id}/update`,
        ctx.tokens.agent,
        update({ customer_name: 'Minh' }, version),
      ),
    ])
    expect([a.status, b.status].sort()).toEqual([200, 409])
    const refused = a.status === 409 ? a : b
    const won = a.status === 200 ? a : b
    expect(refused.body.code).toBe('stale_version')
    const t = await ctx.call('GET', `/api/tickets/${id}`, ctx.tokens.agent)
    expect(t.body.ticket.version).toBe(version + 1)
    const history = await ctx.call('GET', `/api/tickets/${id}/history`, ctx.tokens.supervisor)
    expect(history.body.map((r: { type: string }) => r.type)).toEqual(['created', 'update'])
    expect(t.body.ticket.state.context.fields.customer_name).toBe(
      won.body.ticket.state.context.fields.customer_name,
    )
  })

  it('after another server wrote the ticket, this server forgets the row it kept and writes on the stored one', async () => {
    const { ctx, id, version } = await opened()
    const agent = (await ctx.storage.getUser(ctx.users.agent))!
    const other = createApp({ storage: ctx.storage, clock: ctx.clock, config: { bodyLimit: 64 * 1024 } })
    const elsewhere = await other.tickets.decideAndCommit(
      agent,
      id,
      { kind: 'update', fields: { customer_name: 'Lan' } },
      { type: 'update' },
    )
    expect(elsewhere.version).toBe(version + 1)
    // This server still keeps the row it created: its first try conflicts, the second goes through.
    const here = await ctx.sopflow.tickets.decideAndCommit(
      agent,
      id,
      { kind: 'update', fields: { problem_summary: 'No signal' } },
      { type: 'update' },
    )
    expect(here.version).toBe(version + 2)
    expect(here.state.context.fields).toMatchObject({ customer_name: 'Lan', problem_summary: 'No signal' })
    const verify = await ctx.call('GET', `/api/tickets/${id}/verify`, ctx.tokens.supervisor)
    expect(verify.body.ok).toBe(true)
  })
})
