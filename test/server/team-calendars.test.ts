import { describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.ts'
import { checkBundle } from '../../server/services/bundleCheck.ts'
import { TimerScheduler } from '../../server/timers/scheduler.ts'
import { setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
const weekdays = (hours: { from: string; to: string }[]) =>
  Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, hours]))
const hanoiDesk = {
  title: 'Hanoi desk',
  timeZone: 'Asia/Ho_Chi_Minh',
  week: weekdays([{ from: '08:00', to: '17:00' }]),
}
const pragueDesk = {
  title: 'Prague desk',
  timeZone: 'Europe/Prague',
  week: weekdays([{ from: '08:00', to: '17:00' }]),
}

/** A call back within 4 business hours, by the care team; the SOP's own calendar is Prague's. */
const callback = {
  schema: 'sopflow/v1',
  id: 'team_callback',
  title: 'Call back',
  department: 'Care',
  purpose: 'Call the customer back within four business hours of the care team.',
  calendar: 'prague_desk',
  initial: 'call',
  steps: [
    {
      id: 'call',
      kind: 'task',
      title: 'Call back',
      roles: ['agent'],
      team: 'care',
      sla: { due: 'PT4H', time: 'business', escalateTo: 'lead' },
    },
    { id: 'lead', kind: 'task', title: 'Lead calls back', roles: ['supervisor'] },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    { id: 'called', from: 'call', to: 'done', action: 'called' },
    { id: 'lead_called', from: 'lead', to: 'done', action: 'lead_called' },
  ],
}

async function publish(ctx: Ctx, doc: Record<string, unknown>) {
  const existing = await ctx.call('GET', `/api/sops/${doc.id}`, ctx.tokens.owner)
  if (existing.status === 404) await ctx.call('POST', '/api/sops', ctx.tokens.owner, { document: doc })
  else await ctx.call('PUT', `/api/sops/${doc.id}`, ctx.tokens.owner, { document: doc })
  const r = await ctx.call('POST', `/api/sops/${doc.id}/publish`, ctx.tokens.owner)
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return r.body.version as number
}
const moveTo = (ctx: Ctx, iso: string) => ctx.clock.advance(Date.parse(iso) - ctx.clock().getTime())
const open = async (ctx: Ctx, subject: string) => {
  const r = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
    sopId: 'team_callback',
    channel: 'phone',
    subject,
  })
  expect(r.status).toBe(201)
  return r.body as { ticket: { id: string }; timers: { id: string; dueAt: string }[] }
}

describe('a team’s calendar through the server', () => {
  it('refuses a calendar that does not exist, and a non-admin, changing nothing', async () => {
    const ctx = await setup()
    expect(
      (await ctx.call('POST', '/api/teams', ctx.tokens.admin, { id: 'care', name: 'Care' })).status,
    ).toBe(201)
    const bad = await ctx.call('PUT', '/api/teams/care', ctx.tokens.admin, { calendarId: 'nowhere' })
    expect(bad.status).toBe(422)
    expect(bad.body).toMatchObject({ code: 'unknown_calendar', params: { id: 'nowhere' } })
    expect(
      (await ctx.call('PUT', '/api/teams/care', ctx.tokens.supervisor, { calendarId: null })).status,
    ).toBe(403)
    expect((await ctx.call('PUT', '/api/teams/nobody', ctx.tokens.admin, { calendarId: null })).status).toBe(
      404,
    )
    const teams = (await ctx.call('GET', '/api/teams', ctx.tokens.agent)).body
    expect(teams.find((t: { id: string }) => t.id === 'care')).toEqual({
      id: 'care',
      name: 'Care',
      calendarId: null,
    })
  })

  it('counts a step’s business SLA in its team’s calendar; replay stays valid after the team’s calendar is edited, and versions published afterwards use the new one', async () => {
    const ctx = await setup()
    expect((await ctx.call('PUT', '/api/calendars/hanoi_desk', ctx.tokens.owner, hanoiDesk)).status).toBe(201)
    expect((await ctx.call('PUT', '/api/calendars/prague_desk', ctx.tokens.owner, pragueDesk)).status).toBe(
      201,
    )
    await ctx.call('POST', '/api/teams', ctx.tokens.admin, { id: 'care', name: 'Care' })
    const set = await ctx.call('PUT', '/api/teams/care', ctx.tokens.admin, { calendarId: 'hanoi_desk' })
    expect(set.body).toEqual({ id: 'care', name: 'Care', calendarId: 'hanoi_desk' })
    await publish(ctx, callback)
    moveTo(ctx, '2026-03-06T09:00:00.000Z') // Friday 16:00 in Hanoi, 10:00 in Prague
    const first = await open(ctx, 'Call me back')
    // One Hanoi hour on Friday, three on Monday: Monday 11:00 in Hanoi (in Prague's it would be Friday 14:00).
    expect(first.timers).toEqual([
      expect.objectContaining({ id: 'sla:call:0', dueAt: '2026-03-09T04:00:00.000Z' }),
    ])

    // The team's calendar is edited after the ticket started: the next two Mondays are closed.
    const edit = await ctx.call('PUT', '/api/calendars/hanoi_desk', ctx.tokens.owner, {
      ...hanoiDesk,
      closures: [
        { date: '2026-03-09', name: 'Office move' },
        { date: '2026-03-16', name: 'Office move' },
      ],
    })
    expect(edit.body.version).toBe(2)
    // A restarted server compiles the ticket's SOP version with the team calendar version it pins.
    const restarted = createApp({ storage: ctx.storage, clock: ctx.clock })
    const scheduler = new TimerScheduler(ctx.storage, restarted.tickets, ctx.clock)
    moveTo(ctx, '2026-03-09T03:59:59.000Z')
    expect(await scheduler.tick()).toBe(0)
    moveTo(ctx, '2026-03-09T04:00:00.000Z')
    expect(await scheduler.tick()).toBe(1)
    expect((await restarted.tickets.verify(first.ticket.id)).ok).toBe(true)
    const bundle = await ctx.call('GET', `/api/tickets/${first.ticket.id}/evidence`, ctx.tokens.auditor)
    expect(bundle.body.sop.teamCalendars).toEqual({ care: 'hanoi_desk' })
    expect(Object.keys(bundle.body.sop.calendars).sort()).toEqual(['hanoi_desk', 'prague_desk'])
    const checked = checkBundle(Buffer.from(JSON.stringify(bundle.body)))
    expect(checked.result?.replay).toMatchObject({ ok: true })
    // (The two app instances sign with different ledger keys: only the calendars' problems are checked.)
    expect(checked.problems.filter((p) => p.includes('calendars'))).toEqual([])
    // A bundle whose team calendar was swapped does not match the digest its first record pins.
    const swapped = { ...bundle.body, sop: { ...bundle.body.sop, teamCalendars: { care: 'prague_desk' } } }
    expect(checkBundle(Buffer.from(JSON.stringify(swapped))).problems.join(' ')).toContain(
      'calendars do not match',
    )

    // A version published after the edit pins it: Monday is closed, so the SLA falls due Tuesday 11:00.
    await publish(ctx, { ...callback, purpose: `${callback.purpose} Edited.` })
    moveTo(ctx, '2026-03-13T09:00:00.000Z')
    const second = await open(ctx, 'Call me back again')
    expect(second.timers[0].dueAt).toBe('2026-03-17T04:00:00.000Z')
    // The team moves to Prague's calendar: the next version counts there (Friday 10:00 + 4 h in Prague).
    await ctx.call('PUT', '/api/teams/care', ctx.tokens.admin, { calendarId: 'prague_desk' })
    await publish(ctx, { ...callback, purpose: `${callback.purpose} Prague.` })
    const third = await open(ctx, 'Call me back from Prague')
    expect(third.timers[0].dueAt).toBe('2026-03-13T13:00:00.000Z')
    expect((await restarted.tickets.verify(first.ticket.id)).ok).toBe(true)
  })

  it('publishes business time without an SOP calendar when the team has one, and refuses naming the step while it has none, publishing nothing', async () => {
    const ctx = await setup()
    expect((await ctx.call('PUT', '/api/calendars/hanoi_desk', ctx.tokens.owner, hanoiDesk)).status).toBe(201)
    await ctx.call('POST', '/api/teams', ctx.tokens.admin, { id: 'care', name: 'Care' })
    const { calendar: _none, ...doc } = callback
    const noSopCalendar = { ...doc, id: 'team_callback' }
    // The validator only warns: the draft is saved and validates, the publish check knows the teams.
    expect((await ctx.call('POST', '/api/sops', ctx.tokens.owner, { document: noSopCalendar })).status).toBe(
      201,
    )
    const refused = await ctx.call('POST', '/api/sops/team_callback/publish', ctx.tokens.owner)
    expect(refused.status).toBe(422)
    expect(refused.body).toMatchObject({
      code: 'invalid_document',
      params: { id: 'team_callback', count: 1 },
    })
    expect(refused.body.diagnostics).toEqual([
      expect.objectContaining({
        code: 'business_time_without_calendar',
        severity: 'error',
        stepId: 'call',
        params: { step: 'call', team: 'care' },
      }),
    ])
    expect(refused.body.detail).toContain('Step "call"')
    expect((await ctx.call('GET', '/api/sops/team_callback/versions/1', ctx.tokens.owner)).status).toBe(404)
    // Once the care team has a calendar, the same draft publishes and its SLA counts in Hanoi's hours.
    await ctx.call('PUT', '/api/teams/care', ctx.tokens.admin, { calendarId: 'hanoi_desk' })
    const published = await ctx.call('POST', '/api/sops/team_callback/publish', ctx.tokens.owner)
    expect(published.status, JSON.stringify(published.body)).toBe(201)
    moveTo(ctx, '2026-03-06T09:00:00.000Z') // Friday 16:00 in Hanoi
    const ticket = await open(ctx, 'Call me back')
    expect(ticket.timers[0].dueAt).toBe('2026-03-09T04:00:00.000Z')
  })
})
