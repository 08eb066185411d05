import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { computeMetrics } from '../../server/services/metrics.ts'
import { type RunningServer, startServer } from '../../server/start.ts'

/**
 * GET /api/metrics on a database large enough that computing its figures takes a while: the
 * figures are computed off the main thread, so other requests are answered meanwhile.
 */
let server: RunningServer
const TICKETS = 600

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-metrics-'))
  server = await startServer({ dbPath: join(dir, 'metrics.sqlite'), port: 0, timerIntervalMs: 60_000 })
  const admin = (await server.storage.listUsers())[0]
  const tickets = server.app.tickets
  const one = async (i: number) => {
    const t = await tickets.create(admin, {
      sopId: 'support-ticket',
      channel: i % 2 ? 'phone' : 'email',
      subject: `#${i}`,
    })
    for (let k = 0; k < 4; k++)
      await tickets.amend(admin, t.id, (row) => ({
        ticket: row,
        type: 'note',
        payload: { text: `note ${k}`, visibility: 'internal' },
        bump: false,
      }))
  }
  for (let i = 0; i < TICKETS; i += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => one(i + k)))
}, 120_000)

afterAll(async () => server?.close())

const get = (path: string) =>
  fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.adminToken}` } })

describe('GET /api/metrics off the main thread', () => {
  it('gives the same figures as computing them in process', async () => {
    const res = await get('/api/metrics')
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.tickets).toBe(TICKETS)
    const here = await computeMetrics(server.storage, server.app.tickets, {})
    expect(body).toEqual(JSON.parse(JSON.stringify(here)))
  })

  it('answers /api/health while a big metrics query runs, before the metrics', async () => {
    await get('/api/metrics') // the worker is started and warm
    // A health check sent just after a metrics query overtakes it when the query does not hold
    // the event loop. One race can go either way on a busy machine, so it is run five times:
    // computed on the main thread, the health check would lose every one.
    let overtaken = 0
    for (let round = 0; round < 5; round++) {
      const order: string[] = []
      const metrics = get('/api/metrics').then(async (r) => {
        await r.arrayBuffer()
        order.push('metrics')
      })
      await new Promise((r) => setTimeout(r, 5))
      const health = get('/api/health').then(async (r) => {
        expect(r.status).toBe(200)
        await r.arrayBuffer()
        order.push('health')
      })
      await Promise.all([metrics, health])
      if (order[0] === 'health') overtaken++
    }
    expect(overtaken).toBeGreaterThan(0)
  })
})
