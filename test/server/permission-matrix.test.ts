import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decide, PERMISSIONS, permissionOf, SCOPES } from '../../server/auth/permissions.ts'
import { type RunningServer, startServer } from '../../server/start.ts'
import { ROLES } from '../../server/storage/types.ts'

/**
 * The reviewed permission specification: who may call each operation, and with which token
 * scopes. The table in server/auth/permissions.ts must say exactly this, and the running server
 * must answer exactly what the table says, so opening a route to another role fails here.
 */
const SPEC: Record<string, string> = {
  'GET /api/openapi.json': 'public',
  'GET /api/docs': 'public',
  'GET /api/health': 'public',
  'GET /api/auth/config': 'public',
  'POST /api/auth/sign-in': 'public',
  'GET /api/auth/session': 'session',
  'POST /api/auth/sign-out': 'public',
  'POST /api/auth/sign-out-everywhere': 'session',
  'GET /api/auth/links/{secret}': 'public',
  'POST /api/auth/links/{secret}': 'public',
  'GET /api/auth/oidc/start': 'public',
  'GET /api/auth/oidc/callback': 'public',
  'GET /api/me': 'everyone | any scope',
  'GET /api/permissions': 'everyone | any scope',
  'GET /api/roles': 'everyone | any scope',
  'POST /api/roles': 'admin | admin',
  'PUT /api/roles/members/{userId}': 'admin | admin',
  'GET /api/teams': 'everyone | any scope',
  'POST /api/teams': 'admin | admin',
  'PUT /api/teams/{id}': 'admin | admin',
  'GET /api/users': 'admin supervisor auditor | read admin',
  'POST /api/users': 'admin | admin',
  'PUT /api/users/{id}/role': 'admin | admin',
  'PUT /api/users/{id}/team': 'admin | admin',
  'POST /api/users/{id}/disable': 'admin | admin',
  'POST /api/users/{id}/enable': 'admin | admin',
  'POST /api/users/invitations': 'admin | admin',
  'POST /api/users/{id}/password-reset': 'admin | admin',
  'GET /api/tokens': 'everyone | any scope',
  'POST /api/tokens': 'everyone | any scope',
  'DELETE /api/tokens/{id}': 'everyone | any scope',
  'GET /api/admin/tokens': 'admin | admin',
  'POST /api/admin/tokens': 'admin | admin',
  'DELETE /api/admin/tokens/{id}': 'admin | admin',
  'GET /api/admin-log': 'admin auditor | read admin',
  'GET /api/sops': 'readers | read tickets sops ingest',
  'POST /api/sops': 'admin owner | sops',
  'GET /api/sops/{id}': 'readers | read tickets sops ingest',
  'PUT /api/sops/{id}': 'admin owner | sops',
  'POST /api/sops/{id}/validate': 'readers | read sops',
  'POST /api/sops/{id}/publish': 'admin owner | sops',
  'GET /api/sops/{id}/versions/{n}': 'readers | read tickets sops ingest',
  'POST /api/sops/{id}/archive': 'admin owner | sops',
  'POST /api/sops/{id}/unarchive': 'admin owner | sops',
  'GET /api/calendars': 'readers | read tickets sops ingest',
  'GET /api/calendars/{id}': 'readers | read tickets sops ingest',
  'PUT /api/calendars/{id}': 'admin owner | sops',
  'GET /api/calendars/{id}/versions/{n}': 'readers | read tickets sops ingest',
  'GET /api/holidays': 'readers | read tickets sops ingest',
  'GET /api/holidays/regions': 'readers | read tickets sops ingest',
  'GET /api/holidays/regions/{country}': 'readers | read tickets sops ingest',
  'GET /api/customers': 'ticket readers | read tickets ingest',
  'POST /api/customers': 'workers | tickets ingest',
  'GET /api/customers/{id}': 'ticket readers | read tickets',
  'PUT /api/customers/{id}': 'workers | tickets',
  'POST /api/customers/{id}/surveys': 'workers | tickets ingest',
  'GET /api/tickets': 'ticket readers | read tickets',
  'POST /api/tickets': 'workers | tickets ingest',
  'GET /api/tickets/{id}': 'ticket readers | read tickets',
  'POST /api/tickets/{id}/actions': 'workers | tickets | assignee',
  'POST /api/tickets/{id}/update': 'workers | tickets | assignee',
  'POST /api/tickets/{id}/override': 'admin supervisor | tickets',
  'POST /api/tickets/{id}/claim': 'workers | tickets | assignee',
  'POST /api/tickets/{id}/assign': 'admin supervisor | tickets',
  'POST /api/tickets/{id}/notes': 'workers | tickets | assignee',
  'GET /api/tickets/{id}/watchers': 'ticket readers | read tickets',
  'GET /api/tickets/{id}/reply-templates': 'workers | tickets',
  'POST /api/tickets/{id}/watchers': 'workers | tickets',
  'DELETE /api/tickets/{id}/watchers/{userId}': 'workers | tickets',
  'GET /api/tickets/{id}/history': 'ticket readers | read tickets',
  'GET /api/tickets/{id}/verify': 'ticket readers | read tickets',
  'GET /api/tickets/{id}/evidence': 'ticket readers | read tickets',
  'GET /api/ledger/head': 'readers | read tickets',
  'GET /api/ledger/proof/inclusion': 'readers | read tickets',
  'GET /api/ledger/proof/consistency': 'readers | read tickets',
  'GET /api/keys': 'readers | read tickets',
  'GET /api/tickets/{id}/conversation': 'ticket readers | read tickets',
  'POST /api/tickets/{id}/conversation': 'workers | tickets | assignee',
  'POST /api/tickets/{id}/status-links/revoke': 'workers | tickets',
  'GET /api/attachments/{id}': 'ticket readers | read tickets',
  'GET /api/channels': 'admin owner | admin',
  'POST /api/channels': 'admin owner | admin',
  'GET /api/channels/held': 'admin owner | admin',
  'GET /api/channels/{id}': 'admin owner | admin',
  'PATCH /api/channels/{id}': 'admin owner | admin',
  'DELETE /api/channels/{id}': 'admin owner | admin',
  'POST /api/channels/{id}/test': 'admin owner | admin',
  'GET /api/channels/phone/lookup': 'ticket readers | ingest read tickets',
  'POST /api/channels/{id}/messages': 'public',
  'GET /api/public/forms/{slug}': 'public',
  'POST /api/public/forms/{slug}': 'public',
  'GET /api/public/status/{token}': 'public',
  'POST /api/public/status/{token}/replies': 'public',
  'GET /api/public/surveys/{token}': 'public',
  'POST /api/public/surveys/{token}': 'public',
  'GET /api/outbox': 'admin | admin',
  'GET /api/outbox/{id}': 'admin | admin',
  'POST /api/outbox/{id}/retry': 'admin | admin',
  'GET /api/webhooks': 'admin | admin',
  'POST /api/webhooks': 'admin | admin',
  'PUT /api/webhooks/{id}': 'admin | admin',
  'POST /api/webhooks/{id}/rotate': 'admin | admin',
  'GET /api/webhooks/{id}/deliveries': 'admin | admin',
  'POST /api/webhooks/{id}/deliveries/{mid}/resend': 'admin | admin',
  'GET /api/notifications': 'everyone | any scope',
  'POST /api/notifications/read': 'everyone | any scope',
  'GET /api/notifications/settings': 'everyone | any scope',
  'PUT /api/notifications/settings': 'everyone | any scope',
  'GET /api/notifications/stream': 'everyone | any scope',
  'GET /api/metrics': 'admin owner supervisor auditor | read',
  'GET /api/metrics/tickets': 'admin supervisor auditor | read',
  'GET /api/metrics/workload': 'admin owner supervisor auditor | read',
  'GET /api/metrics/options': 'admin owner supervisor auditor | read',
  'GET /api/audit/tickets': 'admin supervisor auditor | read tickets',
}

const GROUPS: Record<string, string> = {
  everyone: [...ROLES].sort().join(' '),
  readers: [...ROLES].sort().join(' '),
  workers: ['admin', 'agent', 'senior_agent', 'supervisor'].sort().join(' '),
  'ticket readers': ['admin', 'agent', 'auditor', 'senior_agent', 'supervisor'].sort().join(' '),
}

/** The table's entry written the way SPEC writes it. */
function described(method: string, path: string): string {
  const rule = permissionOf(method, path)
  if (!rule) return 'missing from the table'
  if (rule.roles === 'public' || rule.roles === 'session') return rule.roles
  const roles = [...rule.roles].sort().join(' ')
  const scopes = rule.scopes.length === SCOPES.length ? 'any scope' : [...rule.scopes].sort().join(' ')
  return [roles, scopes, rule.ownership ? 'assignee' : ''].filter(Boolean).join(' | ')
}

function specified(key: string): string {
  const parts = SPEC[key].split(' | ')
  if (parts[0] === 'public' || parts[0] === 'session') return parts[0]
  const roles = GROUPS[parts[0]] ?? parts[0].split(' ').sort().join(' ')
  const scopes = parts[1] === 'any scope' ? parts[1] : parts[1].split(' ').sort().join(' ')
  return [roles, scopes, parts[2] ?? ''].filter(Boolean).join(' | ')
}

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
  it('the table says exactly what the reviewed specification says, for every operation', () => {
    const fromTable = Object.fromEntries(
      PERMISSIONS.map((r) => [`${r.method} ${r.path}`, described(r.method, r.path)]),
    )
    const fromSpec = Object.fromEntries(Object.keys(SPEC).map((k) => [k, specified(k)]))
    expect(fromTable).toEqual(fromSpec)
  })

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

  it('no request path can match two entries of the table, so the guard and the router agree on the route', () => {
    const segments = (p: string) => p.split('/').filter(Boolean)
    const overlap = (a: string, b: string) => {
      const [x, y] = [segments(a), segments(b)]
      return (
        x.length === y.length && x.every((s, i) => s === y[i] || s.startsWith('{') || y[i].startsWith('{'))
      )
    }
    // Two entries may overlap only where they say the same: the guard's answer is then the same
    // whichever of them the router takes (e.g. `/api/channels/held` beside `/api/channels/{id}`).
    const samePermission = (a: (typeof PERMISSIONS)[number], b: (typeof PERMISSIONS)[number]) =>
      JSON.stringify([a.roles, a.scopes, a.ownership]) === JSON.stringify([b.roles, b.scopes, b.ownership])
    const clashes: string[] = []
    PERMISSIONS.forEach((a, i) => {
      for (const b of PERMISSIONS.slice(i + 1))
        if (a.method === b.method && overlap(a.path, b.path) && !samePermission(a, b))
          clashes.push(`${a.method} ${a.path} ~ ${b.path}`)
    })
    expect(clashes).toEqual([])
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
