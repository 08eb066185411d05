import { afterEach, describe, expect, it } from 'vitest'
import { TimerScheduler } from '../../server/timers/scheduler.ts'
import { openTicket, setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx | null = null
const schedulers: TimerScheduler[] = []

afterEach(async () => {
  for (const s of schedulers.splice(0)) await s.stop()
  await ctx?.storage.close()
  ctx = null
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function until(what: string, ok: () => Promise<boolean> | boolean, ms = 5000) {
  const end = Date.now() + ms
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

function scheduler(c: Ctx, options: ConstructorParameters<typeof TimerScheduler>[3] = {}) {
  const lines: string[] = []
  const s = new TimerScheduler(c.storage, c.sopflow.tickets, c.clock, {
    intervalMs: 10,
    log: (l) => lines.push(l),
    ...options,
  })
  schedulers.push(s)
  return { s, lines }
}

/** A new ticket whose first timer is due (the clock moved past it); its timer ids. */
async function dueTicket(c: Ctx) {
  const t = await openTicket(c)
  const timers = await c.storage.listTimers(t.id)
  expect(timers.length).toBeGreaterThan(0)
  c.clock.advance(Date.parse(timers[0].dueAt) - c.clock().getTime() + 1000)
  return { id: t.id, timer: timers[0].id }
}
const has = async (c: Ctx, id: string, timer: string) =>
  (await c.storage.listTimers(id)).some((t) => t.id === timer)

describe('timer scheduler rules', () => {
  it('once started it keeps firing timers as they fall due and says how many; stopped, even mid-tick, it fires none', async () => {
    ctx = await setup()
    const c = ctx
    let stopping: Promise<void> | null = null
    const lines: string[] = []
    const s = new TimerScheduler(c.storage, c.sopflow.tickets, c.clock, {
      intervalMs: 10,
      log: (l) => {
        lines.push(l)
        // Stopped from inside the tick that fired.
        if (l.startsWith('fired')) stopping ??= s.stop()
      },
    })
    schedulers.push(s)
    s.start()
    await sleep(60)
    expect(lines).toEqual([])
    const first = await dueTicket(c)
    await until('the first timer to fire', async () => !(await has(c, first.id, first.timer)))
    await until('the log line', () => lines.some((l) => /^fired 1 timer\(s\)$/.test(l)))
    await stopping
    const second = await dueTicket(c)
    await sleep(100)
    expect(await has(c, second.id, second.timer)).toBe(true)
    expect(lines).toEqual(['fired 1 timer(s)'])
  })

  it('a lease left by a process that died is freed at start only when asked to', async () => {
    ctx = await setup()
    const c = ctx
    const due = await dueTicket(c)
    const now = c.clock()
    const claimed = await c.storage.claimTimers(
      now.toISOString(),
      new Date(now.getTime() + 3600_000).toISOString(),
      500,
    )
    expect(claimed.map((t) => t.id)).toContain(due.timer)
    const keeps = scheduler(c).s
    keeps.start()
    await sleep(100)
    await keeps.stop()
    expect(await has(c, due.id, due.timer)).toBe(true)
    const frees = scheduler(c, { releaseLeasesAtStart: true }).s
    frees.start()
    await until('the leased timer to fire', async () => !(await has(c, due.id, due.timer)))
  })

  it('skips a due timer another server holds a lease on, until the lease lapses', async () => {
    ctx = await setup()
    const c = ctx
    const due = await dueTicket(c)
    // A tick of one server that stops before firing is what another server sees as a lease.
    const now = c.clock().getTime()
    const lease = new Date(now + 30_000).toISOString()
    await c.storage.claimTimers(new Date(now).toISOString(), lease, 500)
    const other = scheduler(c, { leaseMs: 30_000 }).s
    expect(await other.tick()).toBe(0)
    c.clock.advance(29_000)
    expect(await other.tick()).toBe(0)
    c.clock.advance(2_000)
    expect(await other.tick()).toBe(1)
    expect(await has(c, due.id, due.timer)).toBe(false)
  })

  it('a database error is logged, at start and on every tick, and does not stop it', async () => {
    ctx = await setup()
    const c = ctx
    await c.storage.close()
    const { s, lines } = scheduler(c, { releaseLeasesAtStart: true })
    s.start()
    await until('two error lines', () => lines.filter((l) => l.startsWith('timer error: ')).length >= 2)
    expect(lines.every((l) => l.startsWith('timer error: '))).toBe(true)
    await s.stop()
    ctx = null
  })

  it('stopped between ticks, the tick it had scheduled never runs', async () => {
    ctx = await setup()
    const c = ctx
    const { s, lines } = scheduler(c, { intervalMs: 40 })
    s.start()
    // The first tick ran (nothing was due); the next is scheduled.
    await sleep(60)
    await s.stop()
    const due = await dueTicket(c)
    await sleep(150)
    expect(await has(c, due.id, due.timer)).toBe(true)
    expect(lines).toEqual([])
  })

  it('stop() resolves only once the tick under way has finished firing', async () => {
    ctx = await setup()
    const c = ctx
    const due: { id: string }[] = []
    for (let i = 0; i < 40; i++) due.push(await openTicket(c))
    const timers = async () => (await Promise.all(due.map((t) => c.storage.listTimers(t.id)))).flat().length
    const all = await timers()
    const latest = Math.max(
      ...(await Promise.all(due.map((t) => c.storage.listTimers(t.id))))
        .flat()
        .map((t) => Date.parse(t.dueAt)),
    )
    c.clock.advance(latest - c.clock().getTime() + 1000)
    const { s } = scheduler(c, { intervalMs: 10_000 })
    s.start()
    await until('the first timer to fire', async () => (await timers()) < all, 10_000)
    await s.stop()
    const left = await timers()
    await sleep(200)
    expect(await timers()).toBe(left)
  })

  it('logs a failure to free leases at start and a failed tick once each; without a log it fails quietly', async () => {
    ctx = await setup()
    const c = ctx
    await c.storage.close()
    const { s, lines } = scheduler(c, { releaseLeasesAtStart: true, intervalMs: 60_000 })
    s.start()
    await until('two error lines', () => lines.length >= 2)
    await sleep(50)
    expect(lines.length).toBe(2)
    expect(lines.every((l) => /^timer error: .+/.test(l))).toBe(true)
    await s.stop()
    // No log given: the same failures neither throw nor stop it.
    const quiet = new TimerScheduler(c.storage, c.sopflow.tickets, c.clock, {
      releaseLeasesAtStart: true,
      intervalMs: 10,
    })
    schedulers.push(quiet)
    quiet.start()
    await sleep(60)
    await quiet.stop()
    ctx = null
  })
})
