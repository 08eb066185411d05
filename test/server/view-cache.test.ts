import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { TimerScheduler } from '../../server/timers/scheduler.ts'
import { setup } from './helpers.ts'

/**
 * The reply to a write gives the ticket's timers and notes from what this server committed, not
 * read back. Whatever it answers must be what a server reading the database afresh shows: a second
 * app on the same SQLite file, with nothing kept, is that reader.
 */
const intake = { customer_name: 'Nguyễn Thị Lan', problem_summary: 'Card payment charged twice' }
const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

async function twoApps() {
  const path = join(mkdtempSync(join(tmpdir(), 'sopflow-view-')), 'db.sqlite')
  const ctx = await setup({ path })
  const storage = new SqliteStorage(path)
  const fresh = createApp({ storage, clock: ctx.clock, config: { bodyLimit: 64 * 1024 } })
  closers.push(async () => {
    await ctx.storage.close()
    await storage.close()
  })
  /** The ticket as the second app reads it from the database. */
  const read = async (id: string, token = ctx.tokens.agent) => {
    const res = await fresh.app.request(`/api/tickets/${id}`, {
      headers: { authorization: `Bearer ${token}` },
    })
    return (await res.json()) as { ticket: { version: number }; timers: unknown[]; notes: unknown[] }
  }
  const viaFresh = async (path: string, body: unknown, token = ctx.tokens.agent) => {
    const res = await fresh.app.request(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as { ticket: { version: number } } }
  }
  return { ctx, read, viaFresh }
}

const parts = (view: { timers: unknown[]; notes: unknown[] }) => ({ timers: view.timers, notes: view.notes })

describe('the timers and notes of a reply', () => {
  it('are those the database holds after each action, note and fired timer', async () => {
    const { ctx, read } = await twoApps()
    const opened = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
      sopId: 'support-ticket',
      channel: 'phone',
      subject: 'Charged twice',
    })
    expect(opened.status, JSON.stringify(opened.body)).toBe(201)
    const id = opened.body.ticket.id
    expect(parts(opened.body)).toEqual(parts(await read(id)))
    const steps: Array<[string, Record<string, unknown>]> = [
      ['start', { fields: intake, ticks: { intake: ['greet', 'listen'] } }],
      [
        'identity_confirmed',
        { fields: { contact_phone: '+84 90 555 0101' }, ticks: { identify: ['two_factors'] } },
      ],
      ['classified', { fields: { category: 'technical', severity: 'medium' } }],
    ]
    let version = 1
    for (const [action, more] of steps) {
      const r = await ctx.call('POST', `/api/tickets/${id}/actions`, ctx.tokens.agent, {
        action,
        version,
        ...more,
      })
      expect(r.status).toBe(200)
      version = r.body.ticket.version
      expect(parts(r.body)).toEqual(parts(await read(id)))
    }
    // The SLA timer of the diagnosis step is among them.
    const before = await ctx.call('GET', `/api/tickets/${id}`, ctx.tokens.agent)
    expect(before.body.timers.map((t: { id: string }) => t.id)).toEqual(['sla:diagnose:3'])
    for (const [text, visibility] of [
      ['Customer called twice about the charge', 'internal'],
      ['We are looking into the double charge', 'customer'],
    ]) {
      const note = await ctx.call('POST', `/api/tickets/${id}/notes`, ctx.tokens.agent, { text, visibility })
      expect(note.status).toBe(201)
      expect(parts(note.body)).toEqual(parts(await read(id)))
    }
    expect(before.body.notes).toEqual([])
    expect((await read(id)).notes).toHaveLength(2)
    // The timer fires: the view drops it and shows the new step's own.
    ctx.clock.advance(5 * 3600_000)
    expect(await new TimerScheduler(ctx.storage, ctx.sopflow.tickets, ctx.clock).tick()).toBe(1)
    const after = await ctx.call('GET', `/api/tickets/${id}`, ctx.tokens.agent)
    expect(after.body.timers.map((t: { id: string }) => t.id)).not.toContain('sla:diagnose:3')
    expect(parts(after.body)).toEqual(parts(await read(id)))
  })

  it('follow a change another server wrote to the same ticket', async () => {
    const { ctx, read, viaFresh } = await twoApps()
    const opened = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
      sopId: 'support-ticket',
      channel: 'phone',
      subject: 'Charged twice',
    })
    expect(opened.status, JSON.stringify(opened.body)).toBe(201)
    const id = opened.body.ticket.id
    const started = await ctx.call('POST', `/api/tickets/${id}/actions`, ctx.tokens.agent, {
      action: 'start',
      version: 1,
      fields: intake,
      ticks: { intake: ['greet', 'listen'] },
    })
    expect(started.status).toBe(200)
    // The other server adds a note and moves the ticket on.
    expect((await viaFresh(`/api/tickets/${id}/notes`, { text: 'Seen on the other desk' })).status).toBe(201)
    const moved = await viaFresh(`/api/tickets/${id}/actions`, {
      action: 'identity_confirmed',
      version: started.body.ticket.version,
      fields: { contact_phone: '+84 90 555 0101' },
      ticks: { identify: ['two_factors'] },
    })
    expect(moved.status).toBe(200)
    const seen = await ctx.call('GET', `/api/tickets/${id}`, ctx.tokens.agent)
    expect(seen.body.notes.map((n: { text: string }) => n.text)).toEqual(['Seen on the other desk'])
    expect(parts(seen.body)).toEqual(parts(await read(id)))
    // And this server's next write starts from there.
    const next = await ctx.call('POST', `/api/tickets/${id}/actions`, ctx.tokens.agent, {
      action: 'classified',
      version: moved.body.ticket.version,
      fields: { category: 'technical', severity: 'medium' },
    })
    expect(next.status).toBe(200)
    expect(next.body.timers.map((t: { id: string }) => t.id)).toEqual(['sla:diagnose:3'])
    expect(parts(next.body)).toEqual(parts(await read(id)))
  })
})
