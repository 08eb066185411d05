import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { TimerScheduler } from '../../server/timers/scheduler.ts'
import { helpDeskSop, pragueDeskCalendar } from '../fixtures/businessTimeSops.ts'
import { setup } from './helpers.ts'

const desk = pragueDeskCalendar()

const helpDesk = helpDeskSop()

let dir = ''
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = ''
})

describe('ticket-level SLA policy clocks through the server', () => {
  it('first-reply, next-reply and resolution clocks each fire exactly once, across restarts while paused', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sopflow-policy-'))
    const path = join(dir, 'db.sqlite')
    const ctx = await setup({ path })
    const moveTo = (iso: string) => ctx.clock.advance(Date.parse(iso) - ctx.clock().getTime())
    expect((await ctx.call('PUT', '/api/calendars/prague_desk', ctx.tokens.owner, desk)).status).toBe(201)
    expect((await ctx.call('POST', '/api/sops', ctx.tokens.owner, { document: helpDesk })).status).toBe(201)
    expect((await ctx.call('POST', '/api/sops/help_desk/publish', ctx.tokens.owner)).status).toBe(201)
    await ctx.sopflow.storage.close()

    const boot = () => {
      const storage = new SqliteStorage(path)
      const app = createApp({ storage, clock: ctx.clock })
      const call = async (method: string, url: string, body?: unknown) => {
        const res = await app.app.request(url, {
          method,
          headers: { authorization: `Bearer ${ctx.tokens.agent}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        return { status: res.status, body: await res.json() }
      }
      return { storage, app, call, scheduler: new TimerScheduler(storage, app.tickets, ctx.clock) }
    }
    let s = boot()
    moveTo('2026-03-06T15:00:00.000Z') // Friday 16:00 in Prague
    const opened = await s.call('POST', '/api/tickets', {
      sopId: 'help_desk',
      channel: 'email',
      subject: 'Help',
    })
    expect(opened.status).toBe(201)
    const id = opened.body.ticket.id
    expect(opened.body.timers).toEqual([
      expect.objectContaining({ id: 'policy:first_reply:0', dueAt: '2026-03-09T10:00:00.000Z' }),
      expect.objectContaining({ id: 'policy:resolution:0', dueAt: '2026-03-10T13:00:00.000Z' }),
    ])

    moveTo('2026-03-09T09:59:00.000Z')
    expect(await s.scheduler.tick()).toBe(0)
    moveTo('2026-03-09T10:00:00.000Z') // Monday 11:00: first reply breached
    expect(await s.scheduler.tick()).toBe(1)
    expect(await s.scheduler.tick()).toBe(0)
    // The breach leaves the ticket at its step; the fired timer is gone from the store and the view.
    const breached = await s.call('GET', `/api/tickets/${id}`)
    expect(breached.body.ticket.steps).toEqual(opened.body.ticket.steps)
    expect(breached.body.timers.map((t: { id: string }) => t.id)).toEqual(['policy:resolution:0'])
    expect((await s.storage.listTimers(id)).map((t) => t.id)).toEqual(['policy:resolution:0'])

    moveTo('2026-03-09T10:30:00.000Z') // the agent answers: waiting on the customer pauses resolution
    expect(
      (await s.call('POST', `/api/tickets/${id}/actions`, { action: 'answer', version: 2 })).status,
    ).toBe(200)
    await s.storage.close()
    s = boot() // a new process while the clocks are paused
    moveTo('2026-03-10T13:00:00.000Z') // the unpaused resolution due time passes
    expect(await s.scheduler.tick()).toBe(0)
    moveTo('2026-03-09T12:30:00.000Z')
    const wrote = await s.call('POST', `/api/tickets/${id}/actions`, { action: 'customer_wrote', version: 3 })
    expect(wrote.status).toBe(200)
    // Paused 11:30–13:30 Prague: resolution moves 2 business hours, to Tuesday 16:00; next reply due 15:30.
    expect(wrote.body.timers).toHaveLength(2)
    expect(wrote.body.timers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'policy:resolution:0@3', dueAt: '2026-03-10T15:00:00.000Z' }),
        expect.objectContaining({ id: 'policy:next_reply:3', dueAt: '2026-03-09T14:30:00.000Z' }),
      ]),
    )
    await s.storage.close()
    s = boot()
    moveTo('2026-03-09T14:30:00.000Z')
    expect(await s.scheduler.tick()).toBe(1)
    expect(await s.scheduler.tick()).toBe(0)
    moveTo('2026-03-10T15:00:00.000Z')
    expect(await s.scheduler.tick()).toBe(1)
    ctx.clock.advance(24 * 3_600_000)
    expect(await s.scheduler.tick()).toBe(0)

    const history = await s.call('GET', `/api/tickets/${id}/history`)
    const breaches = history.body
      .filter((a: { type: string }) => a.type === 'timer')
      .map((a: { payload: { record: { timerId: string; breach: { policy: string } } } }) => [
        a.payload.record.timerId,
        a.payload.record.breach.policy,
      ])
    expect(breaches).toEqual([
      ['policy:first_reply:0', 'first_reply'],
      ['policy:next_reply:3', 'next_reply'],
      ['policy:resolution:0@3', 'resolution'],
    ])
    const after = await s.call('GET', `/api/tickets/${id}`)
    expect(after.body.ticket.steps).toEqual(['lead'])
    expect((await s.app.tickets.verify(id)).ok).toBe(true)
    await s.storage.close()
  })
})
