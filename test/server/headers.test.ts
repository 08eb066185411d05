import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../server/start.ts'
import { root } from './helpers.ts'

const staticDir = join(root, 'dist', 'editor')

describe('security headers', () => {
  let server: RunningServer
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopflow-headers-'))
    server = await startServer({ dbPath: join(dir, 'db.sqlite'), port: 0, seedExamples: false, staticDir })
  })
  afterAll(() => server.close())

  const get = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init)
  const auth = () => ({ authorization: `Bearer ${server.adminToken}` })

  function expectHardened(res: Response, what: string) {
    const h = (name: string) => `${what}: ${name}=${res.headers.get(name)}`
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp, what).toContain("default-src 'self'")
    expect(csp, what).toContain("script-src 'self'")
    expect(csp, what).not.toMatch(/script-src[^;]*unsafe-inline/)
    expect(csp, what).toContain("frame-ancestors 'none'")
    expect(h('x-content-type-options')).toBe(`${what}: x-content-type-options=nosniff`)
    expect(h('referrer-policy')).toBe(`${what}: referrer-policy=no-referrer`)
    expect(h('x-frame-options')).toBe(`${what}: x-frame-options=DENY`)
  }

  it('are on API answers, which are never cached', async () => {
    const res = await get('/api/me', { headers: auth() })
    expect(res.status).toBe(200)
    expectHardened(res, 'GET /api/me')
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('are on the web app page and its static files', async () => {
    const page = await get('/inbox')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toContain('text/html')
    expectHardened(page, 'GET /inbox')
    const css = readdirSync(join(staticDir, 'assets')).find((f) => f.endsWith('.css'))!
    const asset = await get(`/assets/${css}`)
    expect(asset.status).toBe(200)
    expectHardened(asset, 'GET /assets/*.css')
    expect(asset.headers.get('cache-control')).toContain('immutable')
  })

  it('are on a 404, a 401, a problem answer and a 413', async () => {
    const missing = await get('/api/nothing-here', { headers: auth() })
    expect(missing.status).toBe(404)
    expectHardened(missing, '404')
    expect(missing.headers.get('cache-control')).toBe('no-store')
    const unauthenticated = await get('/api/me')
    expect(unauthenticated.status).toBe(401)
    expectHardened(unauthenticated, '401')
    const malformed = await get('/api/tickets', {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: '{not json',
    })
    expect(malformed.status).toBe(400)
    expect(malformed.headers.get('content-type')).toContain('application/problem+json')
    expectHardened(malformed, '400 problem')
    expect(malformed.headers.get('cache-control')).toBe('no-store')
    const large = await get('/api/tickets', {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: 'x'.repeat(2 * 1024 * 1024),
    })
    expect(large.status).toBe(413)
    expectHardened(large, '413')
    const badPath = await get('/%zz')
    expect(badPath.status).toBe(400)
    expectHardened(badPath, '400 bad path')
  })
})
