import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { permissionGuard } from '../../server/auth/guard.ts'
import { onError } from '../../server/http/problem.ts'
import { type RunningServer, startServer } from '../../server/start.ts'
import { sqliteOf } from '../../server/storage/open.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { oldInstallation } from './oldInstallation.ts'

let server: RunningServer
let admin: string

async function api(method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

async function person(role: string, name = `${role} ${Math.random().toString(36).slice(2, 7)}`) {
  const r = await api('POST', '/api/users', admin, { name, role, team: 'hanoi' })
  expect(r.status).toBe(201)
  return { id: r.body.user.id as string, token: r.body.token as string }
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-tokens-'))
  server = await startServer({ dbPath: join(dir, 'db.sqlite'), port: 0, seedExamples: false })
  admin = server.adminToken
})
afterAll(async () => {
  await server?.close()
})

describe('personal API tokens', () => {
  it('shows the secret once, lists the token without it, and a revoked token is refused at the next request', async () => {
    const agent = await person('agent')
    const made = await api('POST', '/api/tokens', agent.token, { name: 'my script', scopes: ['read'] })
    expect(made.status).toBe(201)
    expect(made.body.secret).toMatch(/^sf_/)
    expect(made.body.token).toMatchObject({
      name: 'my script',
      kind: 'personal',
      scopes: ['read'],
      revokedAt: null,
    })
    const list = await api('GET', '/api/tokens', agent.token)
    const listed = list.body.find((t: { id: string }) => t.id === made.body.token.id)
    expect(listed).toMatchObject({ name: 'my script', scopes: ['read'] })
    expect(JSON.stringify(list.body)).not.toContain(made.body.secret)
    expect((await api('GET', '/api/me', made.body.secret)).status).toBe(200)
    expect(
      (await api('DELETE', `/api/tokens/${made.body.token.id}`, agent.token)).body.revokedAt,
    ).toBeTruthy()
    const after = await api('GET', '/api/me', made.body.secret)
    expect(after).toMatchObject({
      status: 401,
      body: { code: 'token_revoked', params: { name: 'my script' } },
    })
  })

  it("records the token's last use", async () => {
    const agent = await person('agent')
    const made = await api('POST', '/api/tokens', agent.token, { name: 'used', scopes: ['read'] })
    expect(made.body.token.lastUsedAt).toBeNull()
    await api('GET', '/api/me', made.body.secret)
    const listed = (await api('GET', '/api/tokens', agent.token)).body.find(
      (t: { id: string }) => t.id === made.body.token.id,
    )
    expect(Date.parse(listed.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000)
  })

  it('narrows the role: a read-only token reads but may not write, and cannot make a wider token', async () => {
    const agent = await person('agent')
    const read = (await api('POST', '/api/tokens', agent.token, { name: 'ro', scopes: ['read'] })).body.secret
    expect((await api('GET', '/api/tickets', read)).status).toBe(200)
    const write = await api('POST', '/api/customers', read, { name: 'Jana' })
    expect(write).toMatchObject({ status: 403, body: { code: 'scope_missing', params: { has: 'read' } } })
    const wider = await api('POST', '/api/tokens', read, { name: 'wider', scopes: ['read', 'tickets'] })
    expect(wider).toMatchObject({
      status: 403,
      body: { code: 'scope_not_held', params: { scopes: 'tickets' } },
    })
    // The admin scope on an agent's token gives the agent nothing an agent may not do.
    const adminScoped = (await api('POST', '/api/tokens', agent.token, { name: 'a', scopes: ['admin'] })).body
      .secret
    expect((await api('POST', '/api/users', adminScoped, { name: 'x', role: 'admin' })).status).toBe(403)
  })

  it('refuses bad token requests with a 4xx naming the field, and makes nothing', async () => {
    const agent = await person('agent')
    const before = (await api('GET', '/api/tokens', agent.token)).body.length
    const cases = [
      [{ name: '', scopes: ['read'] }, 'name'],
      [{ name: 'x', scopes: [] }, 'scopes'],
      [{ name: 'x', scopes: ['everything'] }, 'scopes.0'],
      [{ name: 'x', scopes: ['read'], expiresAt: 'tomorrow' }, 'expiresAt'],
      [{ name: 'x', scopes: ['read'], expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt'],
    ] as const
    for (const [body, path] of cases) {
      const r = await api('POST', '/api/tokens', agent.token, body)
      expect(r.status, JSON.stringify(body)).toBe(400)
      expect(JSON.stringify(r.body.errors), JSON.stringify(body)).toContain(`"path":"${path}"`)
    }
    expect((await api('GET', '/api/tokens', agent.token)).body.length).toBe(before)
  })

  it("no one revokes another person's token through /api/tokens (it does not exist for them)", async () => {
    const a = await person('agent')
    const b = await person('agent')
    const t = await api('POST', '/api/tokens', a.token, { name: 'mine', scopes: ['read'] })
    expect((await api('DELETE', `/api/tokens/${t.body.token.id}`, b.token)).status).toBe(404)
    expect((await api('GET', '/api/me', t.body.secret)).status).toBe(200)
  })
})

describe('GET /api/permissions', () => {
  it("answers, for the caller's role and token scopes, which operations they may call", async () => {
    const agent = await person('agent')
    const read = (await api('POST', '/api/tokens', agent.token, { name: 'ro', scopes: ['read'] })).body.secret
    const allowed = async (token: string) => {
      const r = await api('GET', '/api/permissions', token)
      return {
        body: r.body,
        ok: (op: string) => r.body.operations.find((o: any) => `${o.method} ${o.path}` === op),
      }
    }
    const full = await allowed(agent.token)
    expect(full.body).toMatchObject({ role: 'agent', via: 'token' })
    expect(full.ok('POST /api/customers')).toMatchObject({ allowed: true })
    expect(full.ok('POST /api/tickets/{id}/actions')).toEqual({
      method: 'POST',
      path: '/api/tickets/{id}/actions',
      allowed: true,
      ownership: true,
    })
    expect(full.ok('POST /api/sops/{id}/publish').allowed).toBe(false)
    const narrow = await allowed(read)
    expect(narrow.body.scopes).toEqual(['read'])
    expect(narrow.ok('GET /api/tickets').allowed).toBe(true)
    expect(narrow.ok('POST /api/customers').allowed).toBe(false)
  })
})

describe('service tokens and user administration', () => {
  it('an admin makes a service token for a service user, lists and revokes it', async () => {
    const svc = await person('agent', 'Zalo channel')
    const made = await api('POST', '/api/admin/tokens', admin, {
      userId: svc.id,
      name: 'zalo ingest',
      scopes: ['ingest'],
    })
    expect(made.body.token).toMatchObject({ kind: 'service', userId: svc.id, scopes: ['ingest'] })
    const all = await api('GET', '/api/admin/tokens', admin)
    expect(all.body.find((t: { id: string }) => t.id === made.body.token.id)).toMatchObject({
      userName: 'Zalo channel',
    })
    expect((await api('POST', '/api/customers', made.body.secret, { name: 'From Zalo' })).status).toBe(201)
    expect((await api('GET', '/api/tickets', made.body.secret)).status).toBe(403)
    expect((await api('DELETE', `/api/admin/tokens/${made.body.token.id}`, admin)).status).toBe(200)
    expect((await api('GET', '/api/me', made.body.secret)).body.code).toBe('token_revoked')
  })

  it('disabling a user refuses all their tokens at the next request; enabling lets them back', async () => {
    const agent = await person('agent')
    const second = (await api('POST', '/api/tokens', agent.token, { name: 'two', scopes: ['read'] })).body
      .secret
    const off = await api('POST', `/api/users/${agent.id}/disable`, admin)
    expect(off.body.disabledAt).toBeTruthy()
    for (const t of [agent.token, second])
      expect((await api('GET', '/api/me', t)).body.code).toBe('user_disabled')
    expect((await api('POST', `/api/users/${agent.id}/enable`, admin)).body.disabledAt).toBeNull()
    expect((await api('GET', '/api/me', agent.token)).status).toBe(200)
  })

  it('a role change applies at the next request', async () => {
    const u = await person('agent')
    expect((await api('GET', '/api/metrics/options', u.token)).status).toBe(403)
    const changed = await api('PUT', `/api/users/${u.id}/role`, admin, { role: 'supervisor' })
    expect(changed.body.role).toBe('supervisor')
    expect((await api('GET', '/api/metrics/options', u.token)).status).toBe(200)
    const bad = await api('PUT', `/api/users/${u.id}/role`, admin, { role: 'emperor' })
    expect(bad.status).toBe(400)
    expect((await api('GET', '/api/me', u.token)).body.role).toBe('supervisor')
  })

  it('the last active administrator can be neither disabled nor demoted', async () => {
    const me = (await api('GET', '/api/me', admin)).body
    const users = (await api('GET', '/api/users', admin)).body as {
      role: string
      disabledAt: string | null
    }[]
    expect(users.filter((u) => u.role === 'admin' && !u.disabledAt)).toHaveLength(1)
    const off = await api('POST', `/api/users/${me.id}/disable`, admin)
    expect(off).toMatchObject({ status: 409, body: { code: 'last_admin' } })
    const demote = await api('PUT', `/api/users/${me.id}/role`, admin, { role: 'agent' })
    expect(demote).toMatchObject({ status: 409, body: { code: 'last_admin' } })
    expect((await api('GET', '/api/me', admin)).body.role).toBe('admin')
  })
})

describe('the admin-actions log', () => {
  it('records who changed what with before and after, for admins and auditors only', async () => {
    const u = await person('agent', 'Logged Person')
    await api('PUT', `/api/users/${u.id}/role`, admin, { role: 'senior_agent' })
    await api('POST', `/api/users/${u.id}/disable`, admin)
    const t = await api('POST', '/api/tokens', u.token, { name: 'nope', scopes: ['read'] })
    expect(t.status).toBe(401)
    const auditor = await person('auditor')
    const log = await api('GET', `/api/admin-log?target=${u.id}`, auditor.token)
    expect(log.status).toBe(200)
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual([
      'user.disable',
      'user.role',
      'user.create',
    ])
    expect(log.body.items[1]).toMatchObject({
      actorName: 'Administrator',
      actorRole: 'admin',
      targetType: 'user',
      before: { role: 'agent' },
      after: { role: 'senior_agent' },
    })
    const agent = await person('agent')
    expect((await api('GET', '/api/admin-log', agent.token)).status).toBe(403)
  })

  it('logs token creation and revocation, and the database refuses to change or delete an entry', async () => {
    const u = await person('agent')
    const t = await api('POST', '/api/tokens', u.token, { name: 'logged', scopes: ['read'] })
    await api('DELETE', `/api/tokens/${t.body.token.id}`, u.token)
    const log = await api('GET', `/api/admin-log?target=${t.body.token.id}`, admin)
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual(['token.revoke', 'token.create'])
    expect(JSON.stringify(log.body)).not.toContain(t.body.secret)
    const storage = new SqliteStorage(sqliteOf(server.storage).db.name)
    try {
      expect(() => storage.db.prepare("UPDATE admin_log SET action = 'x'").run()).toThrow(/append-only/)
      expect(() => storage.db.prepare('DELETE FROM admin_log').run()).toThrow(/append-only/)
    } finally {
      await storage.close()
    }
    expect((await api('GET', `/api/admin-log?target=${t.body.token.id}`, admin)).body.total).toBe(2)
  })
})

describe('the guard', () => {
  it('refuses a route missing from the permission table to everyone, and passes unknown paths to 404', async () => {
    const app = new Hono()
    app.onError(onError(() => {}))
    app.use(
      '*',
      permissionGuard(
        server.storage,
        server.app.auth,
        () => new Date(),
        () => app.routes,
      ),
    )
    app.get('/api/secret', (c) => c.json({ leaked: true }))
    const s = await new Promise<ReturnType<typeof serve>>((ok) => {
      const srv = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ok(srv))
    })
    const url = `http://127.0.0.1:${(s.address() as { port: number }).port}`
    try {
      const r = await fetch(`${url}/api/secret`, { headers: { authorization: `Bearer ${admin}` } })
      expect(r.status).toBe(403)
      expect(await r.json()).toMatchObject({ code: 'not_in_permission_table' })
      const none = await fetch(`${url}/api/nothing-here`, { headers: { authorization: `Bearer ${admin}` } })
      expect(none.status).toBe(404)
    } finally {
      s.close()
    }
  })
})

describe('the upgrade to scoped tokens', () => {
  it('keeps every token of an existing installation working, with every scope, under a new id', async () => {
    const { default: Database } = await import('better-sqlite3')
    const { MIGRATIONS } = await import('../../server/storage/migrations.ts')
    const { resolveToken } = await import('../../server/auth/tokens.ts')
    const { tokenHash } = await import('../../server/services/crypto.ts')
    const path = join(mkdtempSync(join(tmpdir(), 'sopflow-token-upgrade-')), 'old.db')
    const fresh = new SqliteStorage(path)
    await fresh.createUser(
      { id: 'u_old', name: 'Old Timer', role: 'agent', team: null, createdAt: '2026-01-01T00:00:00.000Z' },
      tokenHash('sf_old-secret'),
      'printed by the CLI',
    )
    await fresh.close()
    // The same data with the tokens table as it was before scopes.
    const tokensMigration = MIGRATIONS.findIndex((m) => m.name.startsWith('API tokens'))
    const old = oldInstallation(path, tokensMigration)
    const db = new Database(old)
    expect(db.prepare('SELECT hash FROM tokens').pluck().all()).toEqual([tokenHash('sf_old-secret')])
    db.close()
    const upgraded = new SqliteStorage(old)
    try {
      const identity = await resolveToken(upgraded, 'sf_old-secret')
      expect(identity).toMatchObject({
        user: { id: 'u_old' },
        via: 'token',
        scopes: ['read', 'tickets', 'sops', 'ingest', 'admin'],
      })
      expect(identity?.credentialId).toMatch(/^tok_[0-9a-f]{16}$/)
      const [listed] = await upgraded.access.listTokens('u_old')
      expect(listed).toMatchObject({
        name: 'printed by the CLI',
        kind: 'personal',
        revokedAt: null,
        expiresAt: null,
      })
    } finally {
      await upgraded.close()
    }
  })
})
