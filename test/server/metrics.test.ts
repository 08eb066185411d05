import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TimerScheduler } from '../../server/timers/scheduler.ts'
import { example, setup } from './helpers.ts'

/**
 * The supervisor's figures against hand-computed expectations. Tickets run through the real API
 * on a clock that moves only when told to, so every duration below is exact.
 */
type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
const MIN = 60_000
const ids: Record<string, string> = {}
let praha = ''

/** The support SOP with a wait the SOP marks as a third-party wait, and a customer wait left unmarked. */
function thirdPartyVariant() {
  const doc = structuredClone(example('support-ticket'))
  doc.id = 'support-3p'
  doc.title = 'Support with a third party'
  delete doc.targets
  const waitCustomer = doc.steps.find((s: { id: string }) => s.id === 'wait_customer')
  delete waitCustomer.waitKind
  doc.steps.push({
    id: 'wait_third_party',
    kind: 'wait',
    title: 'Wait for a third party',
    waitKind: 'third_party',
  })
  doc.transitions.push(
    {
      id: 't_third_party',
      from: 'diagnose',
      to: 'wait_third_party',
      action: 'wait_for_third_party',
      label: 'Waiting on a third party',
      skipRequirements: true,
    },
    {
      id: 't_third_party_answered',
      from: 'wait_third_party',
      to: 'diagnose',
      action: 'third_party_answered',
      label: 'Third party answered',
    },
    { id: 't_third_party_late', from: 'wait_third_party', to: 'manager_review', after: 'P1D' },
  )
  return doc
}

async function open(sopId: string, channel: string, token: string, customer?: string) {
  let customerId: string | undefined
  if (customer) {
    const c = await ctx.call('POST', '/api/customers', token, { name: customer })
    customerId = c.body.id
  }
  const r = await ctx.call('POST', '/api/tickets', token, {
    sopId,
    channel,
    subject: `${channel} request`,
    customerId,
  })
  expect(r.status).toBe(201)
  return { id: r.body.ticket.id as string, version: r.body.ticket.version as number, customerId }
}

/** Plays actions on a ticket, each `after` minutes after the previous one. */
async function play(
  t: { id: string; version: number },
  token: string,
  steps: [after: number, action: string, more?: Record<string, unknown>][],
) {
  for (const [after, action, more] of steps) {
    ctx.clock.advance(after * MIN)
    const r = await ctx.call('POST', `/api/tickets/${t.id}/actions`, token, {
      action,
      version: t.version,
      ...more,
    })
    expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200)
    t.version = r.body.ticket.version
  }
}

async function claim(t: { id: string; version: number }, token: string) {
  const r = await ctx.call('POST', `/api/tickets/${t.id}/claim`, token, { version: t.version })
  expect(r.status).toBe(200)
  t.version = r.body.ticket.version
}

const intake = (after: number): [number, string, Record<string, unknown>] => [
  after,
  'start',
  {
    fields: { customer_name: 'Nguyễn Thị Hoa', problem_summary: 'Charged twice' },
    ticks: { intake: ['greet', 'listen'] },
  },
]
const toDiagnose: [number, string, Record<string, unknown>][] = [
  [
    5,
    'identity_confirmed',
    { fields: { contact_phone: '+84 90 111 2222' }, ticks: { identify: ['two_factors'] } },
  ],
  [5, 'classified', { fields: { category: 'billing', severity: 'low' } }],
]
const toResolved: [number, string, Record<string, unknown>][] = [
  [5, 'solution_found', { ticks: { diagnose: ['kb'] } }],
  [5, 'proposed', {}],
  [5, 'customer_confirmed', {}],
  [5, 'close', { fields: { resolution_summary: 'Reversed' }, ticks: { close_out: ['confirmed'] } }],
]

async function survey(t: { id: string; customerId?: string }, csat: number, nps: number, ces: number) {
  const r = await ctx.call('POST', `/api/customers/${t.customerId}/surveys`, ctx.tokens.agent, {
    ticketId: t.id,
    csat,
    nps,
    ces,
  })
  expect(r.status).toBe(201)
}

const PERIOD = 'from=2026-03-03T00:00:00.000Z&to=2026-03-04T00:00:00.000Z'
const metrics = async (query: string) => {
  const r = await ctx.call('GET', `/api/metrics?${query}`, ctx.tokens.supervisor)
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body
}

beforeAll(async () => {
  ctx = await setup()
  const a = ctx.tokens.agent
  const created = await ctx.call('POST', '/api/users', ctx.tokens.admin, {
    name: 'Petr Novák',
    role: 'agent',
    team: 'praha',
  })
  praha = created.body.token
  ids.praha = created.body.user.id
  const sop = await ctx.call('POST', '/api/sops', ctx.tokens.owner, { document: thirdPartyVariant() })
  expect(sop.status).toBe(201)
  const published = await ctx.call('POST', '/api/sops/support-3p/publish', ctx.tokens.owner)
  expect(published.status, JSON.stringify(published.body)).toBe(201)

  // The previous day (2026-03-02): P answered after 20 min and left open; G nobody took.
  const p = await open('support-ticket', 'phone', a)
  await claim(p, a)
  await play(p, a, [intake(20)])
  const g = await open('support-ticket', 'web', praha)
  ids.p = p.id
  ids.g = g.id

  // The day measured (2026-03-03), from 08:00.
  ctx.clock.advance(24 * 60 * MIN - 20 * MIN)
  // A: resolved by one agent through the customer's confirmation (a customer wait): 5 min FRT, 35 min.
  const ta = await open('support-ticket', 'phone', a, 'Nguyễn Thị Hoa')
  await claim(ta, a)
  await play(ta, a, [intake(5), ...toDiagnose, ...toResolved])
  // B: resolved after waiting on a third party: 10 min FRT, 105 min, not first-contact.
  const tb = await open('support-3p', 'email', praha, 'Jana Dvořáková')
  await claim(tb, praha)
  await play(tb, praha, [
    intake(10),
    ...toDiagnose,
    [5, 'wait_for_third_party'],
    [60, 'third_party_answered'],
    ...toResolved,
  ])
  // C: spam, cancelled after 1 min: not in the FCR denominator.
  const tc = await open('support-ticket', 'chat', a, 'Spam Bot')
  await claim(tc, a)
  await play(tc, a, [[1, 'cancel']])
  // D: resolved through a wait the SOP does not mark: 3 min FRT, 33 min, first-contact.
  const td = await open('support-3p', 'phone', a, 'Lê Văn Nam')
  await claim(td, a)
  await play(td, a, [intake(3), ...toDiagnose, ...toResolved])
  // E: on a second version of the support SOP, taken but not answered: its 15 min SLA breaches.
  const doc = example('support-ticket')
  await ctx.call('PUT', '/api/sops/support-ticket', ctx.tokens.owner, {
    document: { ...doc, title: 'Support v2' },
  })
  expect((await ctx.call('POST', '/api/sops/support-ticket/publish', ctx.tokens.owner)).body.version).toBe(2)
  const te = await open('support-ticket', 'phone', a)
  await claim(te, a)
  ctx.clock.advance(16 * MIN)
  // E's SLA and the older G's both fire now.
  expect(await new TimerScheduler(ctx.storage, ctx.sopflow.tickets, ctx.clock).tick()).toBe(2)
  Object.assign(ids, { a: ta.id, b: tb.id, c: tc.id, d: td.id, e: te.id })
  await survey(ta, 5, 10, 2)
  await survey(tb, 3, 6, 5)
  await survey(tc, 1, 7, 7)
  await survey(td, 4, 9, 3)
})
afterAll(async () => ctx?.storage.close())

describe('the supervisor figures', () => {
  it('counts FRT, ATHT and their medians, FCR without cancelled tickets, SLA breaches and surveys', async () => {
    const m = await metrics(PERIOD)
    expect(m).toMatchObject({ tickets: 5, open: 1, closed: 4, breaches: 1, breachedTickets: 1 })
    // FRT: A 5, B 10, C 1, D 3 min (E never answered).
    expect(m.frt).toEqual({ avgMs: 4.75 * MIN, medianMs: 4 * MIN, count: 4 })
    // ATHT: A 35, B 105, C 1, D 33 min.
    expect(m.atht).toEqual({ avgMs: 43.5 * MIN, medianMs: 34 * MIN, count: 4 })
    // FCR: of A, B, D (C cancelled, E open), A and D; B waited on a third party.
    expect(m.fcr).toEqual({ rate: 2 / 3, count: 2, of: 3 })
    expect(m.slaBreachRate).toBe(1 / 5)
    // NPS: promoters 10 and 9, detractor 6, passive 7 → (2 − 1) / 4.
    expect(m.surveys).toEqual({
      count: 4,
      csat: 13 / 4,
      csatCount: 4,
      csatSatisfied: 0.5,
      nps: 25,
      npsCount: 4,
      ces: 17 / 4,
      cesCount: 4,
      customerCount: 0,
      agentCount: 4,
    })
    expect(m.outcomes).toEqual({ resolved: 3, cancelled: 1 })
    expect(m.volume.byChannel).toEqual({ phone: 3, email: 1, chat: 1 })
    // Counts on end and decision steps too.
    const step = (sopId: string, id: string) =>
      m.steps.find((s: { sopId: string; stepId: string }) => s.sopId === sopId && s.stepId === id)
    expect(step('support-ticket', 'resolved')).toMatchObject({ kind: 'end', count: 1 })
    expect(step('support-ticket', 'cancelled')).toMatchObject({ kind: 'end', count: 1 })
    expect(step('support-ticket', 'triage')).toMatchObject({ kind: 'decision', count: 1 })
    expect(step('support-ticket', 'intake')).toMatchObject({ count: 3, breaches: 1, current: 1 })
  })

  it('compares with the previous period of the same length', async () => {
    const m = await metrics(PERIOD)
    expect(m.period).toEqual({
      from: '2026-03-03T00:00:00.000Z',
      to: '2026-03-04T00:00:00.000Z',
      previousFrom: '2026-03-02T00:00:00.000Z',
      previousTo: '2026-03-03T00:00:00.000Z',
    })
    expect(m.previous).toMatchObject({ tickets: 2, open: 2, slaBreachRate: 0.5 })
    expect(m.previous.frt).toEqual({ avgMs: 20 * MIN, medianMs: 20 * MIN, count: 1 })
    expect(m.previous.fcr).toEqual({ rate: null, count: 0, of: 0 })
    const all = await metrics('')
    expect(all.previous).toBeNull()
    expect(all.tickets).toBe(7)
  })

  it('shows the targets the SOP states', async () => {
    expect((await metrics(`sop=support-ticket&${PERIOD}`)).targets).toEqual({ frt: 'PT15M' })
    expect((await metrics(`sop=support-3p&${PERIOD}`)).targets).toBeNull()
  })

  it('applies every filter: SOP, version, channel, team and period', async () => {
    const third = await metrics(`sop=support-3p&${PERIOD}`)
    expect(third).toMatchObject({ tickets: 2, fcr: { rate: 0.5, count: 1, of: 2 } })
    expect((await metrics(`sop=support-ticket&version=2&${PERIOD}`)).drill.tickets).toEqual([ids.e])
    expect((await metrics(`sop=support-ticket&version=1&${PERIOD}`)).drill.tickets).toEqual([ids.a, ids.c])
    expect((await metrics(`channel=email&${PERIOD}`)).drill.tickets).toEqual([ids.b])
    expect((await metrics(`team=praha&${PERIOD}`)).drill.tickets).toEqual([ids.b])
    expect((await metrics(`team=hanoi&${PERIOD}`)).drill.tickets).toEqual([ids.a, ids.c, ids.d, ids.e])
    const day1 = await metrics('from=2026-03-02&to=2026-03-03')
    expect(day1.drill.tickets).toEqual([ids.p, ids.g])
    const bad = await ctx.call('GET', '/api/metrics?from=yesterday', ctx.tokens.supervisor)
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain('from')
  })

  it('lists the tickets behind a figure', async () => {
    const drill = async (figure: string) => {
      const r = await ctx.call(
        'GET',
        `/api/metrics/tickets?figure=${figure}&${PERIOD}`,
        ctx.tokens.supervisor,
      )
      expect(r.status).toBe(200)
      return r.body.items.map((t: { id: string }) => t.id).sort()
    }
    expect(await drill('fcr')).toEqual([ids.a, ids.d].sort())
    expect(await drill('fcrOf')).toEqual([ids.a, ids.b, ids.d].sort())
    expect(await drill('sla')).toEqual([ids.e])
    expect(await drill('frt')).toEqual([ids.a, ids.b, ids.c, ids.d].sort())
    const bad = await ctx.call('GET', `/api/metrics/tickets?figure=nope`, ctx.tokens.supervisor)
    expect(bad.status).toBe(400)
  })

  it('counts open tickets per agent and team with their age and overdue count', async () => {
    // Now: 2026-03-03 11:10. Open: P (agent, since 03-02 08:00), G (nobody, since 08:20, SLA breached), E (agent, since 10:54, breached).
    const r = await ctx.call('GET', '/api/metrics/workload', ctx.tokens.supervisor)
    expect(r.status).toBe(200)
    expect(r.body.total).toBe(3)
    expect(r.body.agents).toEqual([
      {
        id: ctx.users.agent,
        name: 'agent user',
        open: 2,
        overdue: 1,
        oldestMs: (27 * 60 + 10) * MIN,
        avgAgeMs: ((27 * 60 + 10) * MIN + 16 * MIN) / 2,
      },
      {
        id: null,
        name: null,
        open: 1,
        overdue: 1,
        oldestMs: (26 * 60 + 50) * MIN,
        avgAgeMs: (26 * 60 + 50) * MIN,
      },
    ])
    expect(r.body.teams.map((t: { id: string | null; open: number }) => [t.id, t.open])).toEqual([
      ['hanoi', 2],
      [null, 1],
    ])
    const praha = await ctx.call('GET', '/api/metrics/workload?team=praha', ctx.tokens.supervisor)
    expect(praha.body.total).toBe(0)
  })

  it('offers the filter choices from the data', async () => {
    const r = await ctx.call('GET', '/api/metrics/options', ctx.tokens.supervisor)
    expect(r.body.teams).toEqual(['hanoi', 'praha'])
    expect(r.body.sops.find((s: { id: string }) => s.id === 'support-ticket').versions).toEqual([1, 2])
    expect((await ctx.call('GET', '/api/metrics/options', ctx.tokens.agent)).status).toBe(403)
  })
})
