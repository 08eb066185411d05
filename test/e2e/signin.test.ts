import { createServer } from 'node:net'
import Provider from 'oidc-provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPerson, launch } from './harness.ts'

/** A free TCP port on this machine (sopflow's callback must be known before the provider starts). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

let h: Awaited<ReturnType<typeof launch>>
let provider: ReturnType<Provider['listen']>
const SSO_EMAIL = 'quynh.sso@example.com'

beforeAll(async () => {
  const [port, providerPort] = await Promise.all([freePort(), freePort()])
  const issuer = `http://127.0.0.1:${providerPort}`
  const redirectUri = `http://127.0.0.1:${port}/api/auth/oidc/callback`
  // A real OpenID provider: its development login form takes any login (the e-mail here) and password.
  const oidc = new Provider(issuer, {
    clients: [
      {
        client_id: 'sopflow',
        client_secret: 'sopflow-test-secret',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    pkce: { required: () => true },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      // The role travels with the profile, as many providers send groups or roles.
      profile: ['name', 'sopflow_role'],
    },
    findAccount: async (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: async () => ({
        sub: id,
        email: id,
        email_verified: !id.startsWith('unverified'),
        name: 'Quỳnh Phạm',
        sopflow_role: 'supervisor',
      }),
    }),
    features: { devInteractions: { enabled: true } },
  })
  provider = oidc.listen(providerPort)
  h = await launch({
    port,
    auth: {
      oidc: {
        issuer,
        clientId: 'sopflow',
        clientSecret: 'sopflow-test-secret',
        redirectUri,
        roleClaim: 'sopflow_role',
        label: 'Test ID',
        allowHttp: true,
      },
    },
  })
})
afterAll(async () => {
  await h?.close()
  provider?.close()
})

async function freshPage(lang = 'en') {
  const { page } = h
  await page.context().clearCookies()
  await page.goto('/#/')
  await page.evaluate((l) => {
    localStorage.clear()
    localStorage.setItem('sopflow.lang', l)
  }, lang)
  await page.reload()
  await page.waitForSelector('input[name="email"]')
  return page
}

describe('signing in as a person, in Chromium', () => {
  it('signs in with a password into a cookie session, keeping no token in localStorage', async () => {
    const lan = await createPerson(h.server.url, h.adminToken, 'Lan Nguyễn', 'agent')
    const page = await freshPage()
    await page.fill('input[name="email"]', lan.email)
    await page.fill('input[name="password"]', lan.password)
    await page.click('.sign-in-password button[type="submit"]')
    await page.waitForSelector('h1:has-text("Inbox")')
    expect(await page.textContent('.shell-user')).toContain('Lan Nguyễn')
    expect(await page.evaluate(() => Object.keys(localStorage))).not.toContain('sopflow.token')
    const session = (await page.context().cookies()).find((c) => c.name === 'sopflow_session')
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    // The page cannot read the session's secret.
    expect(await page.evaluate(() => document.cookie)).not.toContain('sopflow_session')
    await h.shot('signin-01-inbox')
  })

  it('says a wrong password is wrong, in the reader’s language, and keeps what was typed', async () => {
    const mai = await createPerson(h.server.url, h.adminToken, 'Mai Trần', 'agent')
    const page = await freshPage('vi')
    await page.fill('input[name="email"]', mai.email)
    await page.fill('input[name="password"]', 'not the password')
    await page.click('.sign-in-password button[type="submit"]')
    const error = page.locator('[data-testid="sign-in-error"]')
    await error.waitFor()
    expect(await error.textContent()).toBe('Địa chỉ e-mail hoặc mật khẩu không đúng.')
    expect(await page.inputValue('input[name="email"]')).toBe(mai.email)
    expect(await page.locator('.shell-nav').count()).toBe(0)
  })

  it('signs out: the session ends on the server, not only in the browser', async () => {
    const an = await createPerson(h.server.url, h.adminToken, 'An Lê', 'agent')
    const page = await freshPage()
    await page.fill('input[name="email"]', an.email)
    await page.fill('input[name="password"]', an.password)
    await page.click('.sign-in-password button[type="submit"]')
    await page.waitForSelector('.shell-signout')
    const cookie = (await page.context().cookies()).find((c) => c.name === 'sopflow_session')!.value
    await page.click('.shell-signout')
    await page.waitForSelector('input[name="email"]')
    expect((await page.context().cookies()).some((c) => c.name === 'sopflow_session')).toBe(false)
    const me = await fetch(`${h.server.url}/api/me`, { headers: { cookie: `sopflow_session=${cookie}` } })
    expect(me.status).toBe(401)
  })

  it('signs out everywhere: the person’s session on another device ends too', async () => {
    const an = await createPerson(h.server.url, h.adminToken, 'Bình Võ', 'agent')
    const elsewhere = await fetch(`${h.server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: an.email, password: an.password }),
    })
    const other = /sopflow_session=([^;]+)/.exec(elsewhere.headers.get('set-cookie') ?? '')![1]
    const page = await freshPage()
    await page.fill('input[name="email"]', an.email)
    await page.fill('input[name="password"]', an.password)
    await page.click('.sign-in-password button[type="submit"]')
    await page.click('.shell-signout-all')
    await page.waitForSelector('input[name="email"]')
    const me = await fetch(`${h.server.url}/api/me`, { headers: { cookie: `sopflow_session=${other}` } })
    expect(me.status).toBe(401)
  })

  it('accepts an invitation: the link opens a page to choose a password, and the person lands signed in', async () => {
    const res = await fetch(`${h.server.url}/api/users/invitations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Hoa Đỗ', role: 'owner', email: 'hoa.do@example.com' }),
    })
    const { link } = (await res.json()) as { link: { url: string } }
    const page = await freshPage('cs')
    await page.goto(link.url)
    await page.waitForSelector('[data-testid="link-email"]')
    expect(await page.textContent('h1')).toBe('Přijetí pozvánky')
    expect(await page.textContent('[data-testid="link-email"]')).toBe('hoa.do@example.com')
    await page.fill('input[name="new-password"]', 'short')
    expect(await page.textContent('[data-testid="password-strength"]')).toBe(
      'Příliš krátké: alespoň 10 znaků.',
    )
    await page.fill('input[name="new-password"]', 'Seven blue Kites fly 2 far')
    expect(await page.textContent('[data-testid="password-strength"]')).toBe('Silné.')
    await page.fill('input[name="confirm-password"]', 'Seven blue Kites fly 2 fa')
    expect(await page.isDisabled('form.sign-in button[type="submit"]')).toBe(true)
    await page.fill('input[name="confirm-password"]', 'Seven blue Kites fly 2 far')
    await page.click('form.sign-in button[type="submit"]')
    await page.waitForFunction(() => location.hash === '#/designer')
    await page.waitForSelector('.shell-user:has-text("Hoa Đỗ")')
    // The link worked once; the password now signs in.
    await page.goto(link.url)
    await page.waitForSelector('[data-testid="link-invalid"]')
    const signIn = await fetch(`${h.server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'hoa.do@example.com', password: 'Seven blue Kites fly 2 far' }),
    })
    expect(signIn.status).toBe(200)
  })

  it('sets up the first administrator with the setup link printed at the first start', async () => {
    const page = await freshPage()
    await page.goto(h.server.setupUrl!)
    await page.waitForSelector('input[name="new-password"]')
    expect(await page.textContent('h1')).toBe('Set up the administrator account')
    await page.fill('input[name="email"]', 'admin@example.com')
    await page.fill('input[name="new-password"]', 'Admin passphrase of 2026!')
    await page.fill('input[name="confirm-password"]', 'Admin passphrase of 2026!')
    await page.click('form.sign-in button[type="submit"]')
    await page.waitForSelector('.shell-user:has-text("Administrator")')
    expect(await page.evaluate(() => location.hash)).toBe('#/designer')
    expect(await page.evaluate(() => Object.keys(localStorage))).not.toContain('sopflow.token')
  })

  it('signs in with single sign-on through a real OpenID provider, creating the person with the claimed role', async () => {
    const page = await freshPage()
    await page.click('a:has-text("Sign in with Test ID")')
    await page.waitForSelector('input[name="login"]')
    expect(new URL(page.url()).port).not.toBe(String(h.server.port))
    await page.fill('input[name="login"]', SSO_EMAIL)
    await page.fill('input[name="password"]', 'anything')
    await page.click('button[type="submit"]')
    await page.waitForSelector('button:has-text("Continue")')
    await page.click('button:has-text("Continue")')
    await page.waitForSelector('.shell-user:has-text("Quỳnh Phạm")')
    expect(new URL(page.url()).origin).toBe(h.server.url)
    expect(await page.evaluate(() => location.hash)).toBe('#/dashboard')
    expect(await page.textContent('.shell-user')).toContain('supervisor')
    const users = (await (
      await fetch(`${h.server.url}/api/users`, { headers: { authorization: `Bearer ${h.adminToken}` } })
    ).json()) as { name: string; role: string }[]
    expect(users.filter((u) => u.name === 'Quỳnh Phạm')).toEqual([
      expect.objectContaining({ role: 'supervisor' }),
    ])
    // A second sign-in finds the same person by the verified e-mail address.
    await page.click('.shell-signout')
    await page.click('a:has-text("Sign in with Test ID")')
    // The provider remembers its own sign-in; it may ask to confirm the grant once more.
    await page.waitForSelector('.shell-user:has-text("Quỳnh Phạm"), button:has-text("Continue")')
    if (await page.locator('button:has-text("Continue")').count())
      await page.click('button:has-text("Continue")')
    await page.waitForSelector('.shell-user:has-text("Quỳnh Phạm")')
    const again = (await (
      await fetch(`${h.server.url}/api/users`, { headers: { authorization: `Bearer ${h.adminToken}` } })
    ).json()) as { name: string }[]
    expect(again.filter((u) => u.name === 'Quỳnh Phạm')).toHaveLength(1)
  })
})

describe('single sign-on with an address the provider has not verified, in Chromium', () => {
  it('is refused, and the sign-in page says so; no one is created', async () => {
    const count = async () =>
      (
        (await (
          await fetch(`${h.server.url}/api/users`, { headers: { authorization: `Bearer ${h.adminToken}` } })
        ).json()) as unknown[]
      ).length
    const before = await count()
    const page = await freshPage()
    await page.click('a:has-text("Sign in with Test ID")')
    await page.waitForSelector('input[name="login"]')
    await page.fill('input[name="login"]', 'unverified@example.com')
    await page.fill('input[name="password"]', 'anything')
    await page.click('button[type="submit"]')
    await page.waitForSelector('button:has-text("Continue")')
    await page.click('button:has-text("Continue")')
    const error = page.locator('[data-testid="sign-in-error"]')
    await error.waitFor()
    expect(await error.textContent()).toBe(
      'Single sign-on did not succeed. Try again, or sign in with your password.',
    )
    expect(await page.evaluate(() => location.hash)).toBe('#/signin?error=sso_failed')
    expect(await count()).toBe(before)
  })
})

describe('an ended session, in Chromium', () => {
  let short: Awaited<ReturnType<typeof launch>>
  beforeAll(async () => {
    short = await launch({ auth: { sessions: { idleMs: 2500 } } })
  })
  afterAll(async () => short?.close())

  it('sends the person back to sign-in over the page, keeping what they typed', async () => {
    const { page, server, adminToken } = short
    const lan = await createPerson(server.url, adminToken, 'Lan Nguyễn', 'agent')
    const api = async (path: string, body: unknown) =>
      (await (
        await fetch(`${server.url}/api${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).json()) as any
    const created = await api('/tickets', { sopId: 'support-ticket', channel: 'email', subject: 'Expiry' })
    await api(`/tickets/${created.ticket.id}/assign`, { userId: lan.id, version: created.ticket.version })
    await page.goto(`/#/tickets/${created.ticket.id}`)
    await page.fill('input[name="email"]', lan.email)
    await page.fill('input[name="password"]', lan.password)
    await page.click('.sign-in-password button[type="submit"]')
    await page.waitForSelector('textarea[name="note"]')
    await page.fill('textarea[name="field-problem_summary"]', 'Charged twice')
    await page.fill('textarea[name="note"]', 'Customer called back at noon.')
    await new Promise((r) => setTimeout(r, 3000))
    await page.getByRole('button', { name: 'Add note' }).click()
    await page.waitForSelector('.sign-in-overlay [data-testid="sign-in-expired"]')
    // The page is still there under the sign-in, with what was typed.
    expect(await page.inputValue('textarea[name="note"]')).toBe('Customer called back at noon.')
    expect(await page.inputValue('textarea[name="field-problem_summary"]')).toBe('Charged twice')
    await short.shot('signin-02-expired')
    await page.fill('.sign-in-overlay input[name="email"]', lan.email)
    await page.fill('.sign-in-overlay input[name="password"]', lan.password)
    await page.click('.sign-in-overlay .sign-in-password button[type="submit"]')
    await page.waitForSelector('.sign-in-overlay', { state: 'detached' })
    expect(await page.inputValue('textarea[name="field-problem_summary"]')).toBe('Charged twice')
    await page.getByRole('button', { name: 'Add note' }).click()
    await page.waitForSelector('.note-list li:has-text("Customer called back at noon.")')
  })
})
