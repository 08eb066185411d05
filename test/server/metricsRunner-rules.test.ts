import { mkdtempSync, renameSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { computeMetrics } from '../../server/services/metrics.ts'
import { MetricsRunner } from '../../server/services/metricsRunner.ts'
import { openTicket, setup } from './helpers.ts'

/**
 * The metrics runner's rules (server/services/metricsRunner.ts), with the real metrics worker on a
 * real SQLite file: each request gets its own figures, a failure in the worker or of the worker
 * refuses the requests waiting on it instead of leaving them waiting, and the next request starts a
 * worker again.
 */

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c()
})

/** A database file with tickets: three by phone, two by e-mail. */
async function withTickets() {
  const path = join(mkdtempSync(join(tmpdir(), 'sopflow-metrics-runner-')), 'db.sqlite')
  const ctx = await setup({ path })
  for (const channel of ['phone', 'email', 'phone', 'email', 'phone']) await openTicket(ctx, { channel })
  const runner = new MetricsRunner(ctx.storage, ctx.sopflow.tickets)
  cleanup.push(async () => {
    await runner.close()
    await ctx.storage.close()
  })
  const inProcess = async (filter: Parameters<typeof computeMetrics>[2]) =>
    JSON.parse(JSON.stringify(await computeMetrics(ctx.storage, ctx.sopflow.tickets, filter)))
  return { path, ctx, runner, inProcess }
}

/** How a promise settles within `ms`: its value, its error's message, or 'still waiting'. */
function settled<T>(p: Promise<T>, ms = 30_000): Promise<{ value: T } | { error: string } | 'still waiting'> {
  return Promise.race([
    p.then(
      (value) => ({ value }),
      (e: unknown) => ({ error: e instanceof Error ? e.message : `not an Error: ${String(e)}` }),
    ),
    new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), ms)),
  ])
}

// A period that reaches back to the first date JavaScript has: the period before it has no dates.
const BEFORE_TIME = { from: '-271821-04-20T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' }

describe('the metrics runner (metricsRunner.ts)', () => {
  it('answers requests sent together each with the figures of its own filter, as computed in process', async () => {
    const { runner, inProcess } = await withTickets()
    const [phone, email, all] = await Promise.all([
      runner.compute({ channel: 'phone' }),
      runner.compute({ channel: 'email' }),
      runner.compute({}),
    ])
    expect(phone.tickets).toBe(3)
    expect(email.tickets).toBe(2)
    expect(all.tickets).toBe(5)
    expect(phone).toEqual(await inProcess({ channel: 'phone' }))
    expect(email).toEqual(await inProcess({ channel: 'email' }))
    expect(all).toEqual(await inProcess({}))
  })

  it("refuses a request the worker cannot compute with the computation's own error, and answers the next", async () => {
    const { runner, inProcess } = await withTickets()
    const here = await settled(inProcess(BEFORE_TIME))
    expect(here).toEqual({ error: 'Invalid time value' })
    expect(await settled(runner.compute(BEFORE_TIME))).toEqual(here)
    expect(await settled(runner.compute({ channel: 'email' }))).toEqual({
      value: await inProcess({ channel: 'email' }),
    })
  })

  it('refuses what waits on a worker that cannot open the database, and starts a new worker for the next request', async () => {
    const { path, runner, inProcess } = await withTickets()
    renameSync(path, `${path}.away`)
    // The worker's error reaches here as an Error with SQLite's code, whatever the clone kept of it.
    const failed = await runner.compute({}).then(
      () => 'answered',
      (e: unknown) => e,
    )
    renameSync(`${path}.away`, path)
    expect(failed).toBeInstanceOf(Error)
    expect(failed).toMatchObject({ code: 'SQLITE_CANTOPEN', message: expect.stringMatching(/\S/) })
    expect(await settled(runner.compute({}))).toEqual({ value: await inProcess({}) })
  })

  // The failed worker's exit comes after its error: it refuses only what was sent to that worker.
  it('answers requests sent right after a worker failed, before it has exited, each with its own figures', async () => {
    const { path, runner, inProcess } = await withTickets()
    renameSync(path, `${path}.away`)
    await runner.compute({}).catch(() => {})
    renameSync(`${path}.away`, path)
    const phone = settled(runner.compute({ channel: 'phone' }))
    const all = settled(runner.compute({}))
    expect(await phone).toEqual({ value: await inProcess({ channel: 'phone' }) })
    expect(await all).toEqual({ value: await inProcess({}) })
  })

  it('refuses every request still waiting when it is closed, and starts again on the next request', async () => {
    const { runner, inProcess } = await withTickets()
    const first = settled(runner.compute({}))
    const second = settled(runner.compute({ channel: 'phone' }))
    await runner.close()
    // Stopped while it starts (exit code 0) or once it runs (1).
    const stopped = { error: expect.stringMatching(/^the metrics worker stopped \(exit code [01]\)$/) }
    expect(await first).toEqual(stopped)
    expect(await second).toEqual(stopped)
    expect(await settled(runner.compute({ channel: 'phone' }))).toEqual({
      value: await inProcess({ channel: 'phone' }),
    })
    // Closing twice is closing once.
    await runner.close()
    await runner.close()
  })

  it('computes the figures of a database in memory in process, with no worker', async () => {
    const ctx = await setup()
    cleanup.push(() => ctx.storage.close())
    await openTicket(ctx)
    const runner = new MetricsRunner(ctx.storage, ctx.sopflow.tickets)
    expect((await runner.compute({})).tickets).toBe(1)
    await runner.close()
  })
})
