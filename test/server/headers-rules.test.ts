import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { apiJson, noStore, securityHeaders } from '../../server/http/headers.ts'
import { openTicket, setup } from './helpers.ts'

/** The Content-Security-Policy header as a map of directive → sources. */
function directives(csp: string): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const part of csp.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (name) out[name] = sources
  }
  return out
}

describe('security header rules', () => {
  const app = new Hono()
  app.use('*', securityHeaders())
  app.use('/api/*', noStore())
  app.get('/page', (c) => c.text('page'))
  app.get('/api/cached', (c) => {
    c.header('cache-control', 'public, max-age=600')
    return c.json({ ok: true })
  })

  it('the policy allows exactly these sources, directive by directive', async () => {
    const res = await app.request('/page')
    expect(directives(res.headers.get('content-security-policy') ?? '')).toEqual({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'"],
      'connect-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
    })
  })

  it('no framing, no sniffing, no referrer, and no HSTS (left to the TLS proxy)', async () => {
    const res = await app.request('/page')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    expect(res.headers.get('strict-transport-security')).toBeNull()
  })

  it('an API answer is never cached, even when its handler asked for caching; a page keeps its own', async () => {
    const api = await app.request('/api/cached')
    expect(api.headers.get('cache-control')).toBe('no-store')
    const page = await app.request('/page')
    expect(page.headers.get('cache-control')).toBeNull()
  })
})

describe('an answer built with its headers at once', () => {
  const app = new Hono()
  app.use('*', securityHeaders())
  app.use('/api/*', noStore())
  app.get('/api/built', (c) => c.json({ ok: true }))
  app.get('/api/complete', () => apiJson({ ok: true }, 201))

  it('carries exactly the headers the middlewares give any other API answer', async () => {
    const built = await app.request('/api/built')
    const complete = await app.request('/api/complete')
    expect(complete.status).toBe(201)
    expect(await complete.json()).toEqual({ ok: true })
    const all = (r: Response) => Object.fromEntries([...r.headers].filter(([k]) => k !== 'content-length'))
    expect(all(complete)).toEqual(all(built))
    expect(all(complete)['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(all(complete)['cache-control']).toBe('no-store')
    expect(all(complete)['content-type']).toBe('application/json')
  })

  it('is what a note on a ticket answers with, with the same header names as a listing', async () => {
    const ctx = await setup()
    const t = await openTicket(ctx)
    const res = await ctx.sopflow.app.request(`/api/tickets/${t.id}/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ctx.tokens.agent}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Called back' }),
    })
    const list = await ctx.sopflow.app.request('/api/sops', {
      headers: { authorization: `Bearer ${ctx.tokens.agent}` },
    })
    const names = (r: Response) => [...r.headers.keys()].filter((k) => k !== 'content-length').sort()
    expect(names(res)).toEqual(names(list))
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    await ctx.storage.close()
  })
})
