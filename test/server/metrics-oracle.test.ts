import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TimerScheduler } from '../../server/timers/scheduler.ts'
import { root, setup } from './helpers.ts'
import {
  type Actor,
  DAY,
  expectedBreakdown,
  expectedFigures,
  type Filter,
  makePlan,
  oracleSop,
  PLAN_END,
  type PlannedTicket,
  select,
  T0,
  TEAMS,
  V2_AT,
} from './metricsPlan.ts'

/**
 * The dashboard against an independent oracle: a seeded plan of tickets with known timelines is
 * played through the real API on a clock that moves only when told to, and every figure is
 * computed again from the plan (metricsPlan.ts), for every filter and their combinations.
 */
type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
const plan = makePlan(20260302, 90)
const ids = new Map<number, string>()
const tokens = {} as Record<Actor, string>
const userIds = {} as Record<Actor, string>

type Event =
  | { at: number; order: 0; kind: 'publish' }
  | { at: number; order: 1; kind: 'tick'; fires: number }
  | { at: number; order: 2; kind: 'create'; t: PlannedTicket }
  | { at: number; order: 2; kind: 'op'; t: PlannedTicket; op: PlannedTicket['ops'][number] }

function events(): Event[] {
  const out: Event[] = [{ at: V2_AT, order: 0, kind: 'publish' }]
  const ticks = new Map<number, number>()
  for (const t of plan) {
    out.push({ at: t.createdAt, order: 2, kind: 'create', t })
    for (const op of t.ops) out.push({ at: op.at, order: 2, kind: 'op', t, op })
    for (const b of t.breaches) ticks.set(b.at, (ticks.get(b.at) ?? 0) + 1)
  }
  for (const [at, fires] of ticks) out.push({ at, order: 1, kind: 'tick', fires })
  return out.sort((a, b) => a.at - b.at || a.order - b.order)
}

async function ok(method: string, path: string, token: string, body?: unknown) {
  const r = await ctx.call(method, path, token, body)
  expect(r.status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`).toBeLessThan(300)
  return r.body
}

beforeAll(async () => {
  ctx = await setup()
  // The plan's supervisor oversees every team (a supervisor in a team may act only on its tickets).
  const sup = await ok('POST', '/api/users', ctx.tokens.admin, {
    name: 'Plan supervisor',
    role: 'supervisor',
  })
  tokens.supervisor = sup.token
  userIds.supervisor = sup.user.id
  for (const a of ['a1', 'a2', 'a3', 'a4'] as const) {
    const r = await ok('POST', '/api/users', ctx.tokens.admin, {
      name: `Agent ${a}`,
      role: 'agent',
      ...(TEAMS[a] ? { team: TEAMS[a] } : {}),
    })
    tokens[a] = r.token
    userIds[a] = r.user.id
  }
  const publish = async (doc: ReturnType<typeof oracleSop>, first: boolean) => {
    if (first) await ok('POST', '/api/sops', ctx.tokens.owner, { document: doc })
    else await ok('PUT', `/api/sops/${doc.id}`, ctx.tokens.owner, { document: doc })
    return (await ok('POST', `/api/sops/${doc.id}/publish`, ctx.tokens.owner)).version
  }
  expect(await publish(oracleSop('oracle-a', 'Oracle A', 'PT30M'), true)).toBe(1)
  expect(await publish(oracleSop('oracle-b', 'Oracle B', 'PT45M'), true)).toBe(1)
  const scheduler = new TimerScheduler(ctx.storage, ctx.sopflow.tickets, ctx.clock)
  // The channel customers write again through (a reply names its ticket).
  const made = await ok('POST', '/api/channels', ctx.tokens.owner, {
    kind: 'webhook',
    name: 'Chat',
    address: 'chat',
    sopId: 'oracle-a',
  })
  const chat = (await ctx.storage.channels.getConnection(made.id))!
  const customers = new Map<number, string>()
  for (const e of events()) {
    const now = ctx.clock().getTime()
    expect(e.at).toBeGreaterThanOrEqual(now)
    ctx.clock.advance(e.at - now)
    if (e.kind === 'publish') expect(await publish(oracleSop('oracle-a', 'Oracle A', 'PT20M'), false)).toBe(2)
    else if (e.kind === 'tick') expect(await scheduler.tick(), new Date(e.at).toISOString()).toBe(e.fires)
    else if (e.kind === 'create') {
      const c = await ok('POST', '/api/customers', tokens.a1, { name: `Customer ${e.t.n}` })
      customers.set(e.t.n, c.id)
      const r = await ok('POST', '/api/tickets', tokens.a1, {
        sopId: e.t.sopId,
        channel: e.t.channel,
        subject: `Plan ticket ${e.t.n}`,
        customerId: c.id,
      })
      expect(r.ticket.sopVersion).toBe(e.t.version)
      ids.set(e.t.n, r.ticket.id)
    } else {
      const id = ids.get(e.t.n)!
      // A timer that fired moved the ticket's version on: read it as the agent's screen would.
      const v = (await ok('GET', `/api/tickets/${id}`, tokens.supervisor)).ticket.version
      const op = e.op
      const base = `/api/tickets/${id}`
      if (op.kind === 'reopen') {
        const r = await ctx.sopflow.channels.conversations.receive(chat, {
          channel: 'chat',
          sender: { handle: `@customer${e.t.n}` },
          subject: 'It is broken again',
          text: 'It is broken again',
          ticketId: id,
        })
        expect(r).toMatchObject({ ticketId: id, status: 'reopened' })
        continue
      }
      const r =
        op.kind === 'claim'
          ? await ok('POST', `${base}/claim`, tokens[op.by], { version: v })
          : op.kind === 'action'
            ? await ok('POST', `${base}/actions`, tokens[op.by], { action: op.action, version: v })
            : op.kind === 'override'
              ? await ok('POST', `${base}/override`, tokens.supervisor, {
                  target: op.target,
                  reason: 'Plan',
                  version: v,
                })
              : op.kind === 'assign'
                ? await ok('POST', `${base}/assign`, tokens.supervisor, {
                    userId: userIds[op.to],
                    version: v,
                  })
                : await ok('POST', `${base}/notes`, tokens[op.by], {
                    text: 'A note',
                    visibility: op.customer ? 'customer' : 'internal',
                  })
      expect(r.ticket.version).toBeGreaterThanOrEqual(v)
    }
  }
  ctx.clock.advance(PLAN_END - ctx.clock().getTime())
  // Every timer that fell due was planned: none is left to fire.
  expect(await scheduler.tick()).toBe(0)
  for (const t of plan) {
    const row = (await ok('GET', `/api/tickets/${ids.get(t.n)}`, tokens.supervisor)).ticket
    expect({ n: t.n, status: row.status, steps: row.steps, outcome: row.outcome }).toEqual({
      n: t.n,
      status: t.closedAt === null ? 'open' : 'closed',
      steps: [t.visits.at(-1)!.step],
      outcome: t.outcome,
    })
    if (t.survey)
      await ok('POST', `/api/customers/${customers.get(t.n)}/surveys`, tokens.a2, {
        ticketId: ids.get(t.n),
        ...t.survey,
      })
  }
  // Surveys linked to no ticket count for no ticket's figures.
  await ok('POST', `/api/customers/${customers.get(0)}/surveys`, tokens.a2, { csat: 1, nps: 0, ces: 7 })
}, 120_000)
afterAll(() => ctx?.storage.close())

const day = (d: number) => new Date(T0 + d * DAY).toISOString()
const query = (f: Filter) =>
  new URLSearchParams(Object.entries(f).filter(([, v]) => v !== undefined) as [string, string][]).toString()
/** Numbers compared to the microsecond; ticket numbers turned into ids. */
const round = (x: unknown): unknown =>
  typeof x === 'number'
    ? Math.round(x * 1e6) / 1e6
    : Array.isArray(x)
      ? x.map(round)
      : x && typeof x === 'object'
        ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, round(v)]))
        : x
const toIds = (ns: number[]) => ns.map((n) => ids.get(n)!).sort()

/** The dashboard's answer and the oracle's, in one shape. */
async function both(f: Filter) {
  const m = (await ctx.call('GET', `/api/metrics?${query(f)}`, tokens.supervisor)).body
  const shown = (x: any) => ({
    tickets: x.tickets,
    open: x.open,
    closed: x.closed,
    frt: x.frt,
    atht: x.atht,
    fcr: x.fcr,
    slaBreachRate: x.slaBreachRate,
    breaches: x.breaches,
    breachedTickets: x.breachedTickets,
    surveys: x.surveys,
  })
  const figuresOf = (ts: PlannedTicket[]) => {
    const { drill: _d, ...rest } = expectedFigures(ts)
    return rest
  }
  const ts = select(plan, f)
  const e = expectedFigures(ts)
  const b = expectedBreakdown(ts)
  const prev =
    f.from && f.to
      ? figuresOf(
          select(plan, {
            ...f,
            from: new Date(2 * Date.parse(f.from) - Date.parse(f.to)).toISOString(),
            to: f.from,
          }),
        )
      : null
  return {
    actual: round({
      ...shown(m),
      previous: m.previous ? shown(m.previous) : null,
      outcomes: m.outcomes,
      volume: m.volume,
      steps: Object.fromEntries(
        m.steps.map((s: any) => [
          `${s.sopId}/${s.stepId}`,
          { count: s.count, avgMs: s.avgMs, breaches: s.breaches, current: s.current },
        ]),
      ),
      drill: Object.fromEntries(Object.entries(m.drill).map(([k, v]) => [k, [...(v as string[])].sort()])),
    }),
    expected: round({
      ...figuresOf(ts),
      previous: prev,
      ...b,
      drill: Object.fromEntries(Object.entries(e.drill).map(([k, v]) => [k, toIds(v)])),
    }),
  }
}

describe('the dashboard against the oracle', () => {
  it('plays a plan with every kind of timeline', () => {
    const all = expectedFigures(plan)
    // The plan is rich enough to tell the rules apart.
    expect(plan.filter((t) => t.visits.some((v) => v.step === 'wait_vendor')).length).toBeGreaterThan(3)
    expect(plan.filter((t) => t.visits.some((v) => v.step === 'wait_customer')).length).toBeGreaterThan(3)
    expect(plan.filter((t) => t.breaches.some((b) => b.escalates)).length).toBeGreaterThan(3)
    expect(plan.filter((t) => t.breaches.some((b) => !b.escalates)).length).toBeGreaterThan(3)
    expect(plan.filter((t) => t.ops.some((o) => o.kind === 'override')).length).toBeGreaterThan(2)
    // Reopened tickets, some resolved again: FCR must not count them.
    const reopened = plan.filter((t) => t.ops.some((o) => o.kind === 'reopen'))
    expect(reopened.length).toBeGreaterThan(2)
    expect(reopened.filter((t) => t.outcome === 'resolved').length).toBeGreaterThan(0)
    expect(plan.filter((t) => t.ops.some((o) => o.kind === 'assign')).length).toBeGreaterThan(2)
    expect(plan.filter((t) => t.outcome === 'cancelled').length).toBeGreaterThan(2)
    expect(plan.filter((t) => t.visits.filter((v) => v.step === 'work').length > 1).length).toBeGreaterThan(3)
    expect(all.open).toBeGreaterThan(2)
    expect(all.fcr.count).toBeGreaterThan(5)
    expect(all.fcr.of - all.fcr.count).toBeGreaterThan(5)
    expect(all.surveys.npsCount).toBeGreaterThan(15)
    expect(new Set(plan.map((t) => `${t.sopId}@${t.version}`)).size).toBe(3)
  })

  const filters: Filter[] = []
  for (const sop of [undefined, 'oracle-a', 'oracle-b'])
    for (const version of [undefined, 1, 2])
      for (const channel of [undefined, 'phone', 'email', 'chat'])
        for (const team of [undefined, 'hanoi', 'praha'])
          for (const [from, to] of [[], [day(1), day(3)], [day(3), day(4)], [day(2)], [undefined, day(2)]])
            filters.push({ sop, version, channel, team, from, to })

  it(`computes every figure as the oracle does, for all ${filters.length} filter combinations`, async () => {
    let nonEmpty = 0
    for (const f of filters) {
      const { actual, expected } = await both(f)
      expect(actual, query(f) || '(no filter)').toEqual(expected)
      if ((expected as { tickets: number }).tickets > 0) nonEmpty++
    }
    expect(nonEmpty).toBeGreaterThan(filters.length / 2)
  }, 120_000)

  it('lists the tickets behind each figure as the oracle does', async () => {
    for (const f of [
      {},
      { channel: 'email', team: 'hanoi' },
      { sop: 'oracle-a', from: day(1), to: day(3) },
    ] as Filter[]) {
      const { expected } = await both(f)
      for (const figure of ['tickets', 'open', 'frt', 'atht', 'fcr', 'fcrOf', 'sla', 'surveys']) {
        const r = await ctx.call(
          'GET',
          `/api/metrics/tickets?${query(f)}&figure=${figure}`,
          tokens.supervisor,
        )
        expect(r.status).toBe(200)
        const want = (expected as { drill: Record<string, string[]> }).drill[figure]
        expect({ figure, ids: r.body.items.map((i: { id: string }) => i.id).sort() }).toEqual({
          figure,
          ids: want,
        })
        expect(r.body.total).toBe(want.length)
      }
    }
  })

  it('uses the definitions the README states for each figure', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const section = readme.slice(
      readme.indexOf('## Metrics'),
      readme.indexOf('\n## ', readme.indexOf('## Metrics') + 5),
    )
    for (const figure of [
      'Tickets',
      '**FRT**',
      '**ATHT**',
      '**FCR**',
      '**SLA breach rate**',
      '**CSAT**',
      '**NPS**',
      '**CES**',
      '**CTRV**',
    ])
      expect(section, figure).toMatch(new RegExp(`^\\| ${figure.replace(/\*/g, '\\*')}`, 'm'))
    for (const words of [
      'a note to the customer (internal notes, assignments and timers do not count)',
      'over the closed tickets (cancelled ones included)',
      'whose outcome is not `cancelled`',
      '"waitKind": "third_party"',
      'had actions by more than one person',
      'was reopened because the customer wrote again after it closed',
      'Percentage of answers 9–10 (promoters) minus percentage of answers 0–6 (detractors), rounded',
      'the share of 4–5 answers',
      'Tickets with at least one SLA breach, over all tickets',
      'the median of an even number of values is the mean of the two middle ones',
      'per visit that left it',
      "the team of the ticket's assignee",
    ])
      expect(section, words).toContain(words)
  })
})
