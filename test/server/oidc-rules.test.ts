import { createServer } from 'node:net'
import Provider from 'oidc-provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.ts'
import { ensureAdmin } from '../../server/start.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { manualClock } from './helpers.ts'

// Single sign-on against a real OpenID provider (oidc-provider over HTTP), with sopflow answering
// in process: who a first sign-in creates and with which role, the same person found again, and
// every way a sign-in is refused (an unverified address, a state not started here, one that took
// too long, a callback replayed, an unreachable provider).

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

const REDIRECT = 'http://sopflow.test/api/auth/oidc/callback'
let issuer = ''
let provider: ReturnType<Provider['listen']> | null = null

/** Claims by login: `unverified…` has an unverified address, `noname…` no name, `roles…` a list of roles. */
function claimsOf(id: string): Record<string, unknown> {
  return {
    sub: id,
    email: id.startsWith('padded') ? `  ${id}  ` : id,
    email_verified: !id.startsWith('unverified'),
    ...(id.startsWith('noname') ? {} : { name: `  ${id.split('@')[0]}  ` }),
    sopflow_role: id.startsWith('roles')
      ? ['nonsense', 'auditor', 'owner']
      : id.startsWith('odd')
        ? 'pilot'
        : 'supervisor',
  }
}

beforeAll(async () => {
  const port = await freePort()
  issuer = `http://127.0.0.1:${port}`
  const oidc = new Provider(issuer, {
    clients: [
      {
        client_id: 'sopflow',
        client_secret: 'sopflow-test-secret',
        redirect_uris: [REDIRECT],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'sopflow_role'] },
    findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => claimsOf(id) }),
    features: { devInteractions: { enabled: true } },
  })
  provider = oidc.listen(port)
})
afterAll(() => {
  provider?.close()
})

type Options = { roleClaim?: string; defaultRole?: 'agent' | 'auditor'; issuer?: string }
async function desk(options: Options = {}) {
  const storage = new SqliteStorage(':memory:')
  const clock = manualClock()
  const adminToken = (await ensureAdmin(storage, clock().toISOString())) as string
  const app = createApp({
    storage,
    clock,
    config: {
      auth: {
        oidc: {
          issuer: options.issuer ?? issuer,
          clientId: 'sopflow',
          clientSecret: 'sopflow-test-secret',
          redirectUri: REDIRECT,
          label: 'Bank ID',
          allowHttp: true,
          ...(options.roleClaim === undefined
            ? { roleClaim: 'sopflow_role' }
            : options.roleClaim
              ? { roleClaim: options.roleClaim }
              : {}),
          ...(options.defaultRole ? { defaultRole: options.defaultRole } : {}),
        },
      },
    },
  })
  return { storage, clock, app, adminToken }
}
type Desk = Awaited<ReturnType<typeof desk>>

const cookieOf = (res: Response, name: string) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1)

/** Signs in at the provider as `login` from sopflow's start, up to the callback URL the provider sends back to. */
async function atProvider(d: Desk, login: string) {
  const start = await d.app.app.request('/api/auth/oidc/start')
  expect(start.status).toBe(302)
  const state = cookieOf(start, 'sopflow_oidc')
  expect(state).toBeTruthy()
  const jar = new Map<string, string>()
  const go = async (url: string, body?: URLSearchParams) => {
    const res = await fetch(url, {
      method: body ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
      body,
    })
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const at = pair.indexOf('=')
      jar.set(pair.slice(0, at), pair.slice(at + 1))
    }
    return res
  }
  let url = start.headers.get('location') as string
  expect(url.startsWith(`${issuer}/auth?`)).toBe(true)
  for (let i = 0; i < 12; i++) {
    if (url.startsWith(REDIRECT)) return { callback: new URL(url), state: state as string }
    const res = await go(url)
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location') as string, url).href
      continue
    }
    // A page with a form: the login, then the consent.
    const html = await res.text()
    const action = new URL(/action="([^"]+)"/.exec(html)![1], url).href
    const form = html.includes('name="login"')
      ? new URLSearchParams({ prompt: 'login', login, password: 'any' })
      : new URLSearchParams({ prompt: 'consent' })
    const sent = await go(action, form)
    url = new URL(sent.headers.get('location') as string, action).href
  }
  throw new Error('the provider never sent back to sopflow')
}

/** The callback as the browser calls it: with the state cookie sopflow set at the start (or another). */
const callback = (d: Desk, cb: URL, cookie: string | null) =>
  d.app.app.request(`/api/auth/oidc/callback${cb.search}`, {
    headers: cookie === null ? {} : { cookie: `sopflow_oidc=${cookie}` },
  })

async function signIn(d: Desk, login: string) {
  const { callback: cb, state } = await atProvider(d, login)
  const res = await callback(d, cb, state)
  return { res, session: cookieOf(res, 'sopflow_session') }
}

async function sessionOf(d: Desk, session: string) {
  const r = await d.app.app.request('/api/auth/session', {
    headers: { cookie: `sopflow_session=${session}` },
  })
  return { status: r.status, body: (await r.json()) as any }
}

describe('single sign-on', () => {
  it('says it is offered with its label; without it, start and callback are not found', async () => {
    const d = await desk()
    const config = await (await d.app.app.request('/api/auth/config')).json()
    expect(config).toEqual({ password: true, sso: { label: 'Bank ID' } })
    const storage = new SqliteStorage(':memory:')
    const plain = createApp({ storage, clock: manualClock() })
    expect(await (await plain.app.request('/api/auth/config')).json()).toEqual({ password: true, sso: null })
    for (const path of ['/api/auth/oidc/start', '/api/auth/oidc/callback?code=x&state=y']) {
      const r = await plain.app.request(path)
      expect(r.status).toBe(404)
      expect(((await r.json()) as any).code).toBe('sso_not_configured')
    }
  })

  it('a first sign-in creates the person with the role the claim names and a trimmed name; the next finds them again', async () => {
    const d = await desk()
    const first = await signIn(d, 'quynh@example.com')
    expect(first.res.status).toBe(302)
    expect(first.res.headers.get('location')).toBe('/#/')
    const s = await sessionOf(d, first.session!)
    expect(s.status).toBe(200)
    expect(s.body).toMatchObject({
      via: 'sso',
      user: { name: 'quynh', role: 'supervisor', team: null, email: 'quynh@example.com' },
    })
    const again = await signIn(d, 'quynh@example.com')
    const s2 = await sessionOf(d, again.session!)
    expect(s2.body.user.id).toBe(s.body.user.id)
    expect((await d.storage.listUsers()).filter((u) => u.name === 'quynh')).toHaveLength(1)
    // The callback clears the state cookie it read.
    const cleared = again.res.headers.getSetCookie().find((c) => c.startsWith('sopflow_oidc='))
    expect(cleared).toMatch(/^sopflow_oidc=;.*Max-Age=0/)
    expect(cleared).toMatch(/; Path=\/api\/auth\/oidc/)
  })

  it('a disabled person is sent back to sign-in without a session', async () => {
    const d = await desk()
    const first = await signIn(d, 'minh@example.com')
    const id = (await sessionOf(d, first.session!)).body.user.id
    const off = await d.app.app.request(`/api/users/${id}/disable`, {
      method: 'POST',
      headers: { authorization: `Bearer ${d.adminToken}` },
    })
    expect(off.status).toBe(200)
    const again = await signIn(d, 'minh@example.com')
    expect(again.res.headers.get('location')).toBe('/#/signin?error=account_disabled')
    expect(again.session).toBeUndefined()
  })

  it('takes the first sopflow role of a list, the default for a role it does not know, and the e-mail address for a missing name', async () => {
    const d = await desk()
    const list = await signIn(d, 'roles@example.com')
    expect((await sessionOf(d, list.session!)).body.user.role).toBe('auditor')
    const odd = await signIn(d, 'odd@example.com')
    expect((await sessionOf(d, odd.session!)).body.user.role).toBe('agent')
    const noname = await signIn(d, 'noname@example.com')
    expect((await sessionOf(d, noname.session!)).body.user.name).toBe('noname@example.com')
    const noClaim = await desk({ roleClaim: '', defaultRole: 'auditor' })
    const plain = await signIn(noClaim, 'quynh@example.com')
    expect((await sessionOf(noClaim, plain.session!)).body.user.role).toBe('auditor')
  })

  it('refuses an unverified address, creating nobody', async () => {
    const d = await desk()
    const before = (await d.storage.listUsers()).length
    const r = await signIn(d, 'unverified@example.com')
    expect(r.res.headers.get('location')).toBe('/#/signin?error=sso_failed')
    expect(r.session).toBeUndefined()
    expect((await d.storage.listUsers()).length).toBe(before)
  })

  it('refuses a callback without the state cookie, with another one, replayed, or after ten minutes', async () => {
    const d = await desk()
    const refused = async (res: Response) => {
      expect(res.status).toBe(302)
      expect(res.headers.get('location')).toBe('/#/signin?error=sso_failed')
      expect(cookieOf(res, 'sopflow_session')).toBeUndefined()
    }
    const a = await atProvider(d, 'quynh@example.com')
    await refused(await callback(d, a.callback, null))
    // The attempt is used up by the refused callback: even the right cookie no longer works.
    await refused(await callback(d, a.callback, a.state))
    const b = await atProvider(d, 'quynh@example.com')
    await refused(await callback(d, b.callback, `${b.state}x`))
    const c = await atProvider(d, 'quynh@example.com')
    const ok = await callback(d, c.callback, c.state)
    expect(cookieOf(ok, 'sopflow_session')).toBeTruthy()
    await refused(await callback(d, c.callback, c.state))
    const late = await atProvider(d, 'quynh@example.com')
    d.clock.advance(10 * 60_000 + 1)
    await refused(await callback(d, late.callback, late.state))
    const inTime = await atProvider(d, 'quynh@example.com')
    d.clock.advance(10 * 60_000)
    expect(cookieOf(await callback(d, inTime.callback, inTime.state), 'sopflow_session')).toBeTruthy()
  })

  it('sends the state cookie only to the SSO paths, for ten minutes, out of scripts’ reach', async () => {
    const d = await desk()
    const start = await d.app.app.request('/api/auth/oidc/start')
    const cookie = start.headers.getSetCookie().find((c) => c.startsWith('sopflow_oidc='))!
    expect(cookie).toMatch(/; Max-Age=600(;|$)/)
    expect(cookie).toMatch(/; Path=\/api\/auth\/oidc/)
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; SameSite=Lax/)
    expect(cookie).not.toMatch(/; Secure/)
    const url = new URL(start.headers.get('location') as string)
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: 'sopflow',
      redirect_uri: REDIRECT,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
      response_type: 'code',
    })
    expect(url.searchParams.get('state')).toBe(cookie.split(';')[0].split('=')[1])
    expect(url.searchParams.get('nonce')).toBeTruthy()
  })

  it('an unreachable provider leads back to sign-in, and is tried again at the next start', async () => {
    const port = await freePort()
    const d = await desk({ issuer: `http://127.0.0.1:${port}` })
    const r = await d.app.app.request('/api/auth/oidc/start')
    expect(r.status).toBe(302)
    expect(r.headers.get('location')).toBe('/#/signin?error=sso_failed')
    // The same port now answers as a provider: the next start discovers it.
    const late = new Provider(`http://127.0.0.1:${port}`, {
      clients: [{ client_id: 'sopflow', client_secret: 'sopflow-test-secret', redirect_uris: [REDIRECT] }],
    })
    const server = late.listen(port)
    try {
      const again = await d.app.app.request('/api/auth/oidc/start')
      expect(again.headers.get('location')).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/auth\\?`))
    } finally {
      server.close()
    }
  })

  it('two sign-ins started side by side both finish; a new person gets a user id; a padded address is trimmed', async () => {
    const d = await desk()
    const a = await atProvider(d, 'padded@example.com')
    const b = await atProvider(d, 'other@example.com')
    const first = await callback(d, a.callback, a.state)
    const second = await callback(d, b.callback, b.state)
    const session = await sessionOf(d, cookieOf(first, 'sopflow_session')!)
    expect(session.body.user.email).toBe('padded@example.com')
    expect(session.body.user.id).toMatch(/^u_\w+$/)
    expect(cookieOf(second, 'sopflow_session')).toBeTruthy()
  })

  it('names why a sign-in failed: a state not started here, an unverified address, an unreachable provider', async () => {
    const d = await desk()
    const oidc = d.app.auth.oidc!
    const a = await atProvider(d, 'quynh@example.com')
    await expect(oidc.finish(a.callback.search, 'another')).rejects.toMatchObject({
      status: 400,
      code: 'sso_failed',
      params: { reason: 'state' },
      message: 'This sign-in was not started here or took too long; start again',
    })
    // Used up: the right cookie now meets no pending sign-in.
    await expect(oidc.finish(a.callback.search, a.state)).rejects.toMatchObject({
      params: { reason: 'state' },
    })
    await expect(oidc.finish('?code=x', undefined)).rejects.toMatchObject({ params: { reason: 'state' } })
    const u = await atProvider(d, 'unverified@example.com')
    await expect(oidc.finish(u.callback.search, u.state)).rejects.toMatchObject({
      status: 403,
      code: 'sso_failed',
      params: { reason: 'unverified' },
      message: 'The sign-in provider did not give a verified e-mail address',
    })
    const forged = await atProvider(d, 'quynh@example.com')
    const search = forged.callback.search.replace(/code=[^&]+/, 'code=forged')
    await expect(oidc.finish(search, forged.state)).rejects.toMatchObject({
      status: 400,
      code: 'sso_failed',
      params: { reason: 'refused' },
      message: expect.stringMatching(/^The sign-in provider refused the sign-in: .+/),
    })
    const gone = await desk({ issuer: `http://127.0.0.1:${await freePort()}` })
    await expect(gone.app.auth.oidc!.start()).rejects.toMatchObject({
      status: 502,
      code: 'sso_failed',
      params: { reason: 'unreachable' },
      message: expect.stringMatching(/^The sign-in provider cannot be reached: .+/),
    })
  })
})
