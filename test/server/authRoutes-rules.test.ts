import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.ts'
import { ensureAdmin } from '../../server/start.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { manualClock } from './helpers.ts'

// The rules of the sign-in routes (server/routes/auth.ts): what each refusal says, how a session
// was opened, the one-time links (an e-mail address asked for when none is known, one already
// taken, a link used twice, a disabled person), invitations and password resets by administrators.

let storage: SqliteStorage | null = null
afterEach(async () => {
  await storage?.close()
  storage = null
})

const PASSWORD = 'correct horse battery staple 42'
const ORIGIN = 'http://desk.example'

async function desk(publicUrl?: string) {
  storage = new SqliteStorage(':memory:')
  const clock = manualClock()
  const adminToken = (await ensureAdmin(storage, clock().toISOString())) as string
  const app = createApp({ storage, clock, config: { publicUrl } }).app
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await app.request(`${ORIGIN}${path}`, {
      method,
      headers: { 'content-type': 'application/json', origin: ORIGIN, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null, res }
  }
  const admin = { authorization: `Bearer ${adminToken}` }
  const invite = async (email: string, name = 'Lan') => {
    const r = await call('POST', '/api/users/invitations', { name, role: 'agent', email }, admin)
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    return r.body as { user: { id: string }; link: { url: string; expiresAt: string } }
  }
  const secretOf = (url: string) => url.split('/').pop() as string
  const choose = (secret: string, body: Record<string, unknown>) =>
    call('POST', `/api/auth/links/${secret}`, body)
  const sessionCookie = (res: Response) =>
    /sopflow_session=([^;]+)/.exec(res.headers.getSetCookie().join('\n'))?.[1] ?? null
  return { call, admin, invite, secretOf, choose, sessionCookie, clock, storage }
}

const problem = (r: { status: number; body: any }) => [r.status, r.body.code, r.body.detail]

describe('sign-in routes', () => {
  it('answer who is signed in, how the session was opened; without a session, 401 naming it', async () => {
    const d = await desk()
    const { link, user } = await d.invite('lan@bank.example')
    const chosen = await d.choose(d.secretOf(link.url), { password: PASSWORD })
    expect(chosen.status).toBe(200)
    expect(chosen.body).toMatchObject({
      via: 'link',
      user: { id: user.id, email: 'lan@bank.example', role: 'agent' },
    })
    const signed = await d.call('POST', '/api/auth/sign-in', {
      email: 'lan@bank.example',
      password: PASSWORD,
    })
    expect(signed.body.via).toBe('password')
    const cookie = { cookie: `sopflow_session=${d.sessionCookie(signed.res)}` }
    const session = await d.call('GET', '/api/auth/session', undefined, cookie)
    expect(session.body).toMatchObject({ via: 'password', csrf: signed.body.csrf, user: { id: user.id } })
    for (const [method, path] of [
      ['GET', '/api/auth/session'],
      ['POST', '/api/auth/sign-out-everywhere'],
    ]) {
      const r = await d.call(method, path)
      expect([...problem(r), r.body.params]).toEqual([
        401,
        'unauthenticated',
        'You are not signed in',
        { reason: 'session' },
      ])
    }
    // Signing out with no session is no error: the cookies are cleared all the same.
    const out = await d.call('POST', '/api/auth/sign-out')
    expect(out.status).toBe(204)
    expect(out.res.headers.getSetCookie().some((c) => c.startsWith('sopflow_session=;'))).toBe(true)
  })

  it('refuse a wrong password and a disabled account, each with its own code and words', async () => {
    const d = await desk()
    const { link, user } = await d.invite('lan@bank.example')
    await d.choose(d.secretOf(link.url), { password: PASSWORD })
    const wrong = await d.call('POST', '/api/auth/sign-in', { email: 'lan@bank.example', password: 'nope' })
    expect(problem(wrong)).toEqual([
      401,
      'invalid_credentials',
      'The e-mail address or the password is wrong',
    ])
    await d.call('POST', `/api/users/${user.id}/disable`, undefined, d.admin)
    const off = await d.call('POST', '/api/auth/sign-in', { email: 'lan@bank.example', password: PASSWORD })
    expect(problem(off)).toEqual([403, 'account_disabled', 'This account is disabled; ask an administrator'])
    for (const bad of [
      { email: '', password: 'x' },
      { email: 'a@b', password: '' },
      { email: 'a@b', password: 'x', more: 1 },
    ]) {
      expect((await d.call('POST', '/api/auth/sign-in', bad)).status).toBe(400)
    }
  })

  it('a setup link asks for the e-mail address when none is known, refuses one taken by another person, and keeps the one given', async () => {
    const d = await desk()
    await d.invite('taken@bank.example', 'Mai')
    // The first administrator has no address yet: their reset link asks for one.
    const adminId = (await d.storage.listUsers()).find((u) => u.role === 'admin')!.id
    const reset = await d.call('POST', `/api/users/${adminId}/password-reset`, undefined, d.admin)
    const secret = d.secretOf(reset.body.link.url)
    const none = await d.choose(secret, { password: PASSWORD })
    expect([...problem(none), none.body.params]).toEqual([
      400,
      'invalid_request',
      'Invalid body: email: give the e-mail address you will sign in with',
      { where: 'body', fields: 'email' },
    ])
    const taken = await d.choose(secret, { password: PASSWORD, email: 'Taken@bank.example' })
    expect([...problem(taken), taken.body.params]).toEqual([
      409,
      'email_taken',
      'The e-mail address Taken@bank.example belongs to another person',
      { email: 'Taken@bank.example' },
    ])
    // A password made of the address given is too weak.
    const weak = await d.choose(secret, { password: 'boss@bank.example', email: 'boss@bank.example' })
    expect(weak.status).toBe(400)
    const ok = await d.choose(secret, { password: PASSWORD, email: 'boss@bank.example' })
    expect(ok.status).toBe(200)
    expect(ok.body.user.email).toBe('boss@bank.example')
    const again = await d.call('POST', '/api/auth/sign-in', {
      email: 'boss@bank.example',
      password: PASSWORD,
    })
    expect(again.status).toBe(200)
  })

  it('an invited person’s link keeps their address; a password made of their name is refused; used, the link is gone', async () => {
    const d = await desk()
    const { link } = await d.invite('lan@bank.example', 'Lan Nguyen Thi')
    const secret = d.secretOf(link.url)
    expect((await d.choose(secret, { password: 'Lan Nguyen Thi' })).status).toBe(400)
    const ok = await d.choose(secret, { password: PASSWORD, email: 'other@bank.example' })
    expect(ok.body.user.email).toBe('lan@bank.example')
    const twice = await d.choose(secret, { password: PASSWORD })
    expect(twice.status).toBe(400)
    expect(twice.body.code).toMatch(/^link_/)
  })

  it('a link of a disabled person is refused', async () => {
    const d = await desk()
    const { link, user } = await d.invite('lan@bank.example')
    await d.call('POST', `/api/users/${user.id}/disable`, undefined, d.admin)
    const r = await d.choose(d.secretOf(link.url), { password: PASSWORD })
    expect(problem(r)).toEqual([403, 'account_disabled', 'This account is disabled; ask an administrator'])
  })

  it('invitations refuse a taken address; resets refuse an unknown user and log whether a password was set', async () => {
    const d = await desk('https://desk.example/')
    const first = await d.invite('lan@bank.example')
    expect(first.user.id).toMatch(/^u_\w+$/)
    expect(first.link.url.startsWith('https://desk.example/')).toBe(true)
    expect(first.link.url.startsWith('https://desk.example//')).toBe(false)
    const again = await d.call(
      'POST',
      '/api/users/invitations',
      { name: 'X', role: 'agent', email: 'lan@bank.example' },
      d.admin,
    )
    expect([...problem(again), again.body.params]).toEqual([
      409,
      'email_taken',
      'The e-mail address lan@bank.example belongs to another person',
      { email: 'lan@bank.example' },
    ])
    for (const email of ['no-at-sign', 'two words@bank.example', 'a@b c']) {
      const r = await d.call('POST', '/api/users/invitations', { name: 'X', role: 'agent', email }, d.admin)
      expect(r.status, email).toBe(400)
    }
    const blank = await d.call(
      'POST',
      '/api/users/invitations',
      { name: '  ', role: 'agent', email: 'b@bank.example' },
      d.admin,
    )
    expect(blank.status).toBe(400)
    const unknown = await d.call('POST', '/api/users/u_nobody/password-reset', undefined, d.admin)
    expect([...problem(unknown), unknown.body.params]).toEqual([
      404,
      'not_found',
      'User "u_nobody" does not exist',
      { kind: 'user', id: 'u_nobody' },
    ])
    await d.call('POST', `/api/users/${first.user.id}/password-reset`, undefined, d.admin)
    await d.choose(
      d.secretOf(
        (await d.call('POST', `/api/users/${first.user.id}/password-reset`, undefined, d.admin)).body.link
          .url,
      ),
      {
        password: PASSWORD,
      },
    )
    await d.call('POST', `/api/users/${first.user.id}/password-reset`, undefined, d.admin)
    const log = await d.call('GET', '/api/admin-log?action=user.password-reset', undefined, d.admin)
    const befores = (log.body.items ?? log.body).map((e: any) => e.before.password)
    expect(befores.sort()).toEqual(['none', 'none', 'set'])
  })
})
