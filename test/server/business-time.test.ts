import { describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.ts'
import { checkBundle } from '../../server/services/bundleCheck.ts'
import { TimerScheduler } from '../../server/timers/scheduler.ts'
import { setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
const H = 3_600_000
const weekdays = (hours: { from: string; to: string }[]) =>
  Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, hours]))

const pragueDesk = {
  title: 'Prague desk',
  timeZone: 'Europe/Prague',
  week: weekdays([{ from: '08:00', to: '17:00' }]),
  holidayRegions: ['CZ'],
}

const callback = {
  schema: 'sopflow/v1',
  id: 'callback',
  title: 'Call back',
  department: 'Care',
  purpose: 'Call the customer back within four business hours.',
  calendar: 'prague_desk',
  initial: 'call',
  steps: [
    {
      id: 'call',
      kind: 'task',
      title: 'Call back',
      roles: ['agent'],
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
  if (existing.status === 404)
    expect((await ctx.call('POST', '/api/sops', ctx.tokens.owner, { document: doc })).status).toBe(201)
  else
    expect((await ctx.call('PUT', `/api/sops/${doc.id}`, ctx.tokens.owner, { document: doc })).status).toBe(
      200,
    )
  return ctx.call('POST', `/api/sops/${doc.id}/publish`, ctx.tokens.owner)
}

/** Moves the test clock (which starts Monday 2026-03-02 08:00 UTC) to an instant. */
const moveTo = (ctx: Ctx, iso: string) => ctx.clock.advance(Date.parse(iso) - ctx.clock().getTime())

describe('business time through the server', () => {
  it('stores calendars as versions, resolving public holidays; bad calendars are refused and nothing is stored', async () => {
    const ctx = await setup()
    const bad = await ctx.call('PUT', '/api/calendars/prague_desk', ctx.tokens.owner, {
      ...pragueDesk,
      timeZone: 'Europe/Praha',
    })
    expect(bad.status).toBe(400)
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'timeZone' })])
    const region = await ctx.call('PUT', '/api/calendars/prague_desk', ctx.tokens.owner, {
      ...pragueDesk,
      holidayRegions: ['XX'],
    })
    expect(region.status).toBe(400)
    expect(region.body.detail).toContain('XX')
    expect((await ctx.call('GET', '/api/calendars/prague_desk', ctx.tokens.agent)).status).toBe(404)
    expect((await ctx.call('PUT', '/api/calendars/prague_desk', ctx.tokens.agent, pragueDesk)).status).toBe(
      403,
    )

    const v1 = await ctx.call('PUT', '/api/calendars/prague_desk', ctx.tokens.owner, pragueDesk)
    expect(v1.status).toBe(201)
    expect(v1.body.version).toBe(1)
    expect(v1.body.calendar.holidays).toContainEqual({
      date: '2026-04-03',
      name: 'Velký pátek',
      region: 'CZ',
    })
    const v2 = await ctx.call('PUT', '/api/calendars/prague_desk', ctx.tokens.owner, {
      ...v1.body.calendar,
      closures: [{ date: '2026-03-09', name: 'Office move' }],
    })
    expect(v2.body.version).toBe(2)
    // Holidays resolved from a region are resolved again, not doubled.
    expect(v2.body.calendar.holidays).toEqual(v1.body.calendar.holidays)
    const got = await ctx.call('GET', '/api/calendars/prague_desk', ctx.tokens.agent)
    expect(got.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2])
    expect(
      (await ctx.call('GET', '/api/calendars/prague_desk/versions/1', ctx.tokens.agent)).body.calendar
        .closures,
    ).toEqual([])
  })

  it('refuses to publish an SOP whose calendar does not exist', async () => {
    const ctx = await setup()
    const r = await publish(ctx, callback)
    expect(r.status).toBe(422)
    expect(r.body).toMatchObject({ code: 'missing_calendar', params: { id: 'prague_desk' } })
    expect((await ctx.call('GET', '/api/sops/callback', ctx.tokens.owner)).body.versions).toEqual([])
  })

  it('a 4-hour business SLA opened Friday 16:00 in Prague fires once on Monday 11:00; replay stays valid after the calendar is edited', async () => {
    const ctx = await setup()
    expect((await ctx.call('PUT', '/api/calendars/prague_desk', ctx.tokens.owner, pragueDesk)).status).toBe(
      201,
    )
    expect((await publish(ctx, callback)).status).toBe(201)
    moveTo(ctx, '2026-03-06T15:00:00.000Z') // Friday 16:00 in Prague
    const opened = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
      sopId: 'callback',
      channel: 'phone',
      subject: 'Call me back',
    })
    expect(opened.status).toBe(201)
    const id = opened.body.ticket.id
    expect(opened.body.timers).toEqual([
      expect.objectContaining({ id: 'sla:call:0', dueAt: '2026-03-09T10:00:00.000Z' }),
    ])

    // The calendar changes after the ticket started: the next two Mondays are closed.
    const edit = await ctx.call('PUT', '/api/calendars/prague_desk', ctx.tokens.owner, {
      ...pragueDesk,
      closures: [
        { date: '2026-03-09', name: 'Office move' },
        { date: '2026-03-16', name: 'Office move' },
      ],
    })
    expect(edit.body.version).toBe(2)

    // A restarted server compiles the ticket's SOP version again, with the calendar version it pins.
    const restarted = createApp({ storage: ctx.storage, clock: ctx.clock })
    const scheduler = new TimerScheduler(ctx.storage, restarted.tickets, ctx.clock)
    moveTo(ctx, '2026-03-06T19:00:00.000Z') // wall-clock due time: nobody at work
    expect(await scheduler.tick()).toBe(0)
    moveTo(ctx, '2026-03-09T09:59:59.000Z')
    expect(await scheduler.tick()).toBe(0)
    moveTo(ctx, '2026-03-09T10:00:00.000Z')
    expect(await scheduler.tick()).toBe(1)
    ctx.clock.advance(H)
    expect(await scheduler.tick()).toBe(0)
    const after = await ctx.call('GET', `/api/tickets/${id}`, ctx.tokens.agent)
    expect(after.body.ticket.steps).toEqual(['lead'])
    expect((await restarted.tickets.verify(id)).ok).toBe(true)
    // The evidence bundle carries the pinned calendar, so its records replay offline. (The two
    // app instances here sign with different ledger keys, so only the replay is checked.)
    const bundle = await ctx.call('GET', `/api/tickets/${id}/evidence`, ctx.tokens.auditor)
    expect(Object.keys(bundle.body.sop.calendars)).toEqual(['prague_desk'])
    const checked = checkBundle(Buffer.from(JSON.stringify(bundle.body)))
    expect(checked.result?.replay).toMatchObject({ ok: true })

    // A new SOP version pins the edited calendar: Monday is closed, so its SLA falls due Tuesday 11:00.
    expect((await publish(ctx, { ...callback, purpose: `${callback.purpose} Edited.` })).status).toBe(201)
    moveTo(ctx, '2026-03-13T15:00:00.000Z')
    const next = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
      sopId: 'callback',
      channel: 'phone',
      subject: 'Call me back again',
    })
    expect(next.body.timers[0].dueAt).toBe('2026-03-17T10:00:00.000Z')
  })
})

describe('contact windows through the server', () => {
  it('refuses a call outside the customer’s window with 422 and the next allowed time; the ticket stays where it was', async () => {
    const ctx = await setup()
    const evenings = [{ from: '17:00', to: '21:00' }]
    const window = {
      title: 'Evenings',
      timeZone: 'Asia/Ho_Chi_Minh',
      week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, evenings])),
      holidayRegions: ['VN'],
    }
    expect((await ctx.call('PUT', '/api/calendars/evenings', ctx.tokens.owner, window)).status).toBe(201)
    const doc = {
      schema: 'sopflow/v1',
      id: 'pre_sale',
      title: 'Pre-sale call',
      department: 'Sales',
      purpose: 'Offer the product by phone, never in the customer’s working hours.',
      initial: 'call',
      steps: [
        { id: 'call', kind: 'task', title: 'Call the customer', roles: ['agent'] },
        { id: 'done', kind: 'end', title: 'Done', outcome: 'sold' },
      ],
      transitions: [{ id: 'called', from: 'call', to: 'done', action: 'call_customer', window: 'evenings' }],
    }
    expect((await publish(ctx, doc)).status).toBe(201)
    moveTo(ctx, '2026-03-09T03:00:00.000Z') // Monday 10:00 in Hanoi
    const opened = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
      sopId: 'pre_sale',
      channel: 'phone',
      subject: 'Offer',
    })
    const id = opened.body.ticket.id
    const refused = await ctx.call('POST', `/api/tickets/${id}/actions`, ctx.tokens.agent, {
      action: 'call_customer',
      version: 1,
    })
    expect(refused.status).toBe(422)
    expect(refused.body).toMatchObject({
      code: 'outside_contact_window',
      params: { nextAllowedAt: '2026-03-09T10:00:00.000Z' },
      rejection: { nextAllowedAt: '2026-03-09T10:00:00.000Z' },
    })
    const view = await ctx.call('GET', `/api/tickets/${id}`, ctx.tokens.agent)
    expect(view.body.ticket).toMatchObject({ version: 1, steps: ['call'] })
    expect(view.body.prompt.actions[0].blocked).toMatchObject({ code: 'outside_contact_window' })
    moveTo(ctx, '2026-03-09T10:00:00.000Z')
    const called = await ctx.call('POST', `/api/tickets/${id}/actions`, ctx.tokens.agent, {
      action: 'call_customer',
      version: 1,
    })
    expect(called.status).toBe(200)
  })
})

describe('calendar API documentation', () => {
  it('lists the calendar routes in the OpenAPI document, with the calendar body', async () => {
    const ctx = await setup()
    const doc = await ctx.call('GET', '/api/openapi.json', null)
    expect(doc.body.paths['/api/calendars/{id}'].put.requestBody).toBeTruthy()
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/calendars', '/api/calendars/{id}', '/api/calendars/{id}/versions/{n}']),
    )
  })
})

describe('metrics in business time', () => {
  it('reports FRT and ATHT in the open hours of the SOP’s calendar beside wall-clock time', async () => {
    const ctx = await setup()
    expect((await ctx.call('PUT', '/api/calendars/prague_desk', ctx.tokens.owner, pragueDesk)).status).toBe(
      201,
    )
    expect((await publish(ctx, callback)).status).toBe(201)
    moveTo(ctx, '2026-03-06T15:00:00.000Z') // Friday 16:00 in Prague
    const opened = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
      sopId: 'callback',
      channel: 'phone',
      subject: 'Call me back',
    })
    moveTo(ctx, '2026-03-09T08:00:00.000Z') // Monday 09:00: answered and closed
    const called = await ctx.call('POST', `/api/tickets/${opened.body.ticket.id}/actions`, ctx.tokens.agent, {
      action: 'called',
      version: 1,
    })
    expect(called.status).toBe(200)
    const m = await ctx.call(
      'GET',
      '/api/metrics?sop=callback&from=2026-03-06T00:00:00.000Z&to=2026-03-07T00:00:00.000Z',
      ctx.tokens.supervisor,
    )
    expect(m.status).toBe(200)
    expect(m.body.frt.avgMs).toBe(65 * H)
    expect(m.body.business).toEqual({
      frt: { avgMs: 2 * H, medianMs: 2 * H },
      atht: { avgMs: 2 * H, medianMs: 2 * H },
    })
  })
})
