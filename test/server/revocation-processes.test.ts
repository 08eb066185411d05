import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootChild, type ChildServer } from './child.ts'

/** Two server processes on one SQLite file: what one of them changes, the other obeys at once. */
let a: ChildServer
let b: ChildServer
let admin: string

async function api(url: string, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

beforeAll(async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'sopflow-two-')), 'db.sqlite')
  a = await bootChild(db)
  admin = a.token
  b = await bootChild(db)
}, 90_000)

afterAll(() => {
  a?.child.kill('SIGKILL')
  b?.child.kill('SIGKILL')
})

describe('two server processes on the same database', () => {
  it('a token revoked on one is refused by the other at the very next request', async () => {
    const made = await api(a.url, 'POST', '/api/tokens', admin, { name: 'shared', scopes: ['read'] })
    expect((await api(b.url, 'GET', '/api/me', made.body.secret)).status).toBe(200)
    expect((await api(a.url, 'DELETE', `/api/tokens/${made.body.token.id}`, admin)).status).toBe(200)
    const next = await api(b.url, 'GET', '/api/me', made.body.secret)
    expect(next).toMatchObject({ status: 401, body: { code: 'token_revoked' } })
  })

  it('a token that expires is refused by both processes from its expiry on', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString()
    const made = await api(a.url, 'POST', '/api/tokens', admin, {
      name: 'brief',
      scopes: ['read'],
      expiresAt,
    })
    expect((await api(b.url, 'GET', '/api/me', made.body.secret)).status).toBe(200)
    await new Promise((r) => setTimeout(r, Date.parse(expiresAt) - Date.now() + 50))
    for (const url of [a.url, b.url]) {
      expect((await api(url, 'GET', '/api/me', made.body.secret)).body.code).toBe('token_expired')
    }
  })

  it('a user disabled on one process is refused by the other at the next request, writes included', async () => {
    const made = await api(a.url, 'POST', '/api/users', admin, { name: 'Leaving agent', role: 'agent' })
    const token = made.body.token
    expect((await api(b.url, 'POST', '/api/customers', token, { name: 'Before' })).status).toBe(201)
    expect((await api(a.url, 'POST', `/api/users/${made.body.user.id}/disable`, admin)).status).toBe(200)
    const write = await api(b.url, 'POST', '/api/customers', token, { name: 'After' })
    expect(write).toMatchObject({ status: 401, body: { code: 'user_disabled' } })
    const found = await api(a.url, 'GET', '/api/customers?q=After', admin)
    expect(found.body).toEqual([])
  })
})
