import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.ts'
import type { AuthConfig } from '../../server/auth/auth.ts'
import { ensureAdmin } from '../../server/start.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { manualClock } from './helpers.ts'

// The rules of the session cookies and credentials (server/auth/auth.ts, authenticate.ts): the
// attributes of the session and CSRF cookies, `Secure` over TLS or as configured, both cleared at
// sign-out, the configured link lifetimes, how an Authorization header is read, the codes of each
// refusal, and what the permissions route says of the credential used.

let storage: SqliteStorage | null = null
afterEach(async () => {
  await storage?.close()
  storage = null
})

const PASSWORD = 'correct horse battery staple 42'

async function desk(auth: AuthConfig = {}) {
  storage = new SqliteStorage(':memory:')
  const clock = manualClock()
  const adminToken = (await ensureAdmin(storage, clock().toISOString())) as string
  const app = createApp({ storage, clock, config: { auth } }).app
  const req = (path: string, init: RequestInit = {}, base = 'http://desk.example') =>
    app.request(`${base}${path}`, init)
  const json = { 'content-type': 'application/json' }
  // A person invited by the administrator, who chose a password with the link.
  const invited = await req('/api/users/invitations', {
    method: 'POST',
    headers: { ...json, authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ name: 'Lan', role: 'agent', email: 'lan@bank.example' }),
  })
  expect(invited.status).toBe(201)
  const link = ((await invited.json()) as { link: { url: string; expiresAt: string } }).link
  const secret = link.url.split('/').pop()
  const chosen = await req(`/api/auth/links/${secret}`, {
    method: 'POST',
    headers: { ...json, origin: 'http://desk.example' },
    body: JSON.stringify({ password: PASSWORD }),
  })
  expect(chosen.status).toBe(200)
  const signIn = (base = 'http://desk.example', headers: Record<string, string> = {}) =>
    req(
      '/api/auth/sign-in',
      {
        method: 'POST',
        headers: { ...json, origin: base, ...headers },
        body: JSON.stringify({ email: 'lan@bank.example', password: PASSWORD }),
      },
      base,
    )
  return { req, signIn, clock, adminToken, link }
}

const cookies = (res: Response) =>
  Object.fromEntries(
    res.headers.getSetCookie().map((c) => {
      const [pair, ...attrs] = c.split('; ')
      const at = pair.indexOf('=')
      return [pair.slice(0, at), { value: pair.slice(at + 1), attrs: attrs.sort() }]
    }),
  )

describe('session cookies and credentials', () => {
  it('sets the session cookie out of scripts’ reach and the CSRF cookie readable, both for the whole site until the session ends', async () => {
    const d = await desk()
    const res = await d.signIn()
    expect(res.status).toBe(200)
    const body = (await res.json()) as { csrf: string; expiresAt: string }
    const set = cookies(res)
    const expires = `Expires=${new Date(body.expiresAt).toUTCString()}`
    expect(set.sopflow_session.attrs).toEqual([expires, 'HttpOnly', 'Path=/', 'SameSite=Lax'])
    expect(set.sopflow_csrf).toEqual({ value: body.csrf, attrs: [expires, 'Path=/', 'SameSite=Lax'] })
  })

  it('marks both cookies Secure over https or behind a proxy that says https, and not otherwise; or as configured', async () => {
    const d = await desk()
    const secure = (res: Response) => Object.values(cookies(res)).map((c) => c.attrs.includes('Secure'))
    expect(secure(await d.signIn('https://desk.example'))).toEqual([true, true])
    expect(secure(await d.signIn('http://desk.example', { 'x-forwarded-proto': 'https' }))).toEqual([
      true,
      true,
    ])
    expect(secure(await d.signIn('http://desk.example', { 'x-forwarded-proto': 'http' }))).toEqual([
      false,
      false,
    ])
    expect(secure(await d.signIn())).toEqual([false, false])
    await storage?.close()
    const always = await desk({ secureCookies: true })
    expect(secure(await always.signIn())).toEqual([true, true])
    await storage?.close()
    const never = await desk({ secureCookies: false })
    expect(secure(await never.signIn('https://desk.example'))).toEqual([false, false])
  })

  it('clears both cookies at sign-out, for the whole site, Secure over TLS', async () => {
    const d = await desk()
    const opened = await d.signIn('https://desk.example')
    const set = cookies(opened)
    const out = await d.req(
      '/api/auth/sign-out',
      {
        method: 'POST',
        headers: {
          cookie: `sopflow_session=${set.sopflow_session.value}`,
          'x-csrf-token': set.sopflow_csrf.value,
          origin: 'https://desk.example',
        },
      },
      'https://desk.example',
    )
    expect(out.status).toBe(204)
    const cleared = cookies(out)
    for (const name of ['sopflow_session', 'sopflow_csrf']) {
      expect(cleared[name].value).toBe('')
      expect(cleared[name].attrs).toContain('Path=/')
      expect(cleared[name].attrs).toContain('Max-Age=0')
      expect(cleared[name].attrs).toContain('Secure')
    }
  })

  it('gives links the configured lifetimes', async () => {
    const d = await desk({ links: { invitationMs: 3600_000 } })
    expect(Date.parse(d.link.expiresAt) - d.clock().getTime()).toBe(3600_000)
  })

  it('reads a bearer token only from a whole “Bearer <token>” header, and names each refusal', async () => {
    const d = await desk()
    const get = (authorization: string) => d.req('/api/tickets', { headers: { authorization } })
    const problem = async (res: Response) => {
      const b = (await res.json()) as { code: string; params?: unknown; detail: string }
      return [res.status, b.code, b.params ?? null, b.detail]
    }
    expect((await get(`Bearer ${d.adminToken}`)).status).toBe(200)
    const none = ['Sign in, or send an API token as "Authorization: Bearer <token>"']
    expect(await problem(await get(`Token Bearer ${d.adminToken}`))).toEqual([
      401,
      'unauthenticated',
      { reason: 'none' },
      ...none,
    ])
    expect(await problem(await get(`Bearer ${d.adminToken} more`))).toEqual([
      401,
      'unauthenticated',
      { reason: 'none' },
      ...none,
    ])
    expect(await problem(await get('Bearer sf_nothing'))).toEqual([
      401,
      'unauthenticated',
      {},
      'The token is not valid',
    ])
    const ended = await d.req('/api/tickets', { headers: { cookie: 'sopflow_session=gone' } })
    expect(await problem(ended)).toEqual([
      401,
      'unauthenticated',
      { reason: 'session' },
      'Your session has ended; sign in again',
    ])
  })

  it('the permissions route says how the caller signed in: by session or by token', async () => {
    const d = await desk()
    const set = cookies(await d.signIn())
    const bySession = await d.req('/api/permissions', {
      headers: { cookie: `sopflow_session=${set.sopflow_session.value}` },
    })
    expect(((await bySession.json()) as { via: string }).via).toBe('session')
    const byToken = await d.req('/api/permissions', { headers: { authorization: `Bearer ${d.adminToken}` } })
    expect(((await byToken.json()) as { via: string }).via).toBe('token')
  })
})
