import { afterEach, describe, expect, it } from 'vitest'
import { example, setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
afterEach(async () => ctx?.storage.close())

const intake = { customer_name: 'Nguyễn Thị Lan', problem_summary: 'Card payment charged twice' }

async function openTicket(c: Ctx, extra: Record<string, unknown> = {}) {
  const r = await c.call('POST', '/api/tickets', c.tokens.agent, {
    sopId: 'support-ticket',
    channel: 'phone',
    subject: 'Charged twice',
    ...extra,
  })
  expect(r.status).toBe(201)
  return r.body
}

async function act(
  c: Ctx,
  id: string,
  version: number,
  action: string,
  more: Record<string, unknown> = {},
  token = c.tokens.agent,
) {
  return c.call('POST', `/api/tickets/${id}/actions`, token, { action, version, ...more })
}

describe('SOPs', () => {
  it('creates a draft, validates, publishes versions and refuses invalid ones', async () => {
    ctx = await setup()
    const doc = { ...example('complaint-handling'), id: 'complaints' }
    const created = await ctx.call('POST', '/api/sops', ctx.tokens.owner, { document: doc })
    expect(created.status).toBe(201)
    const broken = { ...doc, initial: 'missing' }
    const saved = await ctx.call('PUT', '/api/sops/complaints', ctx.tokens.owner, { document: broken })
    expect(saved.status).toBe(200)
    expect(saved.body.valid).toBe(false)
    const refused = await ctx.call('POST', '/api/sops/complaints/publish', ctx.tokens.owner)
    expect(refused.status).toBe(422)
    expect(refused.type).toContain('application/problem+json')
    expect(refused.body.code).toBe('invalid_document')
    expect(refused.body.diagnostics.some((d: { code: string }) => d.code === 'missing_initial')).toBe(true)
    await ctx.call('PUT', '/api/sops/complaints', ctx.tokens.owner, { document: doc })
    const v1 = await ctx.call('POST', '/api/sops/complaints/publish', ctx.tokens.owner)
    expect(v1.status).toBe(201)
    expect(v1.body.version).toBe(1)
    const again = await ctx.call('POST', '/api/sops/complaints/publish', ctx.tokens.owner)
    expect(again.body.code).toBe('unchanged')
    await ctx.call('PUT', '/api/sops/complaints', ctx.tokens.owner, {
      document: { ...doc, title: 'Khiếu nại v2' },
    })
    const v2 = await ctx.call('POST', '/api/sops/complaints/publish', ctx.tokens.owner)
    expect(v2.body.version).toBe(2)
    const got = await ctx.call('GET', '/api/sops/complaints/versions/1', ctx.tokens.agent)
    expect(got.body.document.title).toBe(doc.title)
    const list = await ctx.call('GET', '/api/sops', ctx.tokens.agent)
    expect(list.body.find((s: { id: string }) => s.id === 'complaints').latestVersion).toBe(2)
  })

  it('lets only owners and admins edit SOPs', async () => {
    ctx = await setup()
    const r = await ctx.call('POST', '/api/sops', ctx.tokens.agent, {
      document: example('complaint-handling'),
    })
    expect(r.status).toBe(403)
    expect(r.body.code).toBe('forbidden')
  })
})

describe('tickets', () => {
  it('runs a ticket through its SOP, with the prompt, rejections, notes, history and verification', async () => {
    ctx = await setup()
    const t = await openTicket(ctx)
    expect(t.prompt.steps[0].stepId).toBe('intake')
    expect(t.ticket.dueAt).toBe('2026-03-02T08:15:00.000Z')
    const id = t.ticket.id
    const claimed = await ctx.call('POST', `/api/tickets/${id}/claim`, ctx.tokens.agent, { version: 1 })
    expect(claimed.body.ticket.assigneeId).toBe(ctx.users.agent)

    const blocked = await act(ctx, id, 2, 'start')
    expect(blocked.status).toBe(422)
    expect(blocked.body.code).toBe('missing_fields')
    expect(blocked.body.rejection.missing).toEqual(['customer_name', 'problem_summary'])

    const wrong = await act(ctx, id, 2, 'close')
    expect(wrong.body.code).toBe('action_not_allowed')
    expect(wrong.body.rejection.allowed).toEqual(['start', 'cancel'])

    let r = await act(ctx, id, 2, 'start', { fields: intake, ticks: { intake: ['greet', 'listen'] } })
    expect(r.status).toBe(200)
    expect(r.body.ticket.steps).toEqual(['identify'])
    r = await act(ctx, id, 3, 'identity_confirmed', {
      fields: { contact_phone: '+84 90 555 0101' },
      ticks: { identify: ['two_factors'] },
    })
    r = await act(ctx, id, 4, 'classified', { fields: { category: 'billing', severity: 'low' } })
    expect(r.body.ticket.steps).toEqual(['diagnose'])
    await ctx.call('POST', `/api/tickets/${id}/notes`, ctx.tokens.agent, {
      text: 'Customer calm, bank statement sent',
      visibility: 'internal',
    })
    r = await act(ctx, id, 5, 'escalate')
    expect(r.body.ticket.steps).toEqual(['manager_review'])
    expect(r.body.ticket.priority).toBe('high')
    expect(r.body.ticket.assigneeId).toBeNull()
    expect(r.body.ticket.queue).toBe('senior_agent')

    const notSenior = await act(ctx, id, 6, 'manager_resolved', {
      ticks: { manager_review: ['called_back'] },
    })
    expect(notSenior.body.code).toBe('role_not_permitted')
    r = await act(
      ctx,
      id,
      6,
      'manager_resolved',
      { ticks: { manager_review: ['called_back'] } },
      ctx.tokens.senior_agent,
    )
    r = await act(ctx, id, 7, 'close', {
      fields: { resolution_summary: 'Duplicate charge refunded by the bank' },
      ticks: { close_out: ['confirmed'] },
    })
    expect(r.body.ticket.status).toBe('closed')
    expect(r.body.ticket.outcome).toBe('resolved')

    const history = await ctx.call('GET', `/api/tickets/${id}/history`, ctx.tokens.auditor)
    expect(history.body.map((h: { type: string }) => h.type)).toEqual([
      'created',
      'assignment',
      'rejected',
      'rejected',
      'transition',
      'transition',
      'transition',
      'note',
      'transition',
      'rejected',
      'transition',
      'transition',
    ])
    expect(history.body[1].prevHash).toBe(history.body[0].hash)
    const verify = await ctx.call('GET', `/api/tickets/${id}/verify`, ctx.tokens.auditor)
    expect(verify.body).toMatchObject({
      ok: true,
      chain: { ok: true, length: 12 },
      replay: { ok: true, records: 7 },
    })
    const evidence = await ctx.call('GET', `/api/tickets/${id}/evidence`, ctx.tokens.auditor)
    expect(evidence.body.format).toBe('sopflow-evidence/v2')
    expect(evidence.body.records).toHaveLength(12)
  })

  it('refuses a stale version with 409 and applies an idempotent retry once', async () => {
    ctx = await setup()
    const { ticket } = await openTicket(ctx)
    const body = { action: 'start', version: 1, fields: intake, ticks: { intake: ['greet', 'listen'] } }
    const headers = { 'idempotency-key': 'req-1' }
    const first = await ctx.call('POST', `/api/tickets/${ticket.id}/actions`, ctx.tokens.agent, body, headers)
    const retry = await ctx.call('POST', `/api/tickets/${ticket.id}/actions`, ctx.tokens.agent, body, headers)
    expect(first.status).toBe(200)
    expect(retry.status).toBe(200)
    expect(retry.body.ticket.version).toBe(2)
    const history = await ctx.call('GET', `/api/tickets/${ticket.id}/history`, ctx.tokens.agent)
    expect(history.body).toHaveLength(2)
    const reused = await ctx.call(
      'POST',
      `/api/tickets/${ticket.id}/actions`,
      ctx.tokens.agent,
      { ...body, version: 2 },
      headers,
    )
    expect(reused.body.code).toBe('idempotency_key_reused')
    const stale = await act(ctx, ticket.id, 1, 'identity_confirmed')
    expect(stale.status).toBe(409)
    expect(stale.body.code).toBe('stale_version')
  })

  it('fires SLA timers once, as the system (after a process restart: test/server/process.test.ts)', async () => {
    ctx = await setup()
    const { ticket } = await openTicket(ctx)
    let r = await act(ctx, ticket.id, 1, 'start', { fields: intake, ticks: { intake: ['greet', 'listen'] } })
    r = await act(ctx, ticket.id, 2, 'identity_confirmed', {
      fields: { contact_phone: '+84 90 555 0101' },
      ticks: { identify: ['two_factors'] },
    })
    r = await act(ctx, ticket.id, 3, 'classified', { fields: { category: 'technical', severity: 'medium' } })
    expect(r.body.timers.map((t: { id: string }) => t.id)).toEqual(['sla:diagnose:3'])
    const { TimerScheduler } = await import('../../server/timers/scheduler.ts')
    const scheduler = new TimerScheduler(ctx.storage, ctx.sopflow.tickets, ctx.clock)
    expect(await scheduler.tick()).toBe(0)
    ctx.clock.advance(5 * 3600_000)
    expect(await scheduler.tick()).toBe(1)
    expect(await scheduler.tick()).toBe(0)
    const after = await ctx.call('GET', `/api/tickets/${ticket.id}`, ctx.tokens.agent)
    expect(after.body.ticket.steps).toEqual(['manager_review'])
    // The fired timer is gone: from the stored timers and from the ticket's view.
    expect((await ctx.storage.listTimers(ticket.id)).map((t) => t.id)).not.toContain('sla:diagnose:3')
    expect(after.body.timers.map((t: { id: string }) => t.id)).not.toContain('sla:diagnose:3')
    const history = await ctx.call('GET', `/api/tickets/${ticket.id}/history`, ctx.tokens.agent)
    const timer = history.body.at(-1)
    expect(timer).toMatchObject({ type: 'timer', actorId: 'system' })
    expect(timer.payload.record.breach).toMatchObject({ stepId: 'diagnose', escalateTo: 'manager_review' })
    expect((await ctx.call('GET', `/api/tickets/${ticket.id}/verify`, ctx.tokens.auditor)).body.ok).toBe(true)
  })

  it('lets supervisors reassign and override with a reason, and nobody else', async () => {
    ctx = await setup()
    const { ticket } = await openTicket(ctx)
    // Every other role is refused both, and the ticket stays as it was.
    for (const role of ['agent', 'senior_agent', 'owner', 'auditor']) {
      const tried = await ctx.call('POST', `/api/tickets/${ticket.id}/override`, ctx.tokens[role], {
        target: 'close_out',
        reason: 'x',
        version: 1,
      })
      expect({ role, status: tried.status, code: tried.body.code }).toEqual({
        role,
        status: 403,
        code: 'forbidden',
      })
      const moved = await ctx.call('POST', `/api/tickets/${ticket.id}/assign`, ctx.tokens[role], {
        userId: ctx.users.agent,
        version: 1,
      })
      expect({ role, status: moved.status, code: moved.body.code }).toEqual({
        role,
        status: 403,
        code: 'forbidden',
      })
    }
    const untouched = await ctx.call('GET', `/api/tickets/${ticket.id}`, ctx.tokens.supervisor)
    expect(untouched.body.ticket).toMatchObject({ version: 1, steps: ['intake'], assigneeId: null })
    expect(
      (await ctx.call('GET', `/api/tickets/${ticket.id}/history`, ctx.tokens.supervisor)).body,
    ).toHaveLength(1)
    const noReason = await ctx.call('POST', `/api/tickets/${ticket.id}/override`, ctx.tokens.supervisor, {
      target: 'close_out',
      reason: '',
      version: 1,
    })
    expect(noReason.status).toBe(400)
    const o = await ctx.call('POST', `/api/tickets/${ticket.id}/override`, ctx.tokens.supervisor, {
      target: 'close_out',
      reason: 'Solved on a previous call',
      version: 1,
    })
    expect(o.status).toBe(200)
    expect(o.body.ticket.steps).toEqual(['close_out'])
    const a = await ctx.call('POST', `/api/tickets/${ticket.id}/assign`, ctx.tokens.supervisor, {
      userId: ctx.users.senior_agent,
      version: 2,
    })
    expect(a.body.ticket.assigneeId).toBe(ctx.users.senior_agent)
    const auditorWrite = await ctx.call('POST', `/api/tickets/${ticket.id}/notes`, ctx.tokens.auditor, {
      text: 'hi',
    })
    expect(auditorWrite.status).toBe(403)
  })

  it('lists tickets most urgent first, with filters', async () => {
    ctx = await setup()
    const a = await openTicket(ctx, { subject: 'normal one' })
    const b = await openTicket(ctx, { subject: 'urgent one', priority: 'urgent', channel: 'email' })
    const list = await ctx.call('GET', '/api/tickets?status=open', ctx.tokens.agent)
    expect(list.body.map((t: { id: string }) => t.id)).toEqual([b.ticket.id, a.ticket.id])
    expect(list.body[0].stepTitles).toEqual(['Receive the request'])
    const email = await ctx.call('GET', '/api/tickets?channel=email', ctx.tokens.agent)
    expect(email.body.map((t: { id: string }) => t.id)).toEqual([b.ticket.id])
    ctx.clock.advance(20 * 60_000)
    const overdue = await ctx.call('GET', '/api/tickets?overdue=true', ctx.tokens.agent)
    expect(overdue.body).toHaveLength(2)
    expect(overdue.body[0].overdue).toBe(true)
    const bad = await ctx.call('GET', '/api/tickets?channel=pigeon', ctx.tokens.agent)
    expect(bad.status).toBe(400)
  })
})

describe('customers and metrics', () => {
  it('keeps customers with their tickets and surveys, and computes the metrics', async () => {
    ctx = await setup()
    const c = await ctx.call('POST', '/api/customers', ctx.tokens.agent, {
      name: 'Trần Văn Minh',
      phone: '+84 91 222 3333',
      segment: 'loyal',
    })
    expect(c.status).toBe(201)
    const found = await ctx.call('GET', '/api/customers?q=minh', ctx.tokens.agent)
    expect(found.body.map((x: { id: string }) => x.id)).toEqual([c.body.id])
    const { ticket } = await openTicket(ctx, { customerId: c.body.id })
    ctx.clock.advance(60_000)
    await act(ctx, ticket.id, 1, 'cancel')
    await ctx.call('POST', `/api/customers/${c.body.id}/surveys`, ctx.tokens.agent, {
      ticketId: ticket.id,
      csat: 5,
      nps: 9,
      ces: 2,
    })
    const detail = await ctx.call('GET', `/api/customers/${c.body.id}`, ctx.tokens.agent)
    expect(detail.body.tickets).toHaveLength(1)
    expect(detail.body.surveys[0].csat).toBe(5)
    const m = await ctx.call('GET', '/api/metrics?sop=support-ticket', ctx.tokens.supervisor)
    expect(m.body).toMatchObject({
      tickets: 1,
      closed: 1,
      outcomes: { cancelled: 1 },
      volume: { byChannel: { phone: 1 } },
    })
    expect(m.body.frt).toMatchObject({ avgMs: 60_000, count: 1 })
    expect(m.body.atht).toMatchObject({ avgMs: 60_000, count: 1 })
    expect(m.body.surveys).toMatchObject({ count: 1, csat: 5, nps: 100, ces: 2 })
    expect(m.body.steps.find((s: { stepId: string }) => s.stepId === 'intake')).toMatchObject({
      count: 1,
      avgMs: 60_000,
    })
    const agentTry = await ctx.call('GET', '/api/metrics', ctx.tokens.agent)
    expect(agentTry.status).toBe(403)
  })
})

describe('bad input', () => {
  it('answers every bad request with a clear 4xx problem and writes nothing', async () => {
    ctx = await setup()
    const { ticket } = await openTicket(ctx)
    const before = await ctx.call('GET', `/api/tickets/${ticket.id}/history`, ctx.tokens.agent)
    const cases: [string, string, string | null, unknown, number, string][] = [
      [
        'POST',
        `/api/tickets/${ticket.id}/actions`,
        ctx.tokens.agent,
        '{"action": "start", ',
        400,
        'malformed_json',
      ],
      [
        'POST',
        `/api/tickets/${ticket.id}/actions`,
        ctx.tokens.agent,
        { action: 42, version: 'one' },
        400,
        'invalid_request',
      ],
      [
        'POST',
        `/api/tickets/${ticket.id}/actions`,
        ctx.tokens.agent,
        { action: 'start', version: 1, fields: { colour: 'red' } },
        422,
        'unknown_field',
      ],
      [
        'POST',
        `/api/tickets/${ticket.id}/actions`,
        ctx.tokens.agent,
        { action: 'start', version: 1, extra: true },
        400,
        'invalid_request',
      ],
      [
        'POST',
        '/api/tickets/t_nope/actions',
        ctx.tokens.agent,
        { action: 'start', version: 1 },
        404,
        'not_found',
      ],
      [
        'POST',
        '/api/tickets',
        ctx.tokens.agent,
        { sopId: 'nope', channel: 'phone', subject: 'x' },
        404,
        'not_found',
      ],
      [
        'POST',
        '/api/tickets',
        ctx.tokens.agent,
        { sopId: 'support-ticket', channel: 'phone', subject: 'x'.repeat(70_000) },
        413,
        'body_too_large',
      ],
      ['POST', `/api/tickets/${ticket.id}/notes`, null, { text: 'hello' }, 401, 'unauthenticated'],
      ['POST', `/api/tickets/${ticket.id}/notes`, 'sf_wrong', { text: 'hello' }, 401, 'unauthenticated'],
      ['GET', '/api/nowhere', ctx.tokens.agent, undefined, 404, 'not_found'],
    ]
    for (const [method, path, token, body, status, code] of cases) {
      const r = await ctx.call(method, path, token, body)
      expect({ path, status: r.status, code: r.body.code }).toEqual({ path, status, code })
      expect(r.type).toContain('application/problem+json')
      expect(r.body.detail.length).toBeGreaterThan(5)
    }
    const after = await ctx.call('GET', `/api/tickets/${ticket.id}/history`, ctx.tokens.agent)
    expect(after.body).toEqual(before.body)
    const list = await ctx.call('GET', '/api/tickets', ctx.tokens.agent)
    expect(list.body).toHaveLength(1)
  })

  it('serves the OpenAPI document and a docs page', async () => {
    ctx = await setup()
    const doc = await ctx.call('GET', '/api/openapi.json', null)
    expect(doc.body.openapi).toBe('3.1.0')
    expect(doc.body.paths['/api/tickets/{id}/actions'].post.requestBody).toBeTruthy()
    const page = await ctx.call('GET', '/api/docs', null)
    expect(page.type).toContain('text/html')
    expect(page.body).toContain('/api/tickets/{id}/actions')
  })
})

describe('evidence bundle', () => {
  it('verifies offline with sopflow verify --bundle, and a tampered bundle fails', async () => {
    const { execFile } = await import('node:child_process')
    const { mkdtempSync, writeFileSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { promisify } = await import('node:util')
    const { root } = await import('./helpers.ts')
    ctx = await setup()
    const { ticket } = await openTicket(ctx)
    await act(ctx, ticket.id, 1, 'start', { fields: intake, ticks: { intake: ['greet', 'listen'] } })
    const bundle = (await ctx.call('GET', `/api/tickets/${ticket.id}/evidence`, ctx.tokens.auditor)).body
    const dir = mkdtempSync(join(tmpdir(), 'sopflow-evidence-'))
    const good = join(dir, 'good.json')
    writeFileSync(good, JSON.stringify(bundle))
    const run = promisify(execFile)
    const ok = await run(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'verify', '--bundle', good], {
      cwd: root,
    })
    expect(ok.stdout).toContain('hash chain intact (2 records), replay matches (2 transitions)')
    bundle.records[1].payload.record.input.customer_name = 'Someone else'
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, JSON.stringify(bundle))
    const failed = await run(
      process.execPath,
      ['--import', 'tsx', 'server/cli.ts', 'verify', '--bundle', bad],
      { cwd: root },
    ).catch((e) => e)
    expect(failed.code).toBe(1)
    expect(failed.stdout).toContain('hash chain broken at record 1')
  })
})
