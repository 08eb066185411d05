import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { SopError } from '../../engine/index.ts'
import {
  forbidden,
  jsonBody,
  notFound,
  onError,
  PROBLEM_CODES,
  Problem,
  parse,
} from '../../server/http/problem.ts'
import { ConflictError } from '../../server/storage/types.ts'

/** A server whose one route throws what `fail` gives, rendered by the error handler. */
const render = async (fail: () => Error) => {
  const logged: string[] = []
  const app = new Hono()
  app.all('/api/thing', () => {
    throw fail()
  })
  app.onError(onError((line) => logged.push(line)))
  const res = await app.request('http://desk.example/api/thing')
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json(), logged }
}

describe('rendering errors as problem+json', () => {
  it('a Problem keeps its status, code, message, params and extension members', async () => {
    const r = await render(() => new Problem(409, 'stale_version', 'Old', { version: 3, allowed: ['a'] }))
    expect(r.status).toBe(409)
    expect(r.type).toBe('application/problem+json; charset=utf-8')
    expect(r.body).toEqual({
      type: 'https://sopflow.dev/problems/stale_version',
      title: 'Conflict',
      status: 409,
      code: 'stale_version',
      params: { version: 3 },
      detail: 'Old',
      instance: '/api/thing',
      version: 3,
      allowed: ['a'],
    })
    expect(r.logged).toEqual([])
  })
  it('a Problem with params given renders those, not its members', async () => {
    const r = await render(
      () => new Problem(429, 'rate_limited', 'Slow down', { retry: 5, params: { seconds: 5 } }),
    )
    expect(r.body).toMatchObject({ title: 'Too Many Requests', params: { seconds: 5 }, retry: 5 })
    expect(r.body).not.toHaveProperty('params.retry')
  })
  it('a SOP error is a 422 with its id and diagnostics', async () => {
    const r = await render(() => new SopError('unknown_step', 'No step "x"', { id: 'x' }))
    expect(r.status).toBe(422)
    expect(r.body).toEqual({
      type: 'https://sopflow.dev/problems/unknown_step',
      title: 'Unprocessable Content',
      status: 422,
      code: 'unknown_step',
      params: { id: 'x', count: 0 },
      detail: 'No step "x"',
      instance: '/api/thing',
      id: 'x',
      diagnostics: [],
    })
    const noId = await render(() => new SopError('invalid_document', 'Bad'))
    expect(noId.body.params).toEqual({ id: '', count: 0 })
  })
  it('a storage conflict is a 409 stale_version, a missing row a 404, a draft conflict keeps its code', async () => {
    const stale = await render(() => new ConflictError('version', 'Changed meanwhile', { version: 4 }))
    expect(stale).toMatchObject({
      status: 409,
      body: { code: 'stale_version', params: { version: 4 }, title: 'Conflict' },
    })
    const staleBare = await render(() => new ConflictError('version', 'Changed meanwhile'))
    expect(staleBare.body.params).toEqual({})
    const missing = await render(() => new ConflictError('not_found', 'Gone'))
    expect(missing).toMatchObject({
      status: 404,
      body: { code: 'not_found', title: 'Not Found', detail: 'Gone', params: { kind: 'ticket', id: '' } },
    })
    const draft = await render(() => new ConflictError('draft_conflict', 'Edited elsewhere', { by: 'ann' }))
    expect(draft).toMatchObject({ status: 409, body: { code: 'draft_conflict', params: { by: 'ann' } } })
  })
  it('a schema error names each bad field once', async () => {
    const r = await render(() => {
      const p = z.object({ a: z.string(), b: z.object({ c: z.number() }) }).safeParse({ a: 1, b: { c: 'x' } })
      return p.success ? new Error('parsed') : p.error
    })
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('invalid_request')
    expect(r.body.title).toBe('Bad Request')
    expect(r.body.params).toEqual({ where: 'body', fields: 'a, b.c' })
    expect(r.body.detail).toMatch(/^a: .+; b\.c: .+$/)
  })
  it('an HTTP exception keeps its status; 413 is body_too_large; no message falls back to the title', async () => {
    const big = await render(() => new HTTPException(413))
    expect(big.body).toMatchObject({
      status: 413,
      code: 'body_too_large',
      title: 'Content Too Large',
      detail: 'Content Too Large',
      params: { status: 413 },
    })
    const other = await render(() => new HTTPException(415, { message: 'Send JSON' }))
    expect(other.body).toMatchObject({
      status: 415,
      code: 'http_error',
      detail: 'Send JSON',
      title: 'Unsupported Media Type',
    })
    const odd = await render(() => new HTTPException(418))
    expect(odd.body).toMatchObject({
      status: 418,
      code: 'http_error',
      detail: 'Request failed',
      title: 'Error',
    })
  })
  it('anything else is a 500 that hides the cause from the client and logs it', async () => {
    const r = await render(() => new Error('secret detail'))
    expect(r.status).toBe(500)
    expect(r.body).toEqual({
      type: 'https://sopflow.dev/problems/internal_error',
      title: 'Internal Server Error',
      status: 500,
      code: 'internal_error',
      params: {},
      detail: 'Something went wrong on the server; the request was not applied.',
      instance: '/api/thing',
    })
    expect(r.logged).toHaveLength(1)
    expect(r.logged[0]).toMatch(/^error: Error: secret detail\n/)
  })
  it('the titles of the other statuses', async () => {
    const titles: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 502: 'Bad Gateway' }
    for (const [status, title] of Object.entries(titles)) {
      const r = await render(() => new Problem(Number(status) as 401, 'forbidden', 'x'))
      expect(r.body.title).toBe(title)
    }
  })
})

describe('problems built by the helpers', () => {
  it('not found names the kind as a slug and the id', () => {
    const p = notFound('SOP version', 'v-1')
    expect([p.status, p.code, p.message]).toEqual([404, 'not_found', 'SOP version "v-1" does not exist'])
    expect(p.params).toEqual({ kind: 'sop_version', id: 'v-1' })
    expect(p.extra).toEqual({ id: 'v-1' })
    expect(notFound('Calendar  version', 'c').params).toEqual({ kind: 'calendar_version', id: 'c' })
  })
  it('a Problem without params given takes the string and number members as its params', () => {
    const p = new Problem(409, 'stale_version', 'Changed', { id: 't_1', version: 3, flag: true, list: [1] })
    expect(p.params).toEqual({ id: 't_1', version: 3 })
  })
  it('forbidden is a 403 with the message given', () => {
    const p = forbidden('Not yours')
    expect([p.status, p.code, p.message, p.params]).toEqual([403, 'forbidden', 'Not yours', {}])
  })
  it('parse returns the data, or a 400 naming every bad member where it was', () => {
    const schema = z.object({ name: z.string().min(1), age: z.number() })
    expect(parse(schema, { name: 'a', age: 1 })).toEqual({ name: 'a', age: 1 })
    try {
      parse(schema, { name: '', age: 'x' }, 'query')
      expect.unreachable()
    } catch (err) {
      const p = err as Problem
      expect(p.code).toBe('invalid_request')
      expect(p.status).toBe(400)
      expect(p.params).toEqual({ where: 'query', fields: 'name, age' })
      expect(p.message).toMatch(/^Invalid query: name: .+; age: .+$/)
      expect((p.extra.errors as { path: string }[]).map((e) => e.path)).toEqual(['name', 'age'])
    }
    try {
      parse(z.string(), 5)
      expect.unreachable()
    } catch (err) {
      const p = err as Problem
      expect(p.params).toEqual({ where: 'body', fields: 'body' })
      expect(p.message).toMatch(/^Invalid body: Invalid input/)
    }
  })
  it('every code is listed once, the engine’s too', () => {
    expect(new Set(PROBLEM_CODES).size).toBe(PROBLEM_CODES.length)
    expect(PROBLEM_CODES).toContain('unknown_step')
    expect(PROBLEM_CODES).toContain('csrf_refused')
  })
})

describe('reading a JSON body', () => {
  const app = new Hono()
  app.post('/echo', async (c) => c.json({ got: await jsonBody(c) }))
  app.onError(onError(() => {}))
  const post = (body: string) =>
    app.request('http://desk.example/echo', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    })
  it('reads JSON, and an empty or blank body as {}', async () => {
    expect(await (await post('{"a":[1]}')).json()).toEqual({ got: { a: [1] } })
    expect(await (await post('')).json()).toEqual({ got: {} })
    expect(await (await post('  \n')).json()).toEqual({ got: {} })
  })
  it('names malformed JSON', async () => {
    const r = await post('{"a":')
    expect(r.status).toBe(400)
    const body = await r.json()
    expect(body.code).toBe('malformed_json')
    expect(body.detail).toMatch(/^The request body is not valid JSON: ./)
  })
})
