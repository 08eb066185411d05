import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { TimerScheduler } from '../../server/timers/scheduler.ts'
import { pragueDeskCalendar, repairSop } from '../fixtures/businessTimeSops.ts'
import { root, setup } from './helpers.ts'

const desk = pragueDeskCalendar()

const repair = repairSop()

let dir = ''
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = ''
})

describe('SLA clocks paused on a wait step, through the server', () => {
  it('reschedules the SLA by the business time it lay paused and fires it exactly once, across restarts while paused', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sopflow-pause-'))
    const path = join(dir, 'db.sqlite')
    const ctx = await setup({ path })
    const moveTo = (iso: string) => ctx.clock.advance(Date.parse(iso) - ctx.clock().getTime())
    expect((await ctx.call('PUT', '/api/calendars/prague_desk', ctx.tokens.owner, desk)).status).toBe(201)
    expect((await ctx.call('POST', '/api/sops', ctx.tokens.owner, { document: repair })).status).toBe(201)
    expect((await ctx.call('POST', '/api/sops/repair/publish', ctx.tokens.owner)).status).toBe(201)

    moveTo('2026-03-06T14:00:00.000Z') // Friday 15:00 in Prague
    const opened = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
      sopId: 'repair',
      channel: 'phone',
      subject: 'Broken',
    })
    const id = opened.body.ticket.id
    expect(opened.body.timers).toEqual([
      expect.objectContaining({ id: 'sla:handle:0', dueAt: '2026-03-09T09:00:00.000Z' }),
    ])
    moveTo('2026-03-06T15:00:00.000Z')
    const asked = await ctx.call('POST', `/api/tickets/${id}/actions`, ctx.tokens.agent, {
      action: 'ask_customer',
      version: 1,
    })
    expect(asked.status).toBe(200)
    expect(asked.body.timers.map((t: { id: string }) => t.id)).toEqual(['delay:silent:1'])
    // While paused the ticket has no SLA due time.
    const paused = await ctx.call('GET', `/api/tickets/${id}`, ctx.tokens.agent)
    expect(opened.body.ticket.dueAt).toBe('2026-03-09T09:00:00.000Z')
    expect(paused.body.ticket.dueAt).toBeNull()

    // The process goes away while the clock is paused; a new one opens the same database.
    await ctx.sopflow.storage.close()
    const restart = () => {
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
    let s = restart()
    moveTo('2026-03-09T09:00:00.000Z') // Monday 10:00: the unpaused due time passes
    expect(await s.scheduler.tick()).toBe(0)
    const replied = await s.call('POST', `/api/tickets/${id}/actions`, {
      action: 'customer_replied',
      version: 2,
    })
    expect(replied.status).toBe(200)
    // Paused Friday 16:00–17:00 and Monday 08:00–10:00: due 3 business hours later, Monday 13:00.
    expect(replied.body.timers).toEqual([
      expect.objectContaining({ id: 'sla:handle:0@2', dueAt: '2026-03-09T12:00:00.000Z' }),
    ])

    await s.storage.close()
    s = restart()
    moveTo('2026-03-09T11:59:00.000Z')
    expect(await s.scheduler.tick()).toBe(0)
    moveTo('2026-03-09T12:00:00.000Z')
    expect(await s.scheduler.tick()).toBe(1)
    expect(await s.scheduler.tick()).toBe(0)
    const history = await s.call('GET', `/api/tickets/${id}/history`)
    const fired = history.body.filter((a: { type: string }) => a.type === 'timer')
    expect(fired.map((a: { payload: { record: { timerId: string } } }) => a.payload.record.timerId)).toEqual([
      'sla:handle:0@2',
    ])
    expect((await s.app.tickets.verify(id)).ok).toBe(true)
    await s.storage.close()
  })
})

/** Starts the server in a child process on a database and a clock file; resolves once it listens. */
function bootChild(
  db: string,
  clockFile: string,
): Promise<{ child: ChildProcess; url: string; token: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/server/pausedChild.ts', db, clockFile], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000)
    const read = (d: Buffer) => {
      out += d
      const m = /READY (\S+) (\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve({ child, url: m[1], token: m[2] })
      }
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', (d) => {
      out += d
    })
  })
}

describe('a paused SLA across a SIGKILL', () => {
  const children: ChildProcess[] = []
  afterEach(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  })

  it('a server killed while the clock is paused resumes it on restart and fires the SLA exactly once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sopflow-kill-'))
    const db = join(dir, 'db.sqlite')
    const clockFile = join(dir, 'clock')
    const setClock = (iso: string) => writeFileSync(clockFile, iso)
    const kill = async (c: ChildProcess) => {
      c.kill('SIGKILL')
      await new Promise((r) => c.once('exit', r))
    }
    setClock('2026-03-06T14:00:00.000Z') // Friday 15:00 in Prague
    let server = await bootChild(db, clockFile)
    children.push(server.child)
    const call = async (method: string, url: string, token: string, body?: unknown) => {
      const res = await fetch(`${server.url}${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: res.status, body: await res.json() }
    }
    const admin = server.token
    expect((await call('PUT', '/api/calendars/prague_desk', admin, desk)).status).toBe(201)
    expect((await call('POST', '/api/sops', admin, { document: repair })).status).toBe(201)
    expect((await call('POST', '/api/sops/repair/publish', admin)).status).toBe(201)
    const agent = (await call('POST', '/api/users', admin, { name: 'Agent', role: 'agent' })).body.token
    const opened = await call('POST', '/api/tickets', agent, {
      sopId: 'repair',
      channel: 'phone',
      subject: 'Broken',
    })
    const id = opened.body.ticket.id
    setClock('2026-03-06T15:00:00.000Z')
    expect(
      (await call('POST', `/api/tickets/${id}/actions`, agent, { action: 'ask_customer', version: 1 }))
        .status,
    ).toBe(200)

    await kill(server.child) // killed while the clock is paused
    setClock('2026-03-09T09:00:00.000Z') // the unpaused due time has come
    server = await bootChild(db, clockFile)
    children.push(server.child)
    await new Promise((r) => setTimeout(r, 500))
    const timers = async () =>
      (await call('GET', `/api/tickets/${id}/history`, agent)).body.filter(
        (a: { type: string }) => a.type === 'timer',
      )
    expect(await timers()).toEqual([])
    const replied = await call('POST', `/api/tickets/${id}/actions`, agent, {
      action: 'customer_replied',
      version: 2,
    })
    expect(replied.body.timers).toEqual([
      expect.objectContaining({ id: 'sla:handle:0@2', dueAt: '2026-03-09T12:00:00.000Z' }),
    ])

    await kill(server.child)
    setClock('2026-03-09T12:00:00.000Z')
    server = await bootChild(db, clockFile)
    children.push(server.child)
    const deadline = Date.now() + 10_000
    while (!(await timers()).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    await new Promise((r) => setTimeout(r, 500))
    const fired = await timers()
    expect(fired.map((a: { payload: { record: { timerId: string } } }) => a.payload.record.timerId)).toEqual([
      'sla:handle:0@2',
    ])
    await kill(server.child)
  }, 60_000)
})
