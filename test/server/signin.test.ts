import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../server/start.ts'
import { sqliteOf } from '../../server/storage/open.ts'
import { example, manualClock } from './helpers.ts'

/** Sign-in over real HTTP against a server on a port, with a clock the test moves. */
let server: RunningServer
const clock = manualClock('2026-03-02T08:00:00.000Z')
const PASSWORD = 'correct horse battery staple'

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-signin-'))
  server = await startServer({
    dbPath: join(dir, 'db.sqlite'),
    port: 0,
    seedExamples: false,
    clock,
    timerIntervalMs: 60_000,
    auth: { rateLimit: { accountFree: 3, ipFree: 1000, baseDelayMs: 1000 } },
  })
  await bearer('POST', '/api/sops', { document: example('support-ticket') })
  await bearer('POST', '/api/sops/support-ticket/publish')
})
afterAll(() => server?.close())

interface Answer {
  status: number
  body: any
  cookies: Record<string, string>
  setCookie: string[]
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    redirect: 'manual',
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  const setCookie = res.headers.getSetCookie()
  const cookies: Record<string, string> = {}
  for (const c of setCookie) {
    const [pair] = c.split(';')
    const i = pair.indexOf('=')
    cookies[pair.slice(0, i)] = pair.slice(i + 1)
  }
  return { status: res.status, body: text ? JSON.parse(text) : null, cookies, setCookie } as Answer
}

const bearer = (method: string, path: string, body?: unknown) =>
  call(method, path, body, { authorization: `Bearer ${server.adminToken}` })

/** A browser's credentials: the session cookie, and the CSRF token it sends on writes. */
interface Browser {
  cookie: string
  csrf: string
}
const withSession = (
  b: Browser,
  method: string,
  path: string,
  body?: unknown,
  extra: Record<string, string> = {},
) => call(method, path, body, { cookie: `sopflow_session=${b.cookie}`, 'x-csrf-token': b.csrf, ...extra })

async function signIn(email: string, password = PASSWORD): Promise<Browser> {
  const r = await call('POST', '/api/auth/sign-in', { email, password })
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return { cookie: r.cookies.sopflow_session, csrf: r.body.csrf }
}

let n = 0
/** A person invited by the admin who chose PASSWORD through the link; returns id and e-mail. */
async function person(role = 'agent'): Promise<{ id: string; email: string }> {
  const email = `person${++n}@example.com`
  const r = await bearer('POST', '/api/users/invitations', {
    name: `Person ${n}`,
    role,
    team: 'hanoi',
    email,
  })
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  const secret = new URL(r.body.link.url).hash.split('/').pop()!
  const accepted = await call('POST', `/api/auth/links/${secret}`, { password: PASSWORD })
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200)
  return { id: r.body.user.id, email }
}

const db = () => sqliteOf(server.storage).db

describe('passwords and one-time links', () => {
  it('stores an argon2id hash of the chosen password, never the password, and a link works once', async () => {
    const r = await bearer('POST', '/api/users/invitations', {
      name: 'Mai Trần',
      role: 'agent',
      email: 'Mai@Example.com',
    })
    expect(r.status).toBe(201)
    expect(r.body.link.url).toMatch(new RegExp(`^${server.url}/#/invite/[A-Za-z0-9_-]{43}$`))
    const secret = r.body.link.url.split('/').pop()
    expect((await call('GET', `/api/auth/links/${secret}`)).body).toMatchObject({
      purpose: 'invitation',
      user: { name: 'Mai Trần', email: 'Mai@Example.com' },
    })
    // The link's secret is not what is stored.
    expect(db().prepare('SELECT count(*) AS n FROM auth_links WHERE hash = ?').get(secret)).toEqual({ n: 0 })

    const weak = await call('POST', `/api/auth/links/${secret}`, { password: 'short' })
    expect(weak.status).toBe(400)
    expect(weak.body).toMatchObject({ code: 'password_weak', params: { reason: 'short', min: 10 } })
    expect(weak.cookies.sopflow_session).toBeUndefined()

    const ok = await call('POST', `/api/auth/links/${secret}`, { password: PASSWORD })
    expect(ok.status).toBe(200)
    expect(ok.body.user).toMatchObject({ name: 'Mai Trần', role: 'agent' })
    const row = db().prepare("SELECT password_hash FROM users WHERE email = 'Mai@Example.com'").get() as {
      password_hash: string
    }
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(row.password_hash).not.toContain(PASSWORD)
    const sessionCookie = ok.setCookie.find((c) => c.startsWith('sopflow_session='))!
    expect(sessionCookie).toMatch(/; HttpOnly/)
    expect(sessionCookie).toMatch(/; SameSite=Lax/)
    expect(sessionCookie).toMatch(/; Path=\//)
    expect(sessionCookie).not.toMatch(/; Secure/)
    // The session's secret is not what is stored either.
    expect(
      db().prepare('SELECT count(*) AS n FROM sessions WHERE hash = ?').get(ok.cookies.sopflow_session),
    ).toEqual({ n: 0 })

    const again = await call('POST', `/api/auth/links/${secret}`, { password: 'another long password' })
    expect(again.status).toBe(400)
    expect(again.body.code).toBe('link_invalid')
    // The e-mail address is matched without regard to case.
    await signIn('mai@example.COM')
  })

  it('marks the cookie Secure when the request came over TLS', async () => {
    const { email } = await person()
    const r = await call(
      'POST',
      '/api/auth/sign-in',
      { email, password: PASSWORD },
      { 'x-forwarded-proto': 'https' },
    )
    expect(r.status).toBe(200)
    expect(r.setCookie.find((c) => c.startsWith('sopflow_session='))).toMatch(/; Secure/)
  })

  it('gives the first administrator a one-time setup link that asks for the e-mail address too', async () => {
    expect(server.setupUrl).toMatch(/\/#\/setup\//)
    const secret = server.setupUrl!.split('/').pop()
    expect((await call('GET', `/api/auth/links/${secret}`)).body).toMatchObject({
      purpose: 'setup',
      user: { role: 'admin', email: null },
    })
    const noEmail = await call('POST', `/api/auth/links/${secret}`, { password: PASSWORD })
    expect(noEmail.status).toBe(400)
    expect(noEmail.body.params.fields).toBe('email')
    const ok = await call('POST', `/api/auth/links/${secret}`, {
      password: PASSWORD,
      email: 'admin@example.com',
    })
    expect(ok.status).toBe(200)
    expect(ok.body.user).toMatchObject({ role: 'admin', email: 'admin@example.com' })
    expect((await call('POST', `/api/auth/links/${secret}`, { password: PASSWORD })).body.code).toBe(
      'link_invalid',
    )
  })

  it('an administrator forces a password reset: sessions end, the old password stops working', async () => {
    const { id, email } = await person()
    const b = await signIn(email)
    const r = await bearer('POST', `/api/users/${id}/password-reset`)
    expect(r.status).toBe(200)
    expect((await withSession(b, 'GET', '/api/me')).status).toBe(401)
    expect((await call('POST', '/api/auth/sign-in', { email, password: PASSWORD })).status).toBe(401)
    const secret = r.body.link.url.split('/').pop()
    expect(r.body.link.url).toContain('/#/reset/')
    const chosen = await call('POST', `/api/auth/links/${secret}`, { password: 'a brand new passphrase' })
    expect(chosen.status).toBe(200)
    await signIn(email, 'a brand new passphrase')
    // Only administrators may do it.
    const agent = await signIn((await person()).email)
    expect((await withSession(agent, 'POST', `/api/users/${id}/password-reset`)).status).toBe(403)
  })
})

describe('sign-in attempts', () => {
  it('answer a wrong password and an unknown account alike, and delays grow the same way for both', async () => {
    const { email } = await person()
    const ghost = 'nobody-here@example.com'
    const attempt = async (who: string, password = 'wrong password!') => {
      const r = await call('POST', '/api/auth/sign-in', { email: who, password })
      return { status: r.status, code: r.body.code, detail: r.body.detail, params: r.body.params }
    }
    const seq = async (who: string) => {
      const out = []
      for (let i = 0; i < 4; i++) out.push(await attempt(who)) // 3 free; the 4th sets a 1 s delay
      out.push(await attempt(who)) // refused unchecked: 1 s to wait
      clock.advance(1000)
      out.push(await attempt(who)) // checked, wrong: now 2 s
      clock.advance(1000)
      out.push(await attempt(who)) // still 1 s to wait
      clock.advance(1000)
      out.push(await attempt(who)) // checked, wrong: now 4 s
      out.push(await attempt(who))
      return out
    }
    const known = await seq(email)
    const unknown = await seq(ghost)
    expect(known.map((a) => a.status)).toEqual([401, 401, 401, 401, 429, 401, 429, 401, 429])
    expect(known[3].code).toBe('invalid_credentials')
    expect(known.filter((a) => a.status === 429).map((a) => a.params.seconds)).toEqual([1, 1, 4])
    expect(unknown).toEqual(known)
    // During a delay even the right password is not checked.
    expect((await attempt(email, PASSWORD)).status).toBe(429)
    clock.advance(4000)
    expect((await attempt(email, PASSWORD)).status).toBe(200)
  })

  it('spend the password hash on unknown accounts too, so the time taken does not tell', async () => {
    const { email } = await person()
    const once = async (who: string) => {
      const t0 = performance.now()
      await call('POST', '/api/auth/sign-in', { email: who, password: 'wrong password!' })
      const ms = performance.now() - t0
      clock.advance(60 * 60_000)
      return ms
    }
    // Interleaved, so that a busy moment of the machine falls on both sides alike; medians of seven.
    const knownMs: number[] = []
    const unknownMs: number[] = []
    for (let i = 0; i < 7; i++) {
      knownMs.push(await once(email))
      unknownMs.push(await once(`ghost-${n}@example.com`))
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[3]
    const known = median(knownMs)
    const unknown = median(unknownMs)
    expect(known).toBeGreaterThan(5)
    expect(unknown).toBeGreaterThan(known / 2)
  })

  it('are limited per client address too, across accounts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopflow-signin-ip-'))
    const s = await startServer({
      dbPath: join(dir, 'db.sqlite'),
      port: 0,
      seedExamples: false,
      clock,
      auth: { rateLimit: { accountFree: 100, ipFree: 4 } },
    })
    try {
      const statuses = []
      for (let i = 0; i < 6; i++) {
        const r = await fetch(`${s.url}/api/auth/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: `someone${i}@example.com`, password: 'wrong password!' }),
        })
        statuses.push(r.status)
      }
      // Four free failures; the fifth sets a delay, so the sixth is not checked.
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429])
    } finally {
      await s.close()
    }
  })
})

describe('sessions', () => {
  it('refuse a cookie write without the CSRF header or from another site; bearer writes need neither', async () => {
    const b = await signIn((await person()).email)
    const count = () => (db().prepare('SELECT count(*) AS n FROM tickets').get() as { n: number }).n
    const before = count()
    const ticket = { sopId: 'support-ticket', channel: 'email', subject: 'CSRF' }
    const noHeader = await call('POST', '/api/tickets', ticket, { cookie: `sopflow_session=${b.cookie}` })
    expect(noHeader.status).toBe(403)
    expect(noHeader.body.code).toBe('csrf_refused')
    const wrong = await withSession(b, 'POST', '/api/tickets', ticket, { 'x-csrf-token': 'x'.repeat(32) })
    expect(wrong.body.code).toBe('csrf_refused')
    const foreign = await withSession(b, 'POST', '/api/tickets', ticket, { origin: 'https://evil.example' })
    expect(foreign.body.code).toBe('csrf_refused')
    const crossSite = await withSession(b, 'POST', '/api/tickets', ticket, { 'sec-fetch-site': 'cross-site' })
    expect(crossSite.body.code).toBe('csrf_refused')
    expect(count()).toBe(before)
    // Reads need no CSRF token; a write with it goes through; so does one with a bearer token.
    expect((await call('GET', '/api/me', undefined, { cookie: `sopflow_session=${b.cookie}` })).status).toBe(
      200,
    )
    expect((await withSession(b, 'POST', '/api/tickets', ticket)).status).toBe(201)
    expect((await bearer('POST', '/api/tickets', ticket)).status).toBe(201)
    expect(count()).toBe(before + 2)
  })

  it('sign out ends the session on the server: the same cookie no longer works', async () => {
    const b = await signIn((await person()).email)
    expect((await withSession(b, 'GET', '/api/me')).status).toBe(200)
    const out = await withSession(b, 'POST', '/api/auth/sign-out')
    expect(out.status).toBe(204)
    expect(out.setCookie.find((c) => c.startsWith('sopflow_session='))).toMatch(/Max-Age=0/)
    const after = await withSession(b, 'GET', '/api/me')
    expect(after.status).toBe(401)
    expect(after.body.params.reason).toBe('session')
  })

  it('sign out everywhere ends every session of the person, and only theirs', async () => {
    const { email } = await person()
    const a = await signIn(email)
    const b = await signIn(email)
    const other = await signIn((await person()).email)
    const r = await withSession(a, 'POST', '/api/auth/sign-out-everywhere')
    // Two sign-ins and the session the invitation link opened.
    expect(r.body).toEqual({ ended: 3 })
    expect((await withSession(a, 'GET', '/api/me')).status).toBe(401)
    expect((await withSession(b, 'GET', '/api/me')).status).toBe(401)
    expect((await withSession(other, 'GET', '/api/me')).status).toBe(200)
  })

  it('a disabled person is refused at the very next request and cannot sign in again', async () => {
    const { id, email } = await person()
    const b = await signIn(email)
    expect((await withSession(b, 'GET', '/api/me')).status).toBe(200)
    await server.app.auth.store.setDisabled(id, clock().toISOString())
    expect((await withSession(b, 'GET', '/api/me')).status).toBe(401)
    const again = await call('POST', '/api/auth/sign-in', { email, password: PASSWORD })
    expect(again.status).toBe(403)
    expect(again.body.code).toBe('account_disabled')
  })

  it('end after 8 idle hours, and 7 days after sign-in however busy', async () => {
    const idle = await signIn((await person()).email)
    clock.advance(8 * 3600_000 - 60_000)
    expect((await withSession(idle, 'GET', '/api/me')).status).toBe(200)
    clock.advance(8 * 3600_000 - 60_000)
    expect((await withSession(idle, 'GET', '/api/me')).status).toBe(200)
    clock.advance(8 * 3600_000 + 1)
    expect((await withSession(idle, 'GET', '/api/me')).status).toBe(401)

    const busy = await signIn((await person()).email)
    const session = (await withSession(busy, 'GET', '/api/auth/session')).body
    expect(Date.parse(session.expiresAt) - clock().getTime()).toBe(7 * 24 * 3600_000)
    for (let h = 0; h < 7 * 24 - 1; h++) {
      clock.advance(3600_000)
      expect((await withSession(busy, 'GET', '/api/me')).status).toBe(200)
    }
    clock.advance(3600_000)
    const ended = await withSession(busy, 'GET', '/api/me')
    expect(ended.status).toBe(401)
    expect(db().prepare('SELECT count(*) AS n FROM sessions WHERE csrf = ?').get(busy.csrf)).toEqual({ n: 0 })
  })
})

describe('single sign-on, at its edges', () => {
  it('is offered only when configured; an unreachable provider or a forged answer lead back to sign-in', async () => {
    expect((await call('GET', '/api/auth/config')).body).toEqual({ password: true, sso: null })
    expect((await call('GET', '/api/auth/oidc/start')).body.code).toBe('sso_not_configured')

    const dir = mkdtempSync(join(tmpdir(), 'sopflow-signin-sso-'))
    const s = await startServer({
      dbPath: join(dir, 'db.sqlite'),
      port: 0,
      seedExamples: false,
      auth: {
        oidc: {
          // Nothing listens on port 9 here (discard): the provider cannot be reached.
          issuer: 'http://127.0.0.1:9',
          clientId: 'sopflow',
          clientSecret: 'secret',
          redirectUri: 'http://127.0.0.1:1/api/auth/oidc/callback',
          label: 'Example ID',
          allowHttp: true,
        },
      },
    })
    try {
      const get = (path: string, headers: Record<string, string> = {}) =>
        fetch(`${s.url}${path}`, { redirect: 'manual', headers })
      expect(await (await get('/api/auth/config')).json()).toEqual({
        password: true,
        sso: { label: 'Example ID' },
      })
      const start = await get('/api/auth/oidc/start')
      expect(start.status).toBe(302)
      expect(start.headers.get('location')).toBe('/#/signin?error=sso_failed')
      // An answer for a sign-in this browser did not start opens no session.
      const forged = await get('/api/auth/oidc/callback?code=stolen&state=guessed', {
        cookie: 'sopflow_oidc=other',
      })
      expect(forged.status).toBe(302)
      expect(forged.headers.get('location')).toBe('/#/signin?error=sso_failed')
      expect(forged.headers.getSetCookie().some((c) => c.startsWith('sopflow_session='))).toBe(false)
    } finally {
      await s.close()
    }
  })
})

describe('two server processes on one database', () => {
  it('share sessions, sign-outs and attempt limits', async () => {
    const second = await startServer({
      dbPath: sqliteOf(server.storage).db.name,
      port: 0,
      seedExamples: false,
      clock,
      auth: { rateLimit: { accountFree: 3, ipFree: 1000, baseDelayMs: 1000 } },
    })
    try {
      const { email } = await person()
      const b = await signIn(email)
      const there = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
        fetch(`${second.url}${path}`, {
          method,
          headers: { 'content-type': 'application/json', ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
      const cookie = { cookie: `sopflow_session=${b.cookie}`, 'x-csrf-token': b.csrf }
      expect((await there('GET', '/api/me', undefined, cookie)).status).toBe(200)
      expect((await there('POST', '/api/auth/sign-out', undefined, cookie)).status).toBe(204)
      expect((await withSession(b, 'GET', '/api/me')).status).toBe(401)

      const ghost = `elsewhere-${n}@example.com`
      for (let i = 0; i < 4; i++)
        await call('POST', '/api/auth/sign-in', { email: ghost, password: 'wrong password!' })
      const refused = await there('POST', '/api/auth/sign-in', { email: ghost, password: 'wrong password!' })
      expect(refused.status).toBe(429)
    } finally {
      await second.close()
    }
  })
})
