import { afterEach, describe, expect, it } from 'vitest'
import { openTicket, setup } from './helpers.ts'

// The rules of the ticket routes (server/routes/tickets.ts): taking and handing out work and what
// the assignment record says, notes on closed tickets, the history's names, the evidence file's
// name and size check, idempotency keys, and what the list shows of each ticket.

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
afterEach(async () => {
  await ctx?.storage.close()
})

const version = async (c: Ctx, id: string) =>
  (await c.call('GET', `/api/tickets/${id}`, c.tokens.supervisor)).body.ticket.version as number
const assignments = async (c: Ctx, id: string) =>
  (await c.storage.getAudit(id, ['assignment'])).map((a) => a.payload)

async function cancel(c: Ctx, id: string, token = c.tokens.agent) {
  const r = await c.call('POST', `/api/tickets/${id}/actions`, token, {
    action: 'cancel',
    version: await version(c, id),
  })
  expect(r.status, JSON.stringify(r.body)).toBe(200)
}

describe('ticket routes', () => {
  it('a claim takes the ticket, recorded as claimed; someone else’s ticket is refused except to a supervisor', async () => {
    ctx = await setup()
    const t = await openTicket(ctx)
    const mine = await ctx.call('POST', `/api/tickets/${t.id}/claim`, ctx.tokens.agent, {
      version: t.version,
    })
    expect(mine.status).toBe(200)
    expect(mine.body.ticket.assigneeId).toBe(ctx.users.agent)
    const other = await ctx.call('POST', `/api/tickets/${t.id}/claim`, ctx.tokens.senior_agent, {
      version: await version(ctx, t.id),
    })
    expect([other.status, other.body.code, other.body.detail]).toEqual([
      409,
      'already_assigned',
      'Someone else has this ticket; ask a supervisor to reassign it',
    ])
    const sup = await ctx.call('POST', `/api/tickets/${t.id}/claim`, ctx.tokens.supervisor, {
      version: await version(ctx, t.id),
    })
    expect(sup.status).toBe(200)
    expect(await assignments(ctx, t.id)).toEqual([
      { from: null, to: ctx.users.agent, queue: null, claimed: true },
      { from: ctx.users.agent, to: ctx.users.supervisor, queue: null, claimed: true },
    ])
    // The version moved with each assignment.
    expect(sup.body.ticket.version).toBe(t.version + 2)
    const t2 = await openTicket(ctx)
    await cancel(ctx, t2.id)
    const closed = await ctx.call('POST', `/api/tickets/${t2.id}/claim`, ctx.tokens.supervisor, {
      version: await version(ctx, t2.id),
    })
    expect([closed.status, closed.body.code, closed.body.params]).toEqual([
      422,
      'ticket_closed',
      { id: t2.id },
    ])
  })

  it('assigning to a person or a queue records both sides; an unknown person is not found; null hands it back', async () => {
    ctx = await setup()
    const t = await openTicket(ctx)
    const nobody = await ctx.call('POST', `/api/tickets/${t.id}/assign`, ctx.tokens.supervisor, {
      userId: 'u_nobody',
      version: t.version,
    })
    expect([nobody.status, nobody.body.code, nobody.body.params]).toEqual([
      404,
      'not_found',
      { kind: 'user', id: 'u_nobody' },
    ])
    const toQueue = await ctx.call('POST', `/api/tickets/${t.id}/assign`, ctx.tokens.supervisor, {
      queue: 'billing',
      version: t.version,
    })
    expect(toQueue.body.ticket).toMatchObject({ queue: 'billing', assigneeId: null })
    const toAgent = await ctx.call('POST', `/api/tickets/${t.id}/assign`, ctx.tokens.supervisor, {
      userId: ctx.users.agent,
      version: toQueue.body.ticket.version,
    })
    expect(toAgent.body.ticket).toMatchObject({ queue: 'billing', assigneeId: ctx.users.agent })
    const back = await ctx.call('POST', `/api/tickets/${t.id}/assign`, ctx.tokens.supervisor, {
      userId: null,
      queue: null,
      version: toAgent.body.ticket.version,
    })
    expect(back.body.ticket).toMatchObject({ queue: null, assigneeId: null })
    expect(await assignments(ctx, t.id)).toEqual([
      { from: null, to: null, queue: 'billing', fromQueue: null },
      { from: null, to: ctx.users.agent, queue: 'billing', fromQueue: 'billing' },
      { from: ctx.users.agent, to: null, queue: null, fromQueue: 'billing' },
    ])
    const neither = await ctx.call('POST', `/api/tickets/${t.id}/assign`, ctx.tokens.supervisor, {
      version: back.body.ticket.version,
    })
    expect(neither.status).toBe(400)
  })

  it('a note on a closed ticket is kept marked late; on an open one it is not; the visibility defaults to internal', async () => {
    ctx = await setup()
    const t = await openTicket(ctx, { assignToMe: true })
    const open = await ctx.call('POST', `/api/tickets/${t.id}/notes`, ctx.tokens.agent, {
      text: '  Called back  ',
    })
    expect(open.status).toBe(201)
    await cancel(ctx, t.id)
    await ctx.call('POST', `/api/tickets/${t.id}/notes`, ctx.tokens.agent, {
      text: 'Late word',
      visibility: 'customer',
    })
    const notes = (await ctx.storage.getAudit(t.id, ['note'])).map((a) => a.payload)
    expect(notes).toEqual([
      { text: 'Called back', visibility: 'internal' },
      { text: 'Late word', visibility: 'customer', late: true },
    ])
  })

  it('the history names each actor, sopflow for the system, with each record’s chain members', async () => {
    ctx = await setup()
    const t = await openTicket(ctx)
    await ctx.call('POST', `/api/tickets/${t.id}/claim`, ctx.tokens.agent, { version: t.version })
    const h = await ctx.call('GET', `/api/tickets/${t.id}/history`, ctx.tokens.auditor)
    expect(h.status).toBe(200)
    expect(Object.keys(h.body[0]).sort()).toEqual([
      'actorId',
      'actorName',
      'at',
      'hash',
      'payload',
      'prevHash',
      'role',
      'seq',
      'type',
    ])
    expect(h.body.map((r: any) => [r.seq, r.type, r.actorName])).toEqual([
      [0, 'created', 'agent user'],
      [1, 'assignment', 'agent user'],
    ])
    expect(h.body[1].prevHash).toBe(h.body[0].hash)
    // A timer fires as the system.
    const timers = await ctx.storage.listTimers(t.id)
    ctx.clock.advance(Date.parse(timers[0].dueAt) - ctx.clock().getTime() + 1000)
    expect(await ctx.sopflow.tickets.fireTimer(t.id, timers[0].id)).toBe('fired')
    const after = await ctx.call('GET', `/api/tickets/${t.id}/history`, ctx.tokens.auditor)
    expect(after.body.at(-1)).toMatchObject({ actorId: 'system', actorName: 'sopflow' })
  })

  it('the evidence file is named after its ticket; a size that is not a tree size is refused', async () => {
    ctx = await setup()
    const t = await openTicket(ctx)
    const res = await ctx.sopflow.app.request(`/api/tickets/${t.id}/evidence`, {
      headers: { authorization: `Bearer ${ctx.tokens.auditor}` },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="sopflow-evidence-${t.id}.json"`,
    )
    for (const size of ['-1', '1.5', 'ten', '']) {
      const r = await ctx.call('GET', `/api/tickets/${t.id}/evidence?size=${size}`, ctx.tokens.auditor)
      expect([r.status, r.body.code, r.body.detail], size).toEqual([
        400,
        'invalid_request',
        `Invalid query: size must be a tree size, not "${size}"`,
      ])
    }
  })

  it('an Idempotency-Key repeats the first answer for the same body, refuses another body, and is at most 200 characters', async () => {
    ctx = await setup()
    const body = { sopId: 'support-ticket', channel: 'phone', subject: 'Once' }
    const send = (key: string, b: unknown = body) =>
      ctx.call('POST', '/api/tickets', ctx.tokens.agent, b, { 'idempotency-key': key })
    const first = await send('k-1')
    const again = await send('k-1')
    expect(first.status).toBe(201)
    expect(again.body.ticket.id).toBe(first.body.ticket.id)
    const other = await send('k-1', { ...body, subject: 'Twice' })
    expect([other.status, other.body.code, other.body.params, other.body.detail]).toEqual([
      422,
      'idempotency_key_reused',
      { key: 'k-1' },
      'Idempotency-Key "k-1" was already used for a different request',
    ])
    // Another person's same key is theirs.
    const theirs = await ctx.call('POST', '/api/tickets', ctx.tokens.senior_agent, body, {
      'idempotency-key': 'k-1',
    })
    expect(theirs.body.ticket.id).not.toBe(first.body.ticket.id)
    expect((await send('x'.repeat(200))).status).toBe(201)
    const long = await send('x'.repeat(201))
    expect([long.status, long.body.detail]).toEqual([
      400,
      'Idempotency-Key is too long (200 characters at most)',
    ])
  })

  it('the list shows each ticket with its SOP’s title, its steps’ titles and whether it is overdue, never its machine state', async () => {
    ctx = await setup()
    const t = await openTicket(ctx)
    const list = await ctx.call('GET', '/api/tickets', ctx.tokens.agent)
    const row = list.body.find((x: any) => x.id === t.id)
    expect(row).toMatchObject({ customerName: null, sopTitle: expect.any(String), overdue: false })
    expect(row.sopTitle.length).toBeGreaterThan(0)
    expect(row.stepTitles).toHaveLength(row.steps.length)
    expect(row.stepTitles[0]).not.toBe(row.steps[0])
    expect(row).not.toHaveProperty('state')
    const due = Date.parse(row.dueAt)
    ctx.clock.advance(due - ctx.clock().getTime())
    const atDue = (await ctx.call('GET', '/api/tickets', ctx.tokens.agent)).body.find(
      (x: any) => x.id === t.id,
    )
    expect(atDue.overdue).toBe(true)
    await cancel(ctx, t.id)
    const closed = (await ctx.call('GET', '/api/tickets', ctx.tokens.agent)).body.find(
      (x: any) => x.id === t.id,
    )
    expect(closed.overdue).toBe(false)
  })
})
