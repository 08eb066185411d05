import { describe, expect, it } from 'vitest'
import { permissionOf } from '../../server/auth/permissions.ts'
import { SESSION_COOKIE } from '../../server/auth/sessions.ts'
import { docsPage, openApiDocument } from '../../server/openapi/document.ts'
import { WEBHOOK_EVENTS } from '../../server/outbox/outbox.ts'

/**
 * The OpenAPI document's parts that clients generate code and checks from: parameters, who may
 * call each operation (from the permission table), request bodies, the problem responses, the
 * security schemes, the webhooks sopflow sends, and the readable docs page.
 */
type Param = { name: string; in: string; required: boolean; schema: Record<string, unknown> }
type Operation = {
  summary: string
  description: string
  parameters: Param[]
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> }
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>
  security: Record<string, string[]>[]
  'x-roles': string[]
  'x-scopes': string[]
  'x-public': boolean
  'x-ownership': boolean
}
type Doc = {
  openapi: string
  info: { title: string; version: string; description: string }
  paths: Record<string, Record<string, Operation>>
  components: { securitySchemes: Record<string, Record<string, string>>; schemas: Record<string, any> }
  security: unknown
  webhooks: Record<string, { post: Operation & { responses: Record<string, { description: string }> } }>
}
const doc = openApiDocument() as unknown as Doc
const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({
    method,
    path,
    key: `${method.toUpperCase()} ${path}`,
    op,
  })),
)

/** The JSON schema of what sopflow posts for a webhook. */
function hookBody(type: string): any {
  const body = doc.webhooks[type]?.post.requestBody
  if (!body) throw new Error(`No request body documented for ${type}`)
  return body.content['application/json'].schema
}

describe('the OpenAPI document', () => {
  it('names each path parameter once, as a required string, and nothing else as in the path', () => {
    let withParams = 0
    for (const { key, path, op } of operations) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
      if (names.length) withParams++
      expect(
        op.parameters.filter((p) => p.in === 'path'),
        key,
      ).toEqual(names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })))
    }
    expect(withParams).toBeGreaterThan(50)
    expect(
      doc.paths['/api/webhooks/{id}/deliveries/{mid}/resend'].post.parameters.map((p) => p.name),
    ).toEqual(['id', 'mid'])
  })

  it("lists a query's fields as optional query parameters with their schemas, after the path parameters", () => {
    const list = doc.paths['/api/tickets'].get.parameters
    expect(list.map((p) => p.name)).toEqual([
      'status',
      'step',
      'assignee',
      'queue',
      'team',
      'channel',
      'sop',
      'customer',
      'overdue',
      'unassigned',
      'q',
      'sort',
      'limit',
      'offset',
    ])
    for (const p of list) {
      expect(p.in, p.name).toBe('query')
      expect(p.required, p.name).toBe(false)
      expect(Object.keys(p.schema).length, p.name).toBeGreaterThan(0)
    }
    expect(list.find((p) => p.name === 'status')?.schema).toMatchObject({ enum: ['open', 'closed'] })
    const deliveries = doc.paths['/api/webhooks/{id}/deliveries'].get.parameters
    expect(deliveries[0]).toMatchObject({ name: 'id', in: 'path' })
    expect(deliveries.slice(1).every((p) => p.in === 'query')).toBe(true)
    expect(deliveries.length).toBeGreaterThan(1)
    expect(doc.paths['/api/tickets/{id}'].get.parameters.map((p) => p.in)).toEqual(['path'])
  })

  it('says who may call each operation as the permission table does: roles, token scopes, ownership and security', () => {
    const kinds = new Set<string>()
    for (const { key, method, path, op } of operations) {
      const rule = permissionOf(method.toUpperCase(), path)
      expect(rule, key).not.toBeNull()
      if (!rule) continue
      if (rule.roles === 'public') {
        kinds.add('public')
        expect(op.description.startsWith('Roles: public'), key).toBe(true)
        expect(op.security, key).toEqual([])
        expect(op['x-public'], key).toBe(true)
        expect([op['x-roles'], op['x-scopes']], key).toEqual([[], []])
        expect(op.description, key).not.toContain('Token scopes')
      } else if (rule.roles === 'session') {
        kinds.add('session')
        expect(op.description.startsWith('Roles: any signed-in person, with their session cookie'), key).toBe(
          true,
        )
        expect(op.security, key).toEqual([{ session: [] }])
        expect([op['x-public'], op['x-roles'], op['x-scopes']], key).toEqual([false, [], []])
        expect(op.description, key).not.toContain('Token scopes')
      } else {
        kinds.add('roles')
        expect(
          op.description.startsWith(
            `Roles: ${rule.roles.join(', ')}. Token scopes: ${rule.scopes.join(', ')}`,
          ),
          key,
        ).toBe(true)
        expect(op['x-roles'], key).toEqual([...rule.roles])
        expect(op['x-scopes'], key).toEqual([...rule.scopes])
        expect(op['x-public'], key).toBe(false)
        expect(op.security, key).toEqual([{ bearer: [...rule.scopes] }, { session: [] }])
      }
      expect(op['x-ownership'], key).toBe(Boolean(rule.ownership))
      expect(op.description.includes('Only the assignee of a claimed or assigned ticket'), key).toBe(
        Boolean(rule.ownership),
      )
      if (rule.ownership) kinds.add('ownership')
      expect(op.description, key).not.toMatch(/\. \.|\.\. |^\.|undefined|\. $/)
    }
    expect([...kinds].sort()).toEqual(['ownership', 'public', 'roles', 'session'])
    // The operation's own notes come after who may call it.
    const inbound = doc.paths['/api/channels/{id}/messages'].post
    expect(inbound.description).toMatch(/^Roles: public\. No account: the request is signed/)
  })

  it('describes a request body as required JSON with the schema that validates it, and only where the route reads one', () => {
    const action = doc.paths['/api/tickets/{id}/actions'].post.requestBody
    expect(action?.required).toBe(true)
    expect(Object.keys(action?.content ?? {})).toEqual(['application/json'])
    const schema = action?.content['application/json'].schema
    expect(schema).toMatchObject({
      type: 'object',
      required: ['action', 'version'],
      additionalProperties: false,
    })
    expect(Object.keys(schema?.properties as object).sort()).toEqual(['action', 'fields', 'ticks', 'version'])
    expect(doc.paths['/api/tickets/{id}'].get.requestBody).toBeUndefined()
    expect(doc.paths['/api/channels/{id}'].delete.requestBody).toBeUndefined()
    const bodies = operations.filter((o) => o.op.requestBody)
    expect(bodies.length).toBeGreaterThan(30)
    for (const { key, method, op } of bodies) {
      expect(method, key).not.toBe('get')
      expect(op.requestBody?.required, key).toBe(true)
      expect(op.requestBody?.content['application/json'].schema.$schema, key).toBe(
        'https://json-schema.org/draft/2020-12/schema',
      )
    }
  })

  it('answers every operation with OK and an RFC 9457 problem for any 4XX, the Problem schema in the components', () => {
    const problem = {
      description: 'An RFC 9457 problem',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    }
    for (const { key, op } of operations) {
      expect(op.responses['4XX'], key).toEqual(problem)
      for (const [status, response] of Object.entries(op.responses))
        if (status !== '200' && status !== '4XX')
          expect(response, `${key} ${status}`).toEqual({ ...problem, description: response.description })
    }
    expect(doc.paths['/api/channels'].post.responses['409'].description).toBe(
      'connection_address_taken: another connection uses this address',
    )
    expect(Object.keys(doc.components.schemas.Problem.properties).sort()).toEqual(
      ['code', 'detail', 'instance', 'params', 'status', 'title', 'type'].sort(),
    )
    expect(doc.components.schemas.Problem.properties.status).toEqual({ type: 'integer' })
  })

  it('names the API, its two ways to authenticate and the SOP document schema', () => {
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info.title).toBe('sopflow API')
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+$/)
    expect(doc.info.description).toContain('Authorization: Bearer <token>')
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(doc.components.securitySchemes.session).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: SESSION_COOKIE,
    })
    expect(doc.security).toEqual([{ bearer: [] }, { session: [] }])
    const sop = doc.components.schemas.SopDocument
    expect(sop.type).toBe('object')
    expect(sop.required).toEqual(expect.arrayContaining(['id', 'title']))
  })

  it('documents each webhook sopflow sends: every event, the two gateway messages, their signature headers and bodies', () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual(
      [...WEBHOOK_EVENTS, 'ticket.reply', 'ticket.survey_invitation'].sort(),
    )
    const headers = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({
      name,
      in: 'header',
      required: true,
      schema: { type: 'string' },
    }))
    for (const [type, { post }] of Object.entries(doc.webhooks)) {
      expect(post.parameters, type).toEqual(headers)
      expect(post.summary.length, type).toBeGreaterThan(8)
      expect(post.description, type).toContain('Standard Webhooks')
      expect(post.responses, type).toEqual({
        '2XX': { description: 'Received; any other answer is retried with backoff' },
      })
      expect(post.requestBody?.required, type).toBe(true)
      const body = post.requestBody?.content['application/json'].schema as any
      expect(body.required, type).toEqual(['type', 'timestamp', 'data'])
      expect(body.properties.type, type).toEqual({ const: type })
      expect(body.properties.timestamp, type).toEqual({ type: 'string', format: 'date-time' })
    }
    const closed = hookBody('ticket.closed').properties.data
    expect(closed.required).toEqual(['ticketId', 'sopId', 'sopVersion', 'status', 'steps'])
    expect(closed.properties.status).toEqual({ enum: ['open', 'closed'] })
    expect(closed.properties.steps).toEqual({ type: 'array', items: { type: 'string' } })
    expect(doc.webhooks['ticket.closed'].post.summary).toBe('The ticket.closed event')
    const reply = hookBody('ticket.reply').properties.data
    expect(reply.required).toEqual(['ticketId', 'channel', 'text'])
    expect(Object.keys(reply.properties)).toEqual(
      expect.arrayContaining(['to', 'conversationId', 'seq', 'messageId']),
    )
    const invitation = hookBody('ticket.survey_invitation').properties.data.properties
    expect(invitation.link).toEqual({ type: 'string', format: 'uri' })
    expect(doc.webhooks['ticket.reply'].post.description).toContain('settings.replyUrl')
  })

  it('renders a docs page with every operation, its query parameters and body schema, escaping what it shows', () => {
    const page = docsPage(doc as unknown as Record<string, unknown>)
    for (const { method, path } of operations)
      expect(page).toContain(`<span class="m ${method}">${method.toUpperCase()}</span> <code>${path}</code>`)
    expect(page).toContain('<p>Query: <code>status</code>, <code>step</code>')
    expect(page).toContain('<details><summary>Request body schema</summary><pre>')
    expect(page).toContain('&quot;version&quot;')
    const odd = docsPage({
      info: { description: 'A & B' },
      paths: {
        '/api/x/<y>': {
          get: {
            summary: '<script>alert(1)</script>',
            description: 'say "hi"',
            parameters: [{ name: 'a<b', in: 'query' }],
          },
          post: { summary: 'plain', parameters: [{ name: 'id', in: 'path' }] },
        },
      },
    })
    expect(odd).not.toContain('<script>alert')
    expect(odd).toContain('&lt;script&gt;alert(1)&lt;/script&gt; <em>(say &quot;hi&quot;)</em>')
    expect(odd).toContain('<code>/api/x/&lt;y&gt;</code>')
    expect(odd).toContain('<p>Query: <code>a&lt;b</code></p>')
    expect(odd).toContain('<p>A &amp; B</p>')
    expect(odd).toContain('<p>plain</p>')
    expect(odd.match(/Query:/g)).toHaveLength(1)
    expect(odd).not.toContain('Request body schema')
  })
})
