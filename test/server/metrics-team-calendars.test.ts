import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PgStorage } from '../../server/storage/postgres.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import type { Storage } from '../../server/storage/types.ts'
import { setupOn } from './helpers.ts'
import { startPostgres, type TestPostgres } from './pgHarness.ts'

const H = 3_600_000
const weekdays = { from: '08:00', to: '17:00' }
const deskIn = (title: string, timeZone: string) => ({
  title,
  timeZone,
  week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [weekdays]])),
})

/** The same SOP run by a team: its business figures count in that team's calendar, not the SOP's (Prague). */
const sopFor = (id: string, team: string) => ({
  schema: 'sopflow/v1',
  id,
  title: `Help desk ${team}`,
  department: 'Care',
  purpose: 'Answer and resolve within the help desk policy.',
  calendar: 'prague_desk',
  policy: {
    targets: [
      { metric: 'first_reply', due: 'PT4H', time: 'business', notify: 'supervisor' },
      { metric: 'resolution', due: 'PT40H', time: 'business', notify: 'supervisor' },
    ],
  },
  initial: 'work',
  steps: [
    { id: 'work', kind: 'task', title: 'Work the ticket', roles: ['agent'], team },
    { id: 'finish', kind: 'task', title: 'Finish the ticket', roles: ['agent'], team },
    { id: 'done', kind: 'end', title: 'Resolved', outcome: 'resolved' },
  ],
  transitions: [
    { id: 'answer', from: 'work', to: 'finish', action: 'answer', reply: true },
    { id: 'resolve', from: 'finish', to: 'done', action: 'resolve', reply: true },
  ],
})

let pg: TestPostgres
beforeAll(async () => {
  pg = await startPostgres()
}, 120_000)
afterAll(async () => {
  await pg?.stop()
})

const backends: [string, () => Promise<Storage>][] = [
  ['SQLite', async () => new SqliteStorage(':memory:')],
  ['PostgreSQL', async () => PgStorage.open(await pg.createDatabase())],
]

describe.each(backends)('business-time figures in each duration’s own calendar (%s)', (_name, storageOf) => {
  it('counts FRT, ATHT and time per step of two teams’ tickets in their teams’ calendars', async () => {
    const ctx = await setupOn(await storageOf())
    const moveTo = (iso: string) => ctx.clock.advance(Date.parse(iso) - ctx.clock().getTime())
    for (const [id, title, zone] of [
      ['prague_desk', 'Prague desk', 'Europe/Prague'],
      ['hanoi_desk', 'Hanoi desk', 'Asia/Ho_Chi_Minh'],
    ])
      expect(
        (await ctx.call('PUT', `/api/calendars/${id}`, ctx.tokens.owner, deskIn(title, zone))).status,
      ).toBe(201)
    for (const [team, calendarId] of [
      ['hanoi', 'hanoi_desk'],
      ['prague', 'prague_desk'],
    ]) {
      // The users' team "hanoi" exists already; "prague" is new.
      const made = await ctx.call('POST', '/api/teams', ctx.tokens.admin, { id: team, name: team })
      expect(made.status).toBe(team === 'hanoi' ? 409 : 201)
      expect((await ctx.call('PUT', `/api/teams/${team}`, ctx.tokens.admin, { calendarId })).status).toBe(200)
    }
    for (const [id, team] of [
      ['desk_hanoi', 'hanoi'],
      ['desk_prague', 'prague'],
    ]) {
      expect(
        (await ctx.call('POST', '/api/sops', ctx.tokens.owner, { document: sopFor(id, team) })).status,
      ).toBe(201)
      expect((await ctx.call('POST', `/api/sops/${id}/publish`, ctx.tokens.owner)).status).toBe(201)
    }
    // An agent of each team works its team's tickets.
    const pragueAgent = await ctx.call('POST', '/api/users', ctx.tokens.admin, {
      name: 'Prague agent',
      role: 'agent',
      team: 'prague',
    })
    expect(pragueAgent.status).toBe(201)
    const tokenOf = (id: string) => (id === prague ? pragueAgent.body.token : ctx.tokens.agent)
    const act = async (id: string, action: string) => {
      const got = await ctx.call('GET', `/api/tickets/${id}`, tokenOf(id))
      expect(got.status, JSON.stringify(got.body)).toBe(200)
      const version = got.body.ticket.version
      const r = await ctx.call('POST', `/api/tickets/${id}/actions`, tokenOf(id), { action, version })
      expect(r.status).toBe(200)
    }
    const open = async (sopId: string) => {
      const r = await ctx.call(
        'POST',
        '/api/tickets',
        sopId === 'desk_prague' ? pragueAgent.body.token : ctx.tokens.agent,
        {
          sopId,
          channel: 'email',
          subject: 'Help',
        },
      )
      expect(r.status).toBe(201)
      return r.body.ticket.id as string
    }
    moveTo('2026-03-06T09:00:00.000Z') // Friday: 16:00 in Hanoi, 10:00 in Prague
    const hanoi = await open('desk_hanoi')
    const prague = await open('desk_prague')
    moveTo('2026-03-06T11:00:00.000Z') // Friday: 18:00 in Hanoi (closed), 12:00 in Prague
    await act(hanoi, 'answer')
    await act(prague, 'answer')
    moveTo('2026-03-09T03:00:00.000Z') // Monday: 10:00 in Hanoi, 04:00 in Prague (closed)
    await act(hanoi, 'resolve')
    await act(prague, 'resolve')

    const metricsOf = async (sop: string) => {
      const m = await ctx.call(
        'GET',
        `/api/metrics?sop=${sop}&from=2026-03-06T00:00:00.000Z&to=2026-03-07T00:00:00.000Z`,
        ctx.tokens.supervisor,
      )
      expect(m.status).toBe(200)
      const step = (id: string) => m.body.steps.find((s: { stepId: string }) => s.stepId === id).avgBusinessMs
      return { business: m.body.business, work: step('work'), finish: step('finish') }
    }
    // Hanoi: first reply Friday 16:00–17:00 (1 h); handled 1 h Friday + 2 h Monday; "finish" Monday 08:00–10:00.
    expect(await metricsOf('desk_hanoi')).toEqual({
      business: { frt: { avgMs: 1 * H, medianMs: 1 * H }, atht: { avgMs: 3 * H, medianMs: 3 * H } },
      work: 1 * H,
      finish: 2 * H,
    })
    // Prague: first reply Friday 10:00–12:00 (2 h); handled Friday 10:00–17:00; "finish" Friday 12:00–17:00.
    expect(await metricsOf('desk_prague')).toEqual({
      business: { frt: { avgMs: 2 * H, medianMs: 2 * H }, atht: { avgMs: 7 * H, medianMs: 7 * H } },
      work: 2 * H,
      finish: 5 * H,
    })
    await ctx.storage.close()
  })
})
