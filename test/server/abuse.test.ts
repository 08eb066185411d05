import type { ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootChild, type ChildServer, rssOf } from './child.ts'

/** Streams `total` bytes as a chunked body (no Content-Length) until the server answers. */
function streamChunked(
  url: string,
  path: string,
  token: string,
  total: number,
): Promise<{ status: number; body: string; type: string; sent: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(256 * 1024, 0x20)
    let sent = 0
    let answered = false
    const req = request(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    })
    req.on('response', (res) => {
      answered = true
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d) => {
        body += d
      })
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']), sent }),
      )
    })
    req.on('error', (err) => {
      if (!answered) reject(err)
    })
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length
        if (!req.write(chunk)) return void req.once('drain', pump)
      }
      if (!answered) req.end()
    }
    req.write('{"subject":"')
    pump()
  })
}

describe('a server under abuse', () => {
  let server: ChildServer
  const children: ChildProcess[] = []
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopflow-abuse-'))
    server = await bootChild(join(dir, 'abuse.sqlite'))
    children.push(server.child)
  }, 60_000)
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL')
  })

  it('refuses a 600 MB chunked body with 413 problem+json, its memory growing by under 50 MB', async () => {
    const pid = server.child.pid!
    // Warm the routes up so that the baseline includes the code that answers.
    await fetch(`${server.url}/api/sops`, { headers: { authorization: `Bearer ${server.token}` } })
    const before = rssOf(pid)
    let peak = before
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssOf(pid))
    }, 20)
    try {
      const res = await streamChunked(server.url, '/api/tickets', server.token, 600 * 1024 * 1024)
      peak = Math.max(peak, rssOf(pid))
      expect(res.status).toBe(413)
      expect(res.type).toContain('application/problem+json')
      expect(JSON.parse(res.body)).toMatchObject({ status: 413, code: 'body_too_large' })
    } finally {
      clearInterval(sampler)
    }
    expect(peak - before).toBeLessThan(50 * 1024 * 1024)
    // The server is still well and answers the next request.
    const health = await fetch(`${server.url}/api/health`)
    expect(health.status).toBe(200)
  }, 120_000)

  it('refuses a chunked body over the limit on every route that reads one', async () => {
    for (const path of ['/api/sops', '/api/sops/support-ticket/validate', '/api/customers', '/api/users']) {
      const res = await streamChunked(server.url, path, server.token, 4 * 1024 * 1024)
      expect({ path, status: res.status }).toEqual({ path, status: 413 })
      expect(JSON.parse(res.body).code).toBe('body_too_large')
    }
  }, 60_000)

  it('answers 400 problem+json naming the bad escape for malformed percent-encodings in a path', async () => {
    for (const path of ['/%zz', '/%E0%A4%A', '/assets/%zz.js', '/api/%zz']) {
      const res = await fetch(`${server.url}${path}`, {
        headers: { authorization: `Bearer ${server.token}` },
      })
      const body = (await res.json()) as { status: number; code: string; detail: string }
      expect({ path, status: res.status }).toEqual({ path, status: path.startsWith('/api/') ? 404 : 400 })
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      if (!path.startsWith('/api/')) {
        expect(body.code).toBe('malformed_path')
        expect(body.detail).toContain('percent-encoding')
      }
    }
  })

  it('refuses SOP documents nested thousands of levels deep with 400 on create and save', async () => {
    const deep = `${'['.repeat(4250)}${']'.repeat(4250)}`
    const text = `{"document":{"schema":"sopflow/v1","id":"deep","title":"Deep","steps":${deep}}}`
    for (const [method, path] of [
      ['POST', '/api/sops'],
      ['PUT', '/api/sops/support-ticket'],
    ]) {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body: text,
      })
      const body = (await res.json()) as { code: string; detail: string; limit: number }
      expect({ method, status: res.status }).toEqual({ method, status: 400 })
      expect(body.code).toBe('too_deeply_nested')
      expect(body.detail).toContain('more than 64 levels deep')
    }
    // Nothing was changed: the SOP does not exist and the draft is as it was.
    const created = await fetch(`${server.url}/api/sops/deep`, {
      headers: { authorization: `Bearer ${server.token}` },
    })
    expect(created.status).toBe(404)
    // A bracket inside a string does not count as nesting.
    const res = await fetch(`${server.url}/api/sops`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ document: { id: 'brackets', title: '['.repeat(200) } }),
    })
    expect(((await res.json()) as { code?: string }).code).not.toBe('too_deeply_nested')
  })
})
