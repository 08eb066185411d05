import { afterEach, describe, expect, it } from 'vitest'
import { example, setup } from './helpers.ts'

let ctx: Awaited<ReturnType<typeof setup>>
afterEach(async () => ctx?.storage.close())

describe('draft revisions', () => {
  it('numbers every save of a draft and returns the revision from GET, POST and PUT', async () => {
    ctx = await setup()
    const doc = { ...example('complaint-handling'), id: 'complaints' }
    const created = await ctx.call('POST', '/api/sops', ctx.tokens.owner, { document: doc })
    expect(created.body.revision).toBe(1)
    expect((await ctx.call('GET', '/api/sops/complaints', ctx.tokens.owner)).body.revision).toBe(1)
    const first = await ctx.call('PUT', '/api/sops/complaints', ctx.tokens.owner, {
      document: { ...doc, title: 'A' },
      baseRevision: 1,
    })
    expect(first.status).toBe(200)
    expect(first.body.revision).toBe(2)
    // A save without a base revision (the CLI, scripts) still applies, and counts.
    const blind = await ctx.call('PUT', '/api/sops/complaints', ctx.tokens.owner, {
      document: { ...doc, title: 'B' },
    })
    expect(blind.status).toBe(200)
    expect(blind.body.revision).toBe(3)
    const got = await ctx.call('GET', '/api/sops/complaints', ctx.tokens.owner)
    expect(got.body.revision).toBe(3)
    expect(got.body.document.title).toBe('B')
  })

  it('refuses a save based on an older revision with 409 draft_conflict and keeps the newer draft', async () => {
    ctx = await setup()
    const doc = { ...example('complaint-handling'), id: 'complaints' }
    await ctx.call('POST', '/api/sops', ctx.tokens.owner, { document: doc })
    // Two editors both start from revision 1; the first save wins, the second is told.
    const mine = await ctx.call('PUT', '/api/sops/complaints', ctx.tokens.owner, {
      document: { ...doc, title: 'Newer' },
      baseRevision: 1,
    })
    expect(mine.body.revision).toBe(2)
    const theirs = await ctx.call('PUT', '/api/sops/complaints', ctx.tokens.owner, {
      document: { ...doc, title: 'Older' },
      baseRevision: 1,
    })
    expect(theirs.status).toBe(409)
    expect(theirs.type).toContain('application/problem+json')
    expect(theirs.body.code).toBe('draft_conflict')
    expect(theirs.body.params).toEqual({ id: 'complaints', baseRevision: 1, revision: 2 })
    const got = await ctx.call('GET', '/api/sops/complaints', ctx.tokens.owner)
    expect(got.body.document.title).toBe('Newer')
    expect(got.body.revision).toBe(2)
    // Overwriting on purpose: save again on the current revision.
    const overwrite = await ctx.call('PUT', '/api/sops/complaints', ctx.tokens.owner, {
      document: { ...doc, title: 'Older' },
      baseRevision: theirs.body.params.revision,
    })
    expect(overwrite.status).toBe(200)
    expect(overwrite.body.revision).toBe(3)
  })

  it('rejects a base revision that is not a positive whole number, changing nothing', async () => {
    ctx = await setup()
    const doc = { ...example('complaint-handling'), id: 'complaints' }
    await ctx.call('POST', '/api/sops', ctx.tokens.owner, { document: doc })
    const bad = await ctx.call('PUT', '/api/sops/complaints', ctx.tokens.owner, {
      document: { ...doc, title: 'X' },
      baseRevision: 'one',
    })
    expect(bad.status).toBe(400)
    expect(bad.body.code).toBe('invalid_request')
    expect(bad.body.errors[0].path).toBe('baseRevision')
    expect((await ctx.call('GET', '/api/sops/complaints', ctx.tokens.owner)).body.revision).toBe(1)
  })

  it('documents baseRevision and the 409 in the OpenAPI document', async () => {
    ctx = await setup()
    const doc = (await ctx.call('GET', '/api/openapi.json', null)).body
    const put = doc.paths['/api/sops/{id}'].put
    expect(put.requestBody.content['application/json'].schema.properties.baseRevision.type).toBe('integer')
    expect(put.responses['409'].description).toContain('draft_conflict')
  })
})
