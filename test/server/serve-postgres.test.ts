import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PgStorage } from '../../server/storage/postgres.ts'
import { bootChild, type ChildServer } from './child.ts'
import { startPostgres, type TestPostgres } from './pgHarness.ts'

/**
 * `sopflow serve --db postgres://…` as a separate process on a throwaway PostgreSQL: the first
 * administrator signs in with the setup link, then opens a ticket and acts on it over HTTP with
 * the session; `sopflow user add` adds a person to the same database.
 */
let pg: TestPostgres
let url: string
let server: ChildServer | null = null
const PASSWORD = 'correct horse battery staple'

beforeAll(async () => {
  pg = await startPostgres()
  url = await pg.createDatabase()
}, 120_000)
afterAll(async () => {
  server?.child.kill('SIGTERM')
  if (server?.child.exitCode === null) await new Promise((r) => server?.child.once('exit', r))
  await pg?.stop()
}, 60_000)

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server!.url}${path}`, {
    method,
    redirect: 'manual',
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  const cookies: Record<string, string> = {}
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';')
    cookies[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1)
  }
  return { status: res.status, body: text ? JSON.parse(text) : null, cookies }
}

describe('sopflow serve on PostgreSQL', () => {
  it('starts, lets the administrator in with the setup link, and opens and acts on a ticket with the session', async () => {
    server = await bootChild(url)
    expect(server.output()).toContain(`(database: ${url})`)
    const setup = /setup link[^\n]*\n\n\s+(\S+)\n/.exec(server.output())?.[1]
    expect(setup).toMatch(/\/#\/setup\/[A-Za-z0-9_-]{43}$/)
    const secret = setup!.split('/').pop()!

    const link = await call('GET', `/api/auth/links/${secret}`)
    expect(link.body).toMatchObject({ purpose: 'setup', user: { name: 'Administrator', role: 'admin' } })
    const chosen = await call('POST', `/api/auth/links/${secret}`, {
      password: PASSWORD,
      email: 'admin@example.org',
    })
    expect(chosen.status, JSON.stringify(chosen.body)).toBe(200)
    expect(chosen.body.user).toMatchObject({ role: 'admin', email: 'admin@example.org' })
    // The link works once.
    expect((await call('POST', `/api/auth/links/${secret}`, { password: PASSWORD })).body.code).toBe(
      'link_invalid',
    )

    const signedIn = await call('POST', '/api/auth/sign-in', {
      email: 'admin@example.org',
      password: PASSWORD,
    })
    expect(signedIn.status).toBe(200)
    const session = {
      cookie: `sopflow_session=${signedIn.cookies.sopflow_session}`,
      'x-csrf-token': signedIn.body.csrf,
    }

    // The administrator invites an agent, who chooses a password with the invitation and signs in.
    const invited = await call(
      'POST',
      '/api/users/invitations',
      { name: 'Lan Nguyễn', role: 'agent', email: 'lan@example.org' },
      session,
    )
    expect(invited.status, JSON.stringify(invited.body)).toBe(201)
    const invitation = invited.body.link.url.split('/').pop()
    expect((await call('POST', `/api/auth/links/${invitation}`, { password: PASSWORD })).status).toBe(200)
    const agentIn = await call('POST', '/api/auth/sign-in', { email: 'LAN@example.org', password: PASSWORD })
    expect(agentIn.status).toBe(200)
    const agent = {
      cookie: `sopflow_session=${agentIn.cookies.sopflow_session}`,
      'x-csrf-token': agentIn.body.csrf,
    }

    const opened = await call(
      'POST',
      '/api/tickets',
      { sopId: 'support-ticket', channel: 'phone', subject: 'Charged twice' },
      agent,
    )
    expect(opened.status, JSON.stringify(opened.body)).toBe(201)
    const id = opened.body.ticket.id
    const claimed = await call('POST', `/api/tickets/${id}/claim`, { version: 1 }, agent)
    expect(claimed.status, JSON.stringify(claimed.body)).toBe(200)
    const started = await call(
      'POST',
      `/api/tickets/${id}/actions`,
      {
        action: 'start',
        version: 2,
        fields: { customer_name: 'Nguyễn Thị Lan', problem_summary: 'Card payment charged twice' },
        ticks: { intake: ['greet', 'listen'] },
      },
      agent,
    )
    expect(started.status, JSON.stringify(started.body)).toBe(200)
    expect(started.body.ticket.steps).toEqual(['identify'])

    // What was done is in PostgreSQL: the ticket and its audit, by the signed-in agent.
    const storage = await PgStorage.open(url)
    try {
      const ticket = await storage.getTicket(id)
      expect(ticket?.version).toBe(3)
      const audit = await storage.getAudit(id)
      expect(audit.map((a) => a.type)).toEqual(['created', 'assignment', 'transition'])
      expect(new Set(audit.map((a) => a.actorId))).toEqual(new Set([agentIn.body.user.id]))
      expect((await storage.listUsers()).map((u) => u.name).sort()).toEqual([
        'Administrator',
        'Lan Nguyễn',
        'Test administrator',
      ])
    } finally {
      await storage.close()
    }

    // Signing out ends the session at once.
    expect((await call('POST', '/api/auth/sign-out', undefined, agent)).status).toBe(204)
    expect((await call('GET', '/api/me', undefined, agent)).status).toBe(401)
    expect((await call('GET', '/api/me', undefined, session)).status).toBe(200)
  }, 120_000)
})
