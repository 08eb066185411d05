import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkJsonDepth, DEFAULT_MAX_BODY, MAX_JSON_DEPTH, readBodyText } from '../../server/http/body.ts'
import { onError, Problem } from '../../server/http/problem.ts'

/** Reading request bodies under a limit, over a real socket and without one, and the JSON depth check. */
const app = new Hono<{ Variables: { maxBody: number } }>()
app.use('/small/*', async (c, next) => {
  c.set('maxBody', 16)
  await next()
})
app.post('/small/text', async (c) => c.json({ text: await readBodyText(c) }))
app.post('/default/text', async (c) => c.json({ length: (await readBodyText(c)).length }))
app.post('/small/watch', async (c) => {
  try {
    await readBodyText(c)
    seen.push('read')
  } catch (e) {
    seen.push(e instanceof Problem ? e.code : (e as Error).message)
  }
  return c.text('')
})
app.onError(onError(() => {}))
const seen: string[] = []

let server: ReturnType<typeof serve>
let base: string
beforeAll(async () => {
  await new Promise<void>((ok) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ok())
  })
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((ok) => server.close(ok))
})

/** A POST over HTTP, the body sent in the chunks given (chunked transfer when there are several). */
function post(path: string, chunks: string[]): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: 'POST' }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d) => {
        text += d
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
    })
    req.on('error', reject)
    if (chunks.length === 1) req.setHeader('content-length', Buffer.byteLength(chunks[0]))
    for (const c of chunks) req.write(c)
    req.end()
  })
}

/** The same request without a socket: the body is a web stream of the chunks given. */
async function postStream(path: string, chunks: string[]) {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(new TextEncoder().encode(c))
      controller.close()
    },
  })
  const res = await app.request(`http://desk.example${path}`, {
    method: 'POST',
    body,
    duplex: 'half',
  } as RequestInit)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const sixteen = '0123456789abcdef'

describe.each([
  ['over a socket', post],
  ['without a socket', postStream],
] as const)('reading a request body %s', (_how, send) => {
  it('reads the whole body up to the limit, exactly, in one piece or in chunks', async () => {
    expect(await send('/small/text', [sixteen])).toEqual({ status: 200, body: { text: sixteen } })
    expect(await send('/small/text', ['0123', '4567', '89ab', 'cdef'])).toEqual({
      status: 200,
      body: { text: sixteen },
    })
    expect(await send('/small/text', ['héllo'])).toEqual({ status: 200, body: { text: 'héllo' } })
  })

  it('refuses one byte over the limit with 413 body_too_large naming the limit', async () => {
    for (const chunks of [[`${sixteen}x`], ['01234567', '89abcdef', 'x']]) {
      const r = await send('/small/text', chunks)
      expect(r.status).toBe(413)
      expect(r.body).toMatchObject({
        code: 'body_too_large',
        detail: 'The request body is larger than 16 bytes',
        params: { max: 16 },
        limit: 16,
      })
    }
  })

  it('limits a body to 1 MiB when no limit is set', async () => {
    expect(DEFAULT_MAX_BODY).toBe(1024 * 1024)
    const mib = 'a'.repeat(DEFAULT_MAX_BODY)
    expect(await send('/default/text', [mib.slice(0, 1000), mib.slice(1000)])).toEqual({
      status: 200,
      body: { length: DEFAULT_MAX_BODY },
    })
    const over = await send('/default/text', [mib, 'b'])
    expect(over.status).toBe(413)
    expect(over.body.limit).toBe(DEFAULT_MAX_BODY)
  })
})

describe('reading a request body', () => {
  it('fails the read with the socket’s error when the client goes away before the body is complete', async () => {
    const req = httpRequest(`${base}/small/watch`, { method: 'POST', headers: { 'content-length': '10' } })
    req.on('error', () => {})
    req.write('abc')
    await new Promise((r) => setTimeout(r, 100))
    req.destroy()
    for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20))
    // Node reports the abort as the request's error, which the read passes on instead of hanging.
    expect(seen).toEqual(['aborted'])
  })

  it('reads no body as empty text', async () => {
    const res = await app.request('http://desk.example/small/text', { method: 'POST' })
    expect(await res.json()).toEqual({ text: '' })
    expect(await post('/small/text', [''])).toEqual({ status: 200, body: { text: '' } })
  })
})

const depthError = (text: string, max?: number) => {
  try {
    checkJsonDepth(text, max)
    return null
  } catch (e) {
    if (e instanceof Problem) return e
    throw e
  }
}

describe('the nesting depth of a JSON body', () => {
  it('takes nesting up to the limit and refuses one level more, of arrays and objects alike', () => {
    expect(depthError('[[[1]]]', 3)).toBeNull()
    expect(depthError('{"a":{"b":{"c":1}}}', 3)).toBeNull()
    for (const text of ['[[[[1]]]]', '{"a":{"b":{"c":{"d":1}}}}', '[{"a":[{}]}]']) {
      const p = depthError(text, 3)
      expect(p).toMatchObject({
        status: 400,
        code: 'too_deeply_nested',
        message: 'The request body nests objects and arrays more than 3 levels deep',
        extra: { limit: 3 },
      })
    }
  })

  it('counts depth, not brackets: closed members do not add up', () => {
    expect(depthError('[[],[],{},[{}],{"a":[]}]', 3)).toBeNull()
    expect(depthError('[[]]', 1)?.code).toBe('too_deeply_nested')
  })

  it('ignores brackets inside strings, escaped quotes and backslashes included', () => {
    expect(depthError('["[[[[", "{{{{"]', 1)).toBeNull()
    expect(depthError('["\\"[[[[", "\\\\", "{{"]', 1)).toBeNull()
    expect(depthError('{"a\\"{{": "]]]]"}', 1)).toBeNull()
    // After an escaped backslash the string ends at the next quote, and brackets count again.
    expect(depthError('["\\\\", [[1]]]', 2)?.code).toBe('too_deeply_nested')
  })

  it('allows 64 levels by default', () => {
    expect(MAX_JSON_DEPTH).toBe(64)
    expect(depthError(`${'['.repeat(64)}${']'.repeat(64)}`)).toBeNull()
    expect(depthError(`${'['.repeat(65)}${']'.repeat(65)}`)?.code).toBe('too_deeply_nested')
  })
})
