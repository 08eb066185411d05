import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { checkCsrf, fromAnotherSite, refuseForeign } from '../../server/auth/csrf.ts'
import {
  checkPassword,
  checkStrength,
  hashPassword,
  MIN_PASSWORD_LENGTH,
} from '../../server/auth/passwords.ts'
import { CSRF_HEADER } from '../../server/auth/sessions.ts'
import { Problem } from '../../server/http/problem.ts'
import { isPrivateAddress, urlProblem } from '../../server/outbox/ssrf.ts'

describe('addresses a webhook may not reach', () => {
  it('blocks the first and last address of each private, loopback and reserved IPv4 block', () => {
    const edges = [
      ['0.0.0.0', '0.255.255.255'],
      ['10.0.0.0', '10.255.255.255'],
      ['100.64.0.0', '100.127.255.255'],
      ['127.0.0.1', '127.255.255.255'],
      ['169.254.0.0', '169.254.255.255'],
      ['172.16.0.0', '172.31.255.255'],
      ['192.0.0.0', '192.0.0.255'],
      ['192.168.0.0', '192.168.255.255'],
      ['198.18.0.0', '198.19.255.255'],
      ['224.0.0.0', '239.255.255.255'],
      ['240.0.0.0', '255.255.255.255'],
    ]
    for (const [first, last] of edges) {
      expect(isPrivateAddress(first), first).toBe(true)
      expect(isPrivateAddress(last), last).toBe(true)
    }
  })
  it('lets through the public addresses just outside those blocks', () => {
    for (const a of [
      '1.0.0.0',
      '9.255.255.255',
      '11.0.0.0',
      '100.63.255.255',
      '100.128.0.0',
      '126.255.255.255',
      '128.0.0.0',
      '169.253.255.255',
      '169.255.0.0',
      '172.15.255.255',
      '172.32.0.0',
      '192.0.1.0',
      '192.167.255.255',
      '192.169.0.0',
      '198.17.255.255',
      '198.20.0.0',
      '223.255.255.255',
      '8.8.8.8',
    ])
      expect(isPrivateAddress(a), a).toBe(false)
  })
  it('blocks IPv6 loopback, unspecified, unique-local, link-local and multicast, not public IPv6', () => {
    for (const a of ['::', '::1', 'fc00::1', 'fdff:ffff::1', 'fe80::1', 'febf::1', 'ff02::1'])
      expect(isPrivateAddress(a), a).toBe(true)
    for (const a of ['2001:4860:4860::8888', '::2', 'fbff::1', 'fec0::1', 'feff::1'])
      expect(isPrivateAddress(a), a).toBe(false)
  })
  it('reads an IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
    expect(isPrivateAddress('::ffff:127.0.0.1')).toBe(true)
    expect(isPrivateAddress('::FFFF:10.1.2.3')).toBe(true)
    expect(isPrivateAddress('::ffff:8.8.8.8')).toBe(false)
  })
  it('takes what is not an address at all as not public', () => {
    expect(isPrivateAddress('example.com')).toBe(true)
    expect(isPrivateAddress('')).toBe(true)
  })
})

describe('why a webhook URL is refused', () => {
  it('names a text that is not a URL, a scheme other than http(s), and credentials', async () => {
    expect(await urlProblem('not a url', false)).toBe('not a URL')
    expect(await urlProblem('ftp://8.8.8.8/x', false)).toBe('the scheme ftp: is not http or https')
    expect(await urlProblem('file:///etc/passwd', true)).toBe('the scheme file: is not http or https')
    expect(await urlProblem('https://user@8.8.8.8/', false)).toBe('credentials in the URL are not allowed')
    expect(await urlProblem('https://:secret@8.8.8.8/', true)).toBe('credentials in the URL are not allowed')
  })
  it('refuses private and loopback hosts, IPv6 in brackets too, unless private ones are allowed', async () => {
    expect(await urlProblem('http://127.0.0.1:8080/hook', false)).toBe(
      '127.0.0.1 is a loopback or private address (127.0.0.1)',
    )
    expect(await urlProblem('http://[::1]/hook', false)).toBe('::1 is a loopback or private address (::1)')
    expect(await urlProblem('http://127.0.0.1:8080/hook', true)).toBeNull()
    expect(await urlProblem('http://[::1]/hook', true)).toBeNull()
  })
  it('lets a public address through', async () => {
    expect(await urlProblem('https://8.8.8.8/hook', false)).toBeNull()
    expect(await urlProblem('http://[2001:4860:4860::8888]/hook', false)).toBeNull()
  })
  it('resolves a host name and refuses it when it resolves to a private address', async () => {
    expect(await urlProblem('http://localhost:9/hook', false)).toMatch(
      /^localhost is a loopback or private address \((127\.0\.0\.1|::1)\)$/,
    )
  })
  it('names a host that does not resolve', async () => {
    expect(await urlProblem('https://no-such-host.invalid/hook', false)).toBe(
      'the host no-such-host.invalid does not resolve',
    )
  })
})

/** The problem a call throws, as code, status, message and params. */
const thrown = (f: () => void) => {
  try {
    f()
  } catch (err) {
    if (err instanceof Problem)
      return { status: err.status, code: err.code, message: err.message, params: err.params }
    throw err
  }
  return null
}

describe('the strength of a password', () => {
  it('takes a password of exactly the least length, and of at most 1000 characters', () => {
    expect(MIN_PASSWORD_LENGTH).toBe(10)
    expect(thrown(() => checkStrength('a1b2c3d4e5'))).toBeNull()
    expect(thrown(() => checkStrength(`${'abc'.repeat(333)}d`))).toBeNull()
  })
  it('refuses a password one character short, naming the least length', () => {
    expect(thrown(() => checkStrength('a1b2c3d4e'))).toEqual({
      status: 400,
      code: 'password_weak',
      message: 'The password must have at least 10 characters',
      params: { reason: 'short', min: 10 },
    })
  })
  it('refuses a password over 1000 characters', () => {
    expect(thrown(() => checkStrength(`${'abc'.repeat(333)}de`))).toEqual({
      status: 400,
      code: 'password_weak',
      message: 'The password must have at most 1000 characters',
      params: { reason: 'long', min: 10 },
    })
  })
  it('refuses common passwords in any case, and passwords of one or two characters repeated', () => {
    const guessable = {
      status: 400,
      code: 'password_weak',
      message: 'The password is too easy to guess; choose another',
      params: { reason: 'guessable', min: 10 },
    }
    const common = ['password123', 'password1234', '1234567890', '0123456789', 'qwertyuiop', 'iloveyou12']
    const more = ['administrator', 'sopflow123', 'changeme123']
    for (const p of [
      ...common,
      ...more,
      'Password123',
      'SOPFLOW123',
      'letmein1234',
      'aaaaaaaaaa',
      'abababababab',
      'AbAbAbAbAbAb',
    ])
      expect(
        thrown(() => checkStrength(p)),
        p,
      ).toEqual(guessable)
    expect(thrown(() => checkStrength('abcabcabca'))).toBeNull()
  })
  it('refuses a password that holds the person’s name or address, of three characters or more', () => {
    expect(thrown(() => checkStrength('my-Alice-pass', ['  alice ']))?.params.reason).toBe('guessable')
    expect(thrown(() => checkStrength('xx-bob@example.com', [null, 'Bob@Example.com']))?.params.reason).toBe(
      'guessable',
    )
    expect(thrown(() => checkStrength('my-al-password-x', ['al', null, '   ']))).toBeNull()
    expect(thrown(() => checkStrength('my-ali-password', ['ali']))?.params.reason).toBe('guessable')
  })
})

describe('checking a password against its hash', () => {
  it('matches the password hashed, and no other; no stored hash never matches', async () => {
    const stored = await hashPassword('correct horse battery')
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(await checkPassword(stored, 'correct horse battery')).toBe(true)
    expect(await checkPassword(stored, 'correct horse batterz')).toBe(false)
    expect(await checkPassword('not a hash', 'x')).toBe(false)
    expect(await checkPassword(null, 'no such account: the time is spent all the same')).toBe(false)
    expect(await checkPassword('', 'x')).toBe(false)
  })
})

describe('requests from another site', () => {
  const app = new Hono()
  app.all('/foreign', (c) => c.json(fromAnotherSite(c)))
  app.all('/signin', (c) => {
    refuseForeign(c)
    return c.text('ok')
  })
  app.all('/write', (c) => {
    checkCsrf(c, 'token-123')
    return c.text('ok')
  })
  app.onError((err, c) =>
    err instanceof Problem
      ? c.json({ code: err.code, message: err.message }, err.status)
      : c.text('boom', 500),
  )
  const foreign = async (headers: Record<string, string>) =>
    (await app.request('http://desk.example/foreign', { headers })).json()

  it('are those the browser marks cross-site, or whose Origin is another host', async () => {
    expect(await foreign({ 'sec-fetch-site': 'cross-site' })).toBe(true)
    expect(await foreign({ 'sec-fetch-site': 'same-site' })).toBe(false)
    expect(await foreign({ origin: 'https://evil.example' })).toBe(true)
    expect(await foreign({ origin: 'http://desk.example' })).toBe(false)
    expect(await foreign({ origin: 'http://desk.example:8080' })).toBe(true)
    expect(await foreign({ origin: 'not a url' })).toBe(true)
  })
  it('are not those without an Origin or with Origin null', async () => {
    expect(await foreign({})).toBe(false)
    expect(await foreign({ origin: 'null' })).toBe(false)
  })
  it('compare the Origin with the forwarded host first, then the Host header', async () => {
    expect(await foreign({ origin: 'https://public.example', 'x-forwarded-host': 'public.example' })).toBe(
      false,
    )
    expect(
      await foreign({
        origin: 'http://desk.example',
        'x-forwarded-host': 'public.example',
        host: 'desk.example',
      }),
    ).toBe(true)
    expect(await foreign({ origin: 'http://inner:8787', host: 'inner:8787' })).toBe(false)
    expect(await foreign({ origin: 'http://desk.example', host: 'inner:8787' })).toBe(true)
  })
  it('a sign-in form from another site is refused; reads and same-site posts pass', async () => {
    const evil = { origin: 'https://evil.example' }
    const refused = await app.request('http://desk.example/signin', { method: 'POST', headers: evil })
    expect(refused.status).toBe(403)
    expect(await refused.json()).toEqual({
      code: 'csrf_refused',
      message: 'This request came from another site and is refused',
    })
    for (const method of ['GET', 'HEAD', 'OPTIONS'])
      expect(
        (await app.request('http://desk.example/signin', { method, headers: evil })).status,
        method,
      ).toBe(200)
    const own = await app.request('http://desk.example/signin', {
      method: 'POST',
      headers: { origin: 'http://desk.example' },
    })
    expect(own.status).toBe(200)
  })
  it('a write with a session needs the very token in its header', async () => {
    const write = (method: string, headers: Record<string, string>) =>
      app.request('http://desk.example/write', { method, headers })
    expect((await write('POST', { [CSRF_HEADER]: 'token-123' })).status).toBe(200)
    expect((await write('DELETE', { [CSRF_HEADER]: 'token-123' })).status).toBe(200)
    for (const headers of [
      {} as Record<string, string>,
      { [CSRF_HEADER]: 'token-124' },
      { [CSRF_HEADER]: 'token-1234' },
    ]) {
      const r = await write('PUT', headers)
      expect(r.status).toBe(403)
      expect(await r.json()).toEqual({
        code: 'csrf_refused',
        message:
          'A write with a session cookie needs the "x-csrf-token" header with the session\'s CSRF token',
      })
    }
    expect((await write('GET', {})).status).toBe(200)
    expect((await write('HEAD', {})).status).toBe(200)
    const cross = await write('POST', { [CSRF_HEADER]: 'token-123', 'sec-fetch-site': 'cross-site' })
    expect(cross.status).toBe(403)
    expect((await cross.json()).message).toBe('This request came from another site and is refused')
  })
})
