import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decide, PERMISSIONS, permissionOf, SCOPES } from '../../server/auth/permissions.ts'
import { type RunningServer, startServer } from '../../server/start.ts'
import { ROLES } from '../../server/storage/types.ts'

import { SPEC } from './permissionSpec.ts'

interface Caller {
  name: string
  header: string | null
  /** What the table's answer is for this caller, or 401 whatever the route (a dead credential). */
  expect: (method: string, path: string) => 'allowed' | 401 | 403
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

let server: RunningServer
let doc: { paths: Record<string, Record<string, unknown>> }
const callers: Caller[] = []

async function api(method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  // A stream (server-sent events) stays open: its status is the answer.
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
    await res.body?.cancel()
    return { status: res.status, body: null }
  }
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

const byTable =
  (role: string, scopes: readonly string[] | null) =>
  (method: string, path: string): 'allowed' | 401 | 403 => {
    const rule = permissionOf(method, path)
    if (!rule) return 403
    // A session route answers bearer-token callers as not signed in.
    if (rule.roles === 'session') return 401
    return decide(rule, role, scopes) === 'allowed' ? 'allowed' : 403
  }
const dead = (method: string, path: string): 'allowed' | 401 => {
  const rule = permissionOf(method, path)
  return rule?.roles === 'public' ? 'allowed' : 401
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-matrix-'))
  server = await startServer({ dbPath: join(dir, 'db.sqlite'), port: 0, seedExamples: false })
  const admin = server.adminToken
  for (const role of ROLES) {
    const r = await api('POST', '/api/users', admin, { name: `${role} person`, role, team: 'hanoi' })
    expect(r.status).toBe(201)
    callers.push({ name: `role ${role}`, header: r.body.token, expect: byTable(role, null) })
  }
  callers.push({ name: 'no token', header: null, expect: dead })
  callers.push({ name: 'malformed token', header: 'not a token', expect: dead })
  callers.push({ name: 'unknown token', header: 'sf_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', expect: dead })

  const revoked = await api('POST', '/api/tokens', admin, { name: 'to revoke', scopes: [...SCOPES] })
  expect((await api('DELETE', `/api/tokens/${revoked.body.token.id}`, admin)).status).toBe(200)
  callers.push({ name: 'revoked token', header: revoked.body.secret, expect: dead })

  const disabledUser = await api('POST', '/api/users', admin, { name: 'Gone admin', role: 'admin' })
  expect((await api('POST', `/api/users/${disabledUser.body.user.id}/disable`, admin)).status).toBe(200)
  callers.push({ name: 'disabled user', header: disabledUser.body.token, expect: dead })

  for (const scope of SCOPES) {
    const t = await api('POST', '/api/tokens', admin, { name: `only ${scope}`, scopes: [scope] })
    expect(t.status).toBe(201)
    callers.push({
      name: `admin token with scope ${scope}`,
      header: t.body.secret,
      expect: byTable('admin', [scope]),
    })
  }

  const soon = new Date(Date.now() + 1500).toISOString()
  const expiring = await api('POST', '/api/tokens', admin, {
    name: 'short',
    scopes: [...SCOPES],
    expiresAt: soon,
  })
  expect(expiring.status).toBe(201)
  doc = (await api('GET', '/api/openapi.json', null)).body
  await sleep(Math.max(0, Date.parse(soon) - Date.now() + 50))
  callers.push({ name: 'expired token', header: expiring.body.secret, expect: dead })
}, 60_000)

afterAll(async () => {
  await server?.close()
})

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((m) => ({ method: m.toUpperCase(), path })),
  )

describe('the permission matrix', () => {
  it('every operation of the served OpenAPI document, called by every role and token state, gets the table’s answer', async () => {
    const ops = operations()
    expect(ops.length).toBeGreaterThanOrEqual(Object.keys(SPEC).length)
    const wrong: string[] = []
    let calls = 0
    for (const op of ops) {
      const url = op.path.replace('{n}', '1').replace(/\{\w+\}/g, 'zz-missing')
      const body = op.method === 'POST' || op.method === 'PUT' ? {} : undefined
      await Promise.all(
        callers.map(async (caller) => {
          const res = await fetch(`${server.url}${url}`, {
            method: op.method,
            headers: {
              ...(caller.header ? { authorization: `Bearer ${caller.header}` } : {}),
              ...(body ? { 'content-type': 'application/json' } : {}),
            },
            body: body ? JSON.stringify(body) : undefined,
          })
          // A stream (server-sent events) stays open: its status is the answer.
          if (res.headers.get('content-type')?.startsWith('text/event-stream')) await res.body?.cancel()
          else await res.arrayBuffer()
          calls++
          const want = caller.expect(op.method, op.path)
          const got = res.status === 401 || res.status === 403 ? res.status : 'allowed'
          if (got !== want)
            wrong.push(`${op.method} ${op.path} as ${caller.name}: ${res.status}, expected ${want}`)
        }),
      )
    }
    expect(wrong).toEqual([])
    expect(calls).toBe(ops.length * callers.length)
  }, 120_000)

  it('a dead credential is refused with a code naming why', async () => {
    const byName = (n: string) => callers.find((c) => c.name === n)!.header
    expect((await api('GET', '/api/me', byName('revoked token'))).body.code).toBe('token_revoked')
    expect((await api('GET', '/api/me', byName('expired token'))).body.code).toBe('token_expired')
    expect((await api('GET', '/api/me', byName('disabled user'))).body.code).toBe('user_disabled')
    const narrow = await api('GET', '/api/users', byName('admin token with scope tickets'))
    expect(narrow.body).toMatchObject({ status: 403, code: 'scope_missing' })
  })
})

describe('every route is in the table and in the OpenAPI document', () => {
  it('the app, the table and the document list the same operations', () => {
    const norm = (p: string) => p.replace(/:(\w+)/g, '{$1}').replace(/\/$/, '')
    const inApp = new Set(
      server.app.app.routes
        .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/') && !r.path.includes('*'))
        .map((r) => `${r.method} ${norm(r.path)}`),
    )
    const inTable = new Set(PERMISSIONS.map((r) => `${r.method} ${r.path}`))
    const inDoc = new Set(operations().map((o) => `${o.method} ${o.path}`))
    const missing = (from: Set<string>, to: Set<string>) => [...from].filter((k) => !to.has(k)).sort()
    expect({ appNotInTable: missing(inApp, inTable), appNotInDocument: missing(inApp, inDoc) }).toEqual({
      appNotInTable: [],
      appNotInDocument: [],
    })
    expect({ tableNotInApp: missing(inTable, inApp), documentNotInTable: missing(inDoc, inTable) }).toEqual({
      tableNotInApp: [],
      documentNotInTable: [],
    })
  })

  it('each operation of the document lists its roles and security schemes from the table', () => {
    for (const { method, path } of operations()) {
      const op = doc.paths[path][method.toLowerCase()] as Record<string, unknown>
      const rule = permissionOf(method, path)!
      if (rule.roles === 'public') {
        expect(op.security, path).toEqual([])
      } else if (rule.roles === 'session') {
        expect(op['x-roles'], path).toEqual([])
        expect(op.security, path).toEqual([{ session: [] }])
      } else {
        expect(op['x-roles'], path).toEqual([...rule.roles])
        expect(op.security, path).toEqual([{ bearer: [...rule.scopes] }, { session: [] }])
      }
    }
  })
})
