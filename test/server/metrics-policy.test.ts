import { describe, expect, it } from 'vitest'
import { TimerScheduler } from '../../server/timers/scheduler.ts'
import { setup } from './helpers.ts'

const H = 3_600_000
const desk = {
  title: 'Prague desk',
  timeZone: 'Europe/Prague',
  week: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ from: '08:00', to: '17:00' }]]),
  ),
}

const helpDesk = {
  schema: 'sopflow/v1',
  id: 'help_desk',
  title: 'Help desk',
  department: 'Care',
  purpose: 'Answer and resolve within the help desk policy.',
  calendar: 'prague_desk',
  policy: {
    targets: [
      { metric: 'first_reply', due: 'PT4H', time: 'business', notify: 'supervisor' },
      { metric: 'next_reply', due: 'PT2H', time: 'business', notify: 'supervisor' },
      { metric: 'resolution', due: 'PT16H', time: 'business', notify: 'supervisor' },
    ],
  },
  initial: 'work',
  steps: [
    { id: 'work', kind: 'task', title: 'Work the ticket', roles: ['agent'] },
    { id: 'wait', kind: 'wait', title: 'Wait for the customer', waitKind: 'customer', pausesClocks: true },
    { id: 'done', kind: 'end', title: 'Resolved', outcome: 'resolved' },
    { id: 'gone', kind: 'end', title: 'No answer', outcome: 'no_response' },
  ],
  transitions: [
    { id: 'answer', from: 'work', to: 'wait', action: 'answer', reply: true },
    { id: 'back', from: 'wait', to: 'work', action: 'customer_wrote', customerMessage: true },
    { id: 'resolve', from: 'work', to: 'done', action: 'resolve', reply: true },
    { id: 'silent', from: 'wait', to: 'gone', after: 'P7D' },
  ],
}

describe('metrics per policy target, in business time', () => {
  it('reports the breach rate of first reply, next reply and resolution, and time per step in business hours', async () => {
    const ctx = await setup()
    const moveTo = (iso: string) => ctx.clock.advance(Date.parse(iso) - ctx.clock().getTime())
    const scheduler = new TimerScheduler(ctx.storage, ctx.sopflow.tickets, ctx.clock)
    expect((await ctx.call('PUT', '/api/calendars/prague_desk', ctx.tokens.owner, desk)).status).toBe(201)
    expect((await ctx.call('POST', '/api/sops', ctx.tokens.owner, { document: helpDesk })).status).toBe(201)
    expect((await ctx.call('POST', '/api/sops/help_desk/publish', ctx.tokens.owner)).status).toBe(201)
    const act = async (id: string, action: string) => {
      const version = (await ctx.call('GET', `/api/tickets/${id}`, ctx.tokens.agent)).body.ticket.version
      const r = await ctx.call('POST', `/api/tickets/${id}/actions`, ctx.tokens.agent, { action, version })
      expect(r.status).toBe(200)
    }
    const open = async () =>
      (
        await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
          sopId: 'help_desk',
          channel: 'email',
          subject: 'Help',
        })
      ).body.ticket.id as string
    moveTo('2026-03-06T15:00:00.000Z') // Friday 16:00 in Prague
    const late = await open() // answered after its first-reply target
    const quick = await open() // answered within it; the customer writes back; next reply is late
    const idle = await open() // never answered
    moveTo('2026-03-06T15:30:00.000Z')
    await act(quick, 'answer') // 30 business minutes in "work"
    moveTo('2026-03-09T08:00:00.000Z') // Monday 09:00
    await act(quick, 'customer_wrote')
    moveTo('2026-03-09T10:00:00.000Z') // Monday 11:00: first replies of late/idle and quick's next reply breach
    expect(await scheduler.tick()).toBe(3)
    moveTo('2026-03-09T11:00:00.000Z') // Monday 12:00
    await act(late, 'answer')
    expect(await scheduler.tick()).toBe(0)
    const idleHistory = (await ctx.call('GET', `/api/tickets/${idle}/history`, ctx.tokens.agent)).body
    expect(
      idleHistory
        .filter((a: { type: string }) => a.type === 'timer')
        .map((a: { payload: { record: { timerId: string } } }) => a.payload.record.timerId),
    ).toEqual(['policy:first_reply:0'])

    const m = await ctx.call(
      'GET',
      '/api/metrics?sop=help_desk&from=2026-03-06T00:00:00.000Z&to=2026-03-07T00:00:00.000Z',
      ctx.tokens.supervisor,
    )
    expect(m.status).toBe(200)
    expect(m.body.policy).toEqual({
      first_reply: { tickets: 3, breached: 2, rate: 2 / 3 },
      next_reply: { tickets: 1, breached: 1, rate: 1 },
      resolution: { tickets: 3, breached: 0, rate: 0 },
    })
    const work = m.body.steps.find((s: { stepId: string }) => s.stepId === 'work')
    // Visits of "work" that left it: quick (Fri 16:00–16:30, 0.5 h open), quick again (Mon 09:00–
    // still there: not counted), late (Fri 16:00 → Mon 12:00: 1 h Friday + 4 h Monday open).
    expect(work.avgBusinessMs).toBe((0.5 * H + 5 * H) / 2)
    expect(work.avgMs).toBe(
      (0.5 * H + (Date.parse('2026-03-09T11:00:00Z') - Date.parse('2026-03-06T15:00:00Z'))) / 2,
    )
    const wait = m.body.steps.find((s: { stepId: string }) => s.stepId === 'wait')
    // quick waited Friday 16:30 → Monday 09:00: 0.5 h Friday + 1 h Monday open.
    expect(wait.avgBusinessMs).toBe(1.5 * H)
    await ctx.storage.close()
  })
})
