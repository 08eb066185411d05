import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { validate } from '../../engine/index.ts'
import { importSop } from '../../server/start.ts'
import { root, setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let c: Ctx

/** The support SOP as shipped in examples/, with its customer fields bound, published over the fixture. */
async function publishBoundExample(ctx: Ctx) {
  const doc = JSON.parse(readFileSync(join(root, 'examples', 'support-ticket.json'), 'utf8'))
  await importSop(ctx.storage, doc, ctx.users.admin, ctx.clock().toISOString())
}

async function customer(body: Record<string, unknown>) {
  const r = await c.call('POST', '/api/customers', c.tokens.agent, body)
  expect(r.status).toBe(201)
  return r.body.id as string
}

async function ticket(body: Record<string, unknown>, token = c.tokens.agent) {
  const r = await c.call('POST', '/api/tickets', token, {
    sopId: 'support-ticket',
    channel: 'phone',
    ...body,
  })
  expect(r.status).toBe(201)
  return r.body
}

beforeEach(async () => {
  c = await setup()
})

describe('the desk API', () => {
  it('fills bound fields from the customer at intake, and offers changed customer details when read', async () => {
    await publishBoundExample(c)
    const id = await customer({ name: 'Nguyễn Thị Hoa', phone: '+84 90 111 2222' })
    const view = await ticket({ subject: 'Charged twice', customerId: id })
    expect(view.ticket.state.context.fields).toMatchObject({
      customer_name: 'Nguyễn Thị Hoa',
      contact_phone: '+84 90 111 2222',
    })
    expect(view.ticket.state.context.fields.contact_email).toBeUndefined()
    const intake = view.prompt.steps[0].requiredFields.find(
      (f: { name: string }) => f.name === 'customer_name',
    )
    expect(intake).toMatchObject({ filled: true, bind: 'customer.name' })
    // The intake record carries the bound values, so the audit shows where they came from.
    const history = await c.call('GET', `/api/tickets/${view.ticket.id}/history`, c.tokens.agent)
    expect(history.body[0].payload.record.input).toMatchObject({ customer_name: 'Nguyễn Thị Hoa' })

    // The customer's e-mail is added later: the ticket read offers it for the still-empty bound field.
    const put = await c.call('PUT', `/api/customers/${id}`, c.tokens.agent, {
      name: 'Nguyễn Thị Hoa',
      phone: '+84 90 111 2222',
      email: 'hoa@example.vn',
    })
    expect(put.status).toBe(200)
    const read = await c.call('GET', `/api/tickets/${view.ticket.id}`, c.tokens.agent)
    expect(read.body.bound).toEqual({ contact_email: 'hoa@example.vn' })
  })

  it('keeps a value given at intake over the bound one, and leaves a malformed bound phone for the agent', async () => {
    await publishBoundExample(c)
    const id = await customer({ name: 'Petr Novák', phone: 'call after 5' })
    const view = await ticket({
      subject: 'Login fails',
      customerId: id,
      fields: { customer_name: 'P. Novák' },
    })
    expect(view.ticket.state.context.fields.customer_name).toBe('P. Novák')
    expect(view.ticket.state.context.fields.contact_phone).toBeUndefined()
  })

  it('refuses an unknown bind target with a diagnostic naming the field', () => {
    const doc = JSON.parse(readFileSync(join(root, 'examples', 'support-ticket.json'), 'utf8'))
    doc.fields[0].bind = 'customer.shoe_size'
    const result = validate(doc)
    expect(result.valid).toBe(false)
    const d = result.diagnostics.find((x) => x.path === 'fields.0.bind')
    expect(d?.message).toContain('customer.name')
  })

  it('assigns the new ticket to its creator when asked to, recorded at intake', async () => {
    const mine = await ticket({ subject: 'Walk-in', channel: 'walk-in', assignToMe: true })
    expect(mine.ticket.assigneeId).toBe(c.users.agent)
    const other = await ticket({ subject: 'E-mail', channel: 'email' })
    expect(other.ticket.assigneeId).toBeNull()
    const list = await c.call('GET', '/api/tickets?assignee=me', c.tokens.agent)
    expect(list.body.map((t: { id: string }) => t.id)).toEqual([mine.ticket.id])
  })

  it('searches tickets by number, subject and customer name, phone digits or e-mail', async () => {
    const hoa = await customer({ name: 'Nguyễn Thị Hoa', phone: '+84 90 111 2222', email: 'hoa@example.vn' })
    const petr = await customer({ name: 'Petr Novák', phone: '+420 601 234 567' })
    const a = (await ticket({ subject: 'Card charged twice', customerId: hoa })).ticket.id
    const b = (await ticket({ subject: 'Router down', customerId: petr })).ticket.id
    const d = (await ticket({ subject: 'Invoice copy' })).ticket.id
    const find = async (q: string) =>
      (await c.call('GET', `/api/tickets?q=${encodeURIComponent(q)}`, c.tokens.agent)).body
        .map((t: { id: string }) => t.id)
        .sort()
    expect(await find('charged')).toEqual([a])
    expect(await find('novák')).toEqual([b])
    expect(await find('90-111-2222')).toEqual([a])
    expect(await find('601 234')).toEqual([b])
    expect(await find('hoa@example')).toEqual([a])
    expect(await find(d.slice(0, 10))).toEqual([d])
    expect(await find('nothing like it')).toEqual([])
    // Digits inside other text are not a phone number: 'Room 9011' holds 9011, which is in Hoa's phone.
    expect(await find('Room 9011')).toEqual([])
    // Two digits are no phone number either: whatever '90' finds, it finds by the ticket's id.
    expect((await find('90')).filter((id: string) => !id.includes('90'))).toEqual([])
  })

  it('sorts tickets by created, priority and due time', async () => {
    const low = (await ticket({ subject: 'low', priority: 'low' })).ticket.id
    c.clock.advance(60_000)
    const urgent = (await ticket({ subject: 'urgent', priority: 'urgent' })).ticket.id
    c.clock.advance(60_000)
    const normal = (await ticket({ subject: 'normal' })).ticket.id
    const ids = async (sort: string) =>
      (await c.call('GET', `/api/tickets?sort=${sort}`, c.tokens.agent)).body.map((t: { id: string }) => t.id)
    expect(await ids('created')).toEqual([normal, urgent, low])
    expect(await ids('priority')).toEqual([urgent, normal, low])
    // The intake step has one SLA, so the earliest ticket is due first.
    expect(await ids('due')).toEqual([low, urgent, normal])
    const bad = await c.call('GET', '/api/tickets?sort=sideways', c.tokens.agent)
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ code: 'invalid_request', params: { where: 'query', fields: 'sort' } })
  })

  it('answers problems with a stable code and the params their text needs', async () => {
    const view = await ticket({ subject: 'Blocked' })
    const id = view.ticket.id
    const blocked = await c.call('POST', `/api/tickets/${id}/actions`, c.tokens.agent, {
      action: 'start',
      version: view.ticket.version,
    })
    expect(blocked.status).toBe(422)
    expect(blocked.body).toMatchObject({
      code: 'missing_fields',
      params: { stepId: 'intake', missing: 'customer_name, problem_summary' },
    })
    const stale = await c.call('POST', `/api/tickets/${id}/claim`, c.tokens.agent, { version: 99 })
    expect(stale.body).toMatchObject({ code: 'stale_version', params: { version: 99, currentVersion: 1 } })
    const missing = await c.call('GET', '/api/tickets/t_nope', c.tokens.agent)
    expect(missing.body).toMatchObject({ code: 'not_found', params: { kind: 'ticket', id: 't_nope' } })
    const forbidden = await c.call('PUT', '/api/sops/support-ticket', c.tokens.agent, { document: {} })
    expect(forbidden.body).toMatchObject({
      code: 'forbidden',
      params: { role: 'agent', roles: 'owner, admin' },
    })
    const unauth = await c.call('GET', '/api/me', 'wrong-token')
    expect(unauth).toMatchObject({ status: 401, body: { code: 'unauthenticated', params: {} } })
  })

  it('prompts the main way forward as primary, cancelling and escalating as danger, and every field the step may edit', async () => {
    const view = await ticket({ subject: 'Tones' })
    const tones = Object.fromEntries(
      view.prompt.actions.map((a: { action: string; tone: string }) => [a.action, a.tone]),
    )
    expect(tones).toEqual({ start: 'primary', cancel: 'danger' })
    // Walk to diagnosis, where "Refund needed" reads a field no step requires.
    let v = view
    const act = async (action: string, fields: Record<string, unknown> = {}, ticks = {}) => {
      const r = await c.call('POST', `/api/tickets/${id}/actions`, c.tokens.agent, {
        action,
        fields,
        ticks,
        version: v.ticket.version,
      })
      expect(r.status).toBe(200)
      v = r.body
    }
    const id = view.ticket.id
    await c.call('POST', `/api/tickets/${id}/claim`, c.tokens.agent, { version: 1 })
    v = (await c.call('GET', `/api/tickets/${id}`, c.tokens.agent)).body
    await act('start', { customer_name: 'Hoa', problem_summary: 'x' }, { intake: ['greet', 'listen'] })
    await act('identity_confirmed', { contact_phone: '+84 90 111 2222' }, { identify: ['two_factors'] })
    await act('classified', { category: 'billing', severity: 'low' })
    expect(v.prompt.steps[0].stepId).toBe('diagnose')
    const byAction = Object.fromEntries(
      v.prompt.actions.map((a: { action: string; tone: string }) => [a.action, a.tone]),
    )
    expect(byAction).toMatchObject({
      solution_found: 'primary',
      refund_needed: 'secondary',
      escalate: 'danger',
    })
    expect(v.prompt.fields).toEqual([
      expect.objectContaining({
        name: 'refund_amount',
        required: false,
        readBy: ['refund_needed'],
        filled: false,
      }),
    ])
  })
})
