import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openTicket, root, setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx

afterEach(async () => ctx?.storage.close())

const complaint = () => JSON.parse(readFileSync(join(root, 'examples', 'complaint-handling.json'), 'utf8'))
const intake = { customer_name: 'Nguyễn Thị Lan', problem_summary: 'Card payment charged twice' }

async function addUser(c: Ctx, name: string, role: string) {
  const r = await c.call('POST', '/api/users', c.tokens.admin, { name, role, team: 'hanoi' })
  expect(r.status).toBe(201)
  return { id: r.body.user.id as string, token: r.body.token as string }
}

/** Posts to a ticket route, with the ticket's current version where the route takes one. */
async function send(c: Ctx, id: string, route: string, token: string, body: Record<string, unknown>) {
  const now = await c.call('GET', `/api/tickets/${id}`, c.tokens.auditor)
  const versioned = route === 'notes' ? body : { version: now.body.ticket.version, ...body }
  return c.call('POST', `/api/tickets/${id}/${route}`, token, versioned)
}

const history = async (c: Ctx, id: string) =>
  (await c.call('GET', `/api/tickets/${id}/history`, c.tokens.auditor)).body as {
    type: string
    actorId: string
    payload: Record<string, unknown>
  }[]

/** Takes a support ticket to the manager review (senior agents and supervisors only). */
async function toManagerReview(c: Ctx) {
  const t = await openTicket(c)
  const act = (action: string, body: Record<string, unknown> = {}) =>
    send(c, t.id, 'actions', c.tokens.agent, { action, ...body })
  expect((await act('start', { fields: intake, ticks: { intake: ['greet', 'listen'] } })).status).toBe(200)
  await act('identity_confirmed', {
    fields: { contact_phone: '+84 90 555 0101' },
    ticks: { identify: ['two_factors'] },
  })
  await act('classified', { fields: { category: 'billing', severity: 'low' } })
  const r = await act('escalate')
  expect(r.body.ticket.steps).toEqual(['manager_review'])
  return t.id
}

describe('only the assignee works a claimed ticket', () => {
  it("refuses another agent's action, update and note with not_assignee naming the assignee, and changes nothing", async () => {
    ctx = await setup()
    const other = await addUser(ctx, 'Trần Văn Bình', 'agent')
    const t = await openTicket(ctx)
    const claimed = await send(ctx, t.id, 'claim', ctx.tokens.agent, {})
    expect(claimed.body.ticket.assigneeId).toBe(ctx.users.agent)
    const before = await history(ctx, t.id)

    const attempts = [
      ['actions', { action: 'start', fields: intake, ticks: { intake: ['greet', 'listen'] } }],
      ['update', { fields: { problem_summary: 'overwritten' } }],
      ['notes', { text: 'I am not the assignee' }],
    ] as const
    for (const [route, body] of attempts) {
      const r = await send(ctx, t.id, route, other.token, body)
      expect(r.status, route).toBe(403)
      expect(r.type).toContain('application/problem+json')
      expect(r.body.code).toBe('not_assignee')
      expect(r.body.params.assignee).toBe('agent user')
    }
    const after = await ctx.call('GET', `/api/tickets/${t.id}`, ctx.tokens.agent)
    expect(after.body.ticket.version).toBe(claimed.body.ticket.version)
    expect(after.body.ticket.steps).toEqual(['intake'])
    expect(after.body.notes).toEqual([])
    expect(await history(ctx, t.id)).toHaveLength(before.length)

    // The assignee works it as usual, and that is no intervention.
    const own = await send(ctx, t.id, 'notes', ctx.tokens.agent, { text: 'mine' })
    expect(own.status).toBe(201)
    expect((await history(ctx, t.id)).at(-1)?.payload.intervention).toBeUndefined()
  })

  it("records a supervisor's action, update and note on someone else's ticket as an intervention", async () => {
    ctx = await setup()
    const id = await toManagerReview(ctx)
    const claimed = await send(ctx, id, 'claim', ctx.tokens.senior_agent, {})
    expect(claimed.body.ticket.assigneeId).toBe(ctx.users.senior_agent)
    const note = await send(ctx, id, 'notes', ctx.tokens.supervisor, {
      text: 'Call the customer back before noon',
    })
    expect(note.status).toBe(201)
    const update = await send(ctx, id, 'update', ctx.tokens.supervisor, {
      ticks: { manager_review: ['called_back'] },
    })
    expect(update.status).toBe(200)
    const action = await send(ctx, id, 'actions', ctx.tokens.supervisor, { action: 'manager_resolved' })
    expect(action.status).toBe(200)
    const records = await history(ctx, id)
    const mine = records.filter((r) => r.actorId === ctx.users.supervisor)
    expect(mine.map((r) => r.type)).toEqual(['note', 'update', 'transition'])
    for (const r of mine) expect(r.payload.intervention).toBe(true)
    expect(records.find((r) => r.type === 'assignment')?.payload.intervention).toBeUndefined()
    const verify = await ctx.call('GET', `/api/tickets/${id}/verify`, ctx.tokens.auditor)
    expect(verify.body.ok).toBe(true)
  })

  it('lets any agent work an unassigned ticket', async () => {
    ctx = await setup()
    const other = await addUser(ctx, 'Lê Thị Hoa', 'agent')
    const t = await openTicket(ctx)
    const r = await send(ctx, t.id, 'update', other.token, {
      fields: { problem_summary: 'Charged twice' },
    })
    expect(r.status).toBe(200)
  })
})

describe('assignment only to someone who can work the ticket', () => {
  it('refuses an auditor or owner as assignee with assignee_not_qualified and leaves the ticket as it was', async () => {
    ctx = await setup()
    const t = await openTicket(ctx)
    for (const role of ['auditor', 'owner']) {
      const r = await send(ctx, t.id, 'assign', ctx.tokens.supervisor, {
        userId: ctx.users[role],
      })
      expect(r.status, role).toBe(422)
      expect(r.body.code).toBe('assignee_not_qualified')
      expect(r.body.params.role).toBe(role)
    }
    const after = await ctx.call('GET', `/api/tickets/${t.id}`, ctx.tokens.agent)
    expect(after.body.ticket.assigneeId).toBeNull()
    expect(after.body.ticket.version).toBe(t.version)
  })

  it('refuses to assign to or let an agent claim a step only senior agents and supervisors work; accepts a senior agent', async () => {
    ctx = await setup()
    const id = await toManagerReview(ctx)
    const refused = await send(ctx, id, 'assign', ctx.tokens.supervisor, {
      userId: ctx.users.agent,
    })
    expect(refused.status).toBe(422)
    expect(refused.body.code).toBe('assignee_not_qualified')
    expect(refused.body.params.roles).toBe('senior_agent, supervisor')
    const claim = await send(ctx, id, 'claim', ctx.tokens.agent, {})
    expect(claim.status).toBe(422)
    expect(claim.body.code).toBe('assignee_not_qualified')
    const ok = await send(ctx, id, 'assign', ctx.tokens.supervisor, {
      userId: ctx.users.senior_agent,
    })
    expect(ok.status).toBe(200)
    expect(ok.body.ticket.assigneeId).toBe(ctx.users.senior_agent)
  })
})

describe('step roles bind /update', () => {
  it("refuses an agent setting the refund_amount the supervisor's approve_refund guard reads", async () => {
    ctx = await setup()
    const id = await toManagerReview(ctx)
    const before = await ctx.call('GET', `/api/tickets/${id}`, ctx.tokens.agent)
    const set = await send(ctx, id, 'update', ctx.tokens.agent, {
      fields: { refund_amount: 5000 },
    })
    expect(set.status).toBe(422)
    expect(set.body.code).toBe('role_not_permitted')
    expect(set.body.rejection.stepId).toBe('manager_review')
    const tick = await send(ctx, id, 'update', ctx.tokens.agent, {
      ticks: { manager_review: ['called_back'] },
    })
    expect(tick.status).toBe(422)
    expect(tick.body.code).toBe('role_not_permitted')
    const after = await ctx.call('GET', `/api/tickets/${id}`, ctx.tokens.agent)
    expect(after.body.ticket.state.context.fields.refund_amount).toBeUndefined()
    expect(after.body.ticket.version).toBe(before.body.ticket.version)
    // The supervisor's approval reads no amount the agent planted: it is refused for want of one.
    const approve = await send(ctx, id, 'actions', ctx.tokens.supervisor, {
      action: 'approve_refund',
      ticks: { manager_review: ['called_back'] },
    })
    expect(approve.body.code).toBe('guard_failed')
    // A senior agent, allowed in the step, may set it.
    const senior = await send(ctx, id, 'update', ctx.tokens.senior_agent, {
      fields: { refund_amount: 50 },
      ticks: { manager_review: ['called_back'] },
    })
    expect(senior.status).toBe(200)
    expect(senior.body.ticket.state.context.fields.refund_amount).toBe(50)
  })

  it("refuses an agent ticking the manager's checklist or writing the manager's decision in the complaint SOP", async () => {
    ctx = await setup()
    const doc = complaint()
    expect((await ctx.call('POST', '/api/sops', ctx.tokens.owner, { document: doc })).status).toBe(201)
    expect((await ctx.call('POST', `/api/sops/${doc.id}/publish`, ctx.tokens.owner)).status).toBe(201)
    const t = await openTicket(ctx, { sopId: doc.id })
    const act = (action: string, body: Record<string, unknown> = {}) =>
      send(ctx, t.id, 'actions', ctx.tokens.agent, { action, ...body })
    const taken = await act('tiep_nhan_xong', {
      fields: { ten_khach_hang: 'Lan', so_dien_thoai: '+84 90 555 0101', mo_ta_loi: 'Máy không lên nguồn' },
      ticks: { tiep_nhan: ['chao', 'lang_nghe'] },
    })
    expect(taken.status).toBe(200)
    const moved = await act('chuyen_quan_ly')
    expect(moved.body.ticket.steps).toEqual(['quan_ly'])
    const tick = await send(ctx, t.id, 'update', ctx.tokens.agent, {
      ticks: { quan_ly: ['goi_lai'] },
    })
    expect(tick.status).toBe(422)
    expect(tick.body.code).toBe('role_not_permitted')
    expect(tick.body.rejection.roles).toEqual(['senior_agent', 'supervisor'])
    const write = await send(ctx, t.id, 'update', ctx.tokens.agent, {
      fields: { quyet_dinh_quan_ly: 'doi_san_pham' },
    })
    expect(write.status).toBe(422)
    expect(write.body.code).toBe('role_not_permitted')
    const senior = await send(ctx, t.id, 'update', ctx.tokens.senior_agent, {
      ticks: { quan_ly: ['goi_lai'] },
    })
    expect(senior.status).toBe(200)
  })
})

describe('surveys and late notes', () => {
  it("refuses a survey on another customer's ticket and accepts one on the customer's own", async () => {
    ctx = await setup()
    const lan = (await ctx.call('POST', '/api/customers', ctx.tokens.agent, { name: 'Lan' })).body
    const binh = (await ctx.call('POST', '/api/customers', ctx.tokens.agent, { name: 'Bình' })).body
    const t = await openTicket(ctx, { customerId: lan.id })
    const wrong = await ctx.call('POST', `/api/customers/${binh.id}/surveys`, ctx.tokens.agent, {
      ticketId: t.id,
      csat: 5,
    })
    expect(wrong.status).toBe(422)
    expect(wrong.body.code).toBe('survey_other_customer')
    const none = await ctx.call('GET', `/api/customers/${binh.id}`, ctx.tokens.agent)
    expect(none.body.surveys).toEqual([])
    const right = await ctx.call('POST', `/api/customers/${lan.id}/surveys`, ctx.tokens.agent, {
      ticketId: t.id,
      csat: 5,
    })
    expect(right.status).toBe(201)
  })

  it('keeps a note on a closed ticket, marked late', async () => {
    ctx = await setup()
    const t = await openTicket(ctx)
    const early = await send(ctx, t.id, 'notes', ctx.tokens.agent, { text: 'open' })
    expect(early.body.notes[0].late).toBeUndefined()
    const closed = await send(ctx, t.id, 'actions', ctx.tokens.agent, {
      action: 'cancel',
    })
    expect(closed.body.ticket.status).toBe('closed')
    const late = await send(ctx, t.id, 'notes', ctx.tokens.agent, {
      text: 'Customer called again after closing',
    })
    expect(late.status).toBe(201)
    expect(late.body.notes.map((n: { text: string; late?: boolean }) => [n.text, n.late ?? false])).toEqual([
      ['open', false],
      ['Customer called again after closing', true],
    ])
  })
})

/** A small SOP whose one working step is given to an organisation role and, optionally, a team. */
function billingSop(team?: string) {
  return {
    schema: 'sopflow/v1',
    id: team ? 'billing-team' : 'billing',
    title: 'Billing correction',
    department: 'Billing',
    purpose: 'Corrections of an invoice, done by billing specialists.',
    fields: [{ name: 'amount', label: 'Amount', type: 'number' }],
    initial: 'correct',
    steps: [
      {
        id: 'correct',
        kind: 'task',
        title: 'Correct the invoice',
        roles: ['billing_specialist'],
        ...(team ? { team } : {}),
      },
      { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
    ],
    transitions: [{ id: 'finish', from: 'correct', to: 'done', action: 'finish', label: 'Corrected' }],
  }
}

async function publish(c: Ctx, doc: { id: string }) {
  expect((await c.call('POST', '/api/sops', c.tokens.owner, { document: doc })).status).toBe(201)
  expect((await c.call('POST', `/api/sops/${doc.id}/publish`, c.tokens.owner)).status).toBe(201)
}

describe('organisation roles and teams', () => {
  it('qualifies a user with an organisation role for a step naming it, offered with the built-in roles', async () => {
    ctx = await setup()
    const made = await ctx.call('POST', '/api/roles', ctx.tokens.admin, {
      name: 'billing_specialist',
      label: 'Billing specialist',
    })
    expect(made.status).toBe(201)
    expect(
      (await ctx.call('POST', '/api/roles', ctx.tokens.agent, { name: 'x_role', label: 'X' })).status,
    ).toBe(403)
    const again = await ctx.call('POST', '/api/roles', ctx.tokens.admin, { name: 'agent', label: 'Agent' })
    expect(again.body.code).toBe('role_exists')
    const offered = await ctx.call('GET', '/api/roles', ctx.tokens.owner)
    expect(offered.body.roles).toEqual(['agent', 'senior_agent', 'supervisor', 'billing_specialist'])
    await publish(ctx, billingSop())
    const t = await openTicket(ctx, { sopId: 'billing' })

    const refused = await send(ctx, t.id, 'actions', ctx.tokens.agent, { action: 'finish' })
    expect(refused.body.code).toBe('role_not_permitted')
    const unassignable = await send(ctx, t.id, 'assign', ctx.tokens.supervisor, { userId: ctx.users.agent })
    expect(unassignable.body.code).toBe('assignee_not_qualified')

    const unknown = await ctx.call('PUT', `/api/roles/members/${ctx.users.agent}`, ctx.tokens.admin, {
      roles: ['billing_specialist', 'astronaut'],
    })
    expect(unknown.status).toBe(422)
    expect(unknown.body.code).toBe('unknown_role')
    const given = await ctx.call('PUT', `/api/roles/members/${ctx.users.agent}`, ctx.tokens.admin, {
      roles: ['billing_specialist'],
    })
    expect(given.body.orgRoles).toEqual(['billing_specialist'])
    const assigned = await send(ctx, t.id, 'assign', ctx.tokens.supervisor, { userId: ctx.users.agent })
    expect(assigned.status).toBe(200)
    const done = await send(ctx, t.id, 'actions', ctx.tokens.agent, { action: 'finish' })
    expect(done.status).toBe(200)
    expect(done.body.ticket.status).toBe('closed')
    const verify = await ctx.call('GET', `/api/tickets/${t.id}/verify`, ctx.tokens.auditor)
    expect(verify.body.ok).toBe(true)
  })

  it('assigns work in a step that names a team only to members of that team', async () => {
    ctx = await setup()
    expect(
      (await ctx.call('POST', '/api/teams', ctx.tokens.admin, { id: 'billing', name: 'Billing' })).status,
    ).toBe(201)
    const teams = await ctx.call('GET', '/api/teams', ctx.tokens.agent)
    expect(teams.body.map((t: { id: string }) => t.id)).toEqual(['billing', 'hanoi'])
    await ctx.call('POST', '/api/roles', ctx.tokens.admin, { name: 'billing_specialist', label: 'Billing' })
    const billing = await ctx.call('POST', '/api/users', ctx.tokens.admin, {
      name: 'Hana Nováková',
      role: 'agent',
      team: 'billing',
    })
    for (const id of [ctx.users.agent, billing.body.user.id])
      await ctx.call('PUT', `/api/roles/members/${id}`, ctx.tokens.admin, { roles: ['billing_specialist'] })
    await publish(ctx, billingSop('billing'))
    const t = await openTicket(ctx, { sopId: 'billing-team' })
    const wrong = await send(ctx, t.id, 'assign', ctx.tokens.supervisor, { userId: ctx.users.agent })
    expect(wrong.status).toBe(422)
    expect(wrong.body.code).toBe('assignee_wrong_team')
    expect(wrong.body.params.team).toBe('billing')
    const right = await send(ctx, t.id, 'assign', ctx.tokens.supervisor, { userId: billing.body.user.id })
    expect(right.status).toBe(200)
  })
})

describe('data access follows the work', () => {
  it('keeps owners to SOPs and aggregate metrics: no tickets, no customers, no tickets behind a figure', async () => {
    ctx = await setup()
    const customer = (await ctx.call('POST', '/api/customers', ctx.tokens.agent, { name: 'Lan' })).body
    const t = await openTicket(ctx, { customerId: customer.id })
    for (const path of [
      '/api/tickets',
      `/api/tickets/${t.id}`,
      `/api/tickets/${t.id}/history`,
      '/api/customers?q=Lan',
      `/api/customers/${customer.id}`,
      '/api/metrics/tickets?figure=tickets',
    ]) {
      const r = await ctx.call('GET', path, ctx.tokens.owner)
      expect(r.status, path).toBe(403)
    }
    expect((await ctx.call('GET', '/api/metrics', ctx.tokens.owner)).status).toBe(200)
    expect((await ctx.call('GET', '/api/sops', ctx.tokens.owner)).status).toBe(200)
    // Auditors read everything, and write nothing.
    expect((await ctx.call('GET', `/api/tickets/${t.id}/history`, ctx.tokens.auditor)).status).toBe(200)
    expect((await ctx.call('GET', `/api/customers/${customer.id}`, ctx.tokens.auditor)).status).toBe(200)
    expect((await send(ctx, t.id, 'notes', ctx.tokens.auditor, { text: 'x' })).status).toBe(403)
  })

  it("shows an agent unassigned tickets and their team's, not another team's; a supervisor intervenes only in their team", async () => {
    ctx = await setup()
    const saigon = await ctx.call('POST', '/api/users', ctx.tokens.admin, {
      name: 'Phạm Minh',
      role: 'agent',
      team: 'saigon',
    })
    const theirs = await openTicket(ctx, { assignToMe: true, subject: 'Saigon work' }, saigon.body.token)
    const ours = await openTicket(ctx, { assignToMe: true, subject: 'Hanoi work' })
    const open = await openTicket(ctx, { subject: 'Nobody yet' }, saigon.body.token)
    const colleague = await addUser(ctx, 'Đỗ Hà', 'agent') // team hanoi

    const list = await ctx.call('GET', '/api/tickets', colleague.token)
    expect(list.body.map((x: { id: string }) => x.id).sort()).toEqual([ours.id, open.id].sort())
    const other = await ctx.call('GET', `/api/tickets/${theirs.id}`, colleague.token)
    expect(other.status).toBe(403)
    expect(other.body.code).toBe('outside_team')
    expect((await ctx.call('GET', `/api/tickets/${ours.id}`, colleague.token)).status).toBe(200)
    expect((await ctx.call('GET', `/api/tickets/${theirs.id}`, ctx.tokens.auditor)).status).toBe(200)

    const intervene = await send(ctx, theirs.id, 'notes', ctx.tokens.supervisor, { text: 'from Hanoi' })
    expect(intervene.status).toBe(403)
    expect(intervene.body.code).toBe('not_assignee')
    const own = await send(ctx, ours.id, 'notes', ctx.tokens.supervisor, { text: 'from Hanoi' })
    expect(own.status).toBe(201)
  })
})
