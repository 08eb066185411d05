import { afterEach, describe, expect, it } from 'vitest'
import { setup } from './helpers.ts'

let ctx: Awaited<ReturnType<typeof setup>>
afterEach(async () => ctx?.storage.close())

describe('GET /api/roles', () => {
  it('lists the roles that work tickets to any signed-in user, and is in the OpenAPI document', async () => {
    ctx = await setup()
    const owner = await ctx.call('GET', '/api/roles', ctx.tokens.owner)
    expect(owner.status).toBe(200)
    expect(owner.body).toEqual({ roles: ['agent', 'senior_agent', 'supervisor'], organisation: [] })
    expect((await ctx.call('GET', '/api/roles', ctx.tokens.auditor)).body).toEqual(owner.body)
    const anonymous = await ctx.call('GET', '/api/roles', null)
    expect(anonymous.status).toBe(401)
    const doc = await ctx.call('GET', '/api/openapi.json', null)
    expect(doc.body.paths['/api/roles'].get).toBeTruthy()
  })
})
