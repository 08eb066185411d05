import { describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.ts'
import { openApiDocument } from '../../server/openapi/document.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'

type Operation = {
  summary: string
  tags: string[]
  description: string
  responses: Record<string, { description: string; content?: Record<string, unknown> }>
}
const doc = openApiDocument() as { paths: Record<string, Record<string, Operation>> }
const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
)
const op = (key: string) => {
  const found = operations.find((o) => o.key === key)?.op
  if (!found) throw new Error(`${key} is not in the document`)
  return found
}

describe('OpenAPI document rules', () => {
  it('documents exactly the routes the app serves, by method and path', async () => {
    const storage = new SqliteStorage(':memory:')
    const { app } = createApp({ storage, clock: () => new Date(), config: { bodyLimit: 64 * 1024 } })
    const norm = (p: string) => p.replace(/:(\w+)/g, '{$1}').replace(/\/$/, '')
    const served = new Set(
      app.routes
        .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/') && !r.path.includes('*'))
        .map((r) => `${r.method} ${norm(r.path)}`),
    )
    const documented = new Set(operations.map((o) => o.key))
    const missing = (from: Set<string>, to: Set<string>) => [...from].filter((k) => !to.has(k)).sort()
    expect({
      servedNotDocumented: missing(served, documented),
      documentedNotServed: missing(documented, served),
    }).toEqual({
      servedNotDocumented: [],
      documentedNotServed: [],
    })
    expect(served.size).toBeGreaterThan(100)
    await storage.close()
  })

  it('every operation has a summary and one of the sections of the API', () => {
    const sections = new Set<string>()
    for (const { key, op } of operations) {
      expect(op.summary.length, key).toBeGreaterThan(5)
      expect(op.tags, key).toHaveLength(1)
      sections.add(op.tags[0])
    }
    expect([...sections].sort()).toEqual(
      [
        'Audit',
        'Calendars',
        'Channels',
        'Customers',
        'Metrics',
        'Notifications',
        'Outbox',
        'SOPs',
        'Service',
        'Signing in',
        'Surveys',
        'Tickets',
        'Tokens',
        'Users',
        'Webhooks',
      ].sort(),
    )
  })

  it('every documented refusal has an HTTP status, a description and the problem body', () => {
    for (const { key, op } of operations) {
      expect(op.responses['200'], key).toEqual({ description: 'OK' })
      for (const [status, response] of Object.entries(op.responses)) {
        if (status === '200') continue
        expect(status, key).toMatch(/^([45]\d\d|4XX)$/)
        expect(response.description.length, `${key} ${status}`).toBeGreaterThan(3)
        expect(Object.keys(response.content ?? {}), `${key} ${status}`).toEqual(['application/problem+json'])
      }
    }
  })

  it('each section groups the operations of its part of the API', () => {
    const where: Record<string, RegExp> = {
      Surveys: /^\/api\/public\/surveys\//,
      Calendars: /^\/api\/(calendars|holidays|teams\/)/,
      Tokens: /^\/api\/(admin\/)?tokens/,
    }
    for (const { key, op } of operations) {
      const pattern = where[op.tags[0]]
      if (pattern) expect(key.split(' ')[1], key).toMatch(pattern)
    }
    expect(op('GET /api/tickets/{id}/reply-templates').tags).toEqual(['Tickets'])
  })

  it('the notes of the survey and reply-template operations are in their descriptions, with their refusals', () => {
    const page = op('GET /api/public/surveys/{token}')
    expect(page.description).toContain('survey_link_invalid')
    const answer = op('POST /api/public/surveys/{token}')
    expect(answer.description).toContain('409 `survey_answered`')
    expect(Object.keys(answer.responses).sort()).toEqual(['200', '409', '410', '4XX'])
    expect(answer.responses['409'].description).toContain('survey_answered')
    expect(answer.responses['410'].description).toContain('survey_expired')
    expect(op('GET /api/tickets/{id}/reply-templates').description).toContain('{{ customer.name }}')
    for (const key of [
      'GET /api/tickets/{id}/watchers',
      'POST /api/tickets/{id}/watchers',
      'DELETE /api/tickets/{id}/watchers/{userId}',
    ])
      expect(op(key).tags, key).toEqual(['Tickets'])
    expect(op('POST /api/tickets/{id}/watchers').description).toContain('a `watch` record')
  })
})
