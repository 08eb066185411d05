import { afterEach, describe, expect, it } from 'vitest'
import { setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx | null = null
afterEach(async () => {
  await ctx?.storage.close().catch(() => {})
  ctx = null
})

describe('/api/health', () => {
  it('reports the database it runs on, and 503 when the database does not answer', async () => {
    ctx = await setup()
    const up = await ctx.call('GET', '/api/health', null)
    expect([up.status, up.body]).toEqual([200, { ok: true, database: { kind: 'sqlite', ok: true } }])
    await ctx.storage.close()
    const down = await ctx.call('GET', '/api/health', null)
    expect(down.status).toBe(503)
    expect(down.body).toMatchObject({ ok: false, database: { kind: 'sqlite', ok: false } })
  })
})
