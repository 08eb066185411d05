import { type Context, Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { z } from 'zod'
import { logEntry } from '../access/log.ts'
import { type Auth, clearSessionCookies, clientIp, overTls, setSessionCookies } from '../auth/auth.ts'
import { checkCsrf, refuseForeign } from '../auth/csrf.ts'
import type { AppEnv } from '../auth/identity.ts'
import { checkPassword, checkStrength, hashPassword } from '../auth/passwords.ts'
import { SESSION_COOKIE } from '../auth/sessions.ts'
import { jsonBody, Problem, parse } from '../http/problem.ts'
import { newId } from '../services/crypto.ts'
import type { Clock } from '../services/tickets.ts'
import type { Account, SessionRow } from '../storage/authTypes.ts'
import { ROLES } from '../storage/types.ts'

const email = z
  .string()
  .trim()
  .min(3)
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an e-mail address')
export const signInBody = z
  .object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1000) })
  .strict()
export const linkBody = z.object({ password: z.string().max(1000), email: email.optional() }).strict()
export const inviteBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    role: z.enum(ROLES),
    team: z.string().max(100).nullish(),
    email,
  })
  .strict()

const OIDC_COOKIE = 'sopflow_oidc'

/** What the web app shows of the person signed in, and the session's CSRF token. */
function sessionView(account: Account, row: SessionRow) {
  const { id, name, role, team } = account.user
  return {
    user: { id, name, role, team, email: account.email },
    csrf: row.csrf,
    via: row.via,
    idleExpiresAt: row.idleExpiresAt,
    expiresAt: row.expiresAt,
  }
}

/** The address links are made with: the configured public URL, else this request's origin. */
export const linkBase = (c: { req: { url: string } }, publicUrl?: string) =>
  (publicUrl ?? new URL(c.req.url).origin).replace(/\/$/, '')

/**
 * Signing in, mounted at /api/auth before authentication: password sign-in, sign-out (here and
 * everywhere), the current session, one-time links (setup, invitation, reset) and single sign-on.
 */
export function authRoutes(auth: Auth, clock: Clock) {
  const app = new Hono<AppEnv>()

  app.get('/config', (c) =>
    c.json({ password: true, sso: auth.oidc ? { label: auth.oidc.config.label ?? 'SSO' } : null }),
  )

  app.post('/sign-in', async (c) => {
    refuseForeign(c)
    const body = parse(signInBody, await jsonBody(c))
    const ip = clientIp(c)
    await auth.limiter.check(body.email, ip)
    const account = await auth.store.accountByEmail(body.email)
    // The hash is checked even when there is no such account, so the time taken does not tell.
    const ok = await checkPassword(account?.passwordHash ?? null, body.password)
    if (!ok || !account) {
      await auth.limiter.failed(body.email, ip)
      throw new Problem(401, 'invalid_credentials', 'The e-mail address or the password is wrong')
    }
    await auth.limiter.succeeded(body.email)
    if (account.disabledAt)
      throw new Problem(403, 'account_disabled', 'This account is disabled; ask an administrator')
    const { secret, row } = await auth.sessions.open(account.user.id, 'password')
    setSessionCookies(auth, c, secret, row)
    return c.json(sessionView(account, row))
  })

  app.get('/session', async (c) => {
    const session = await current(c)
    if (!session)
      throw new Problem(401, 'unauthenticated', 'You are not signed in', { params: { reason: 'session' } })
    const account = (await auth.store.accountById(session.user.id)) as Account
    return c.json(sessionView(account, session.row))
  })

  app.post('/sign-out', async (c) => {
    const secret = getCookie(c, SESSION_COOKIE)
    const session = secret ? await auth.sessions.resolve(secret) : null
    if (session) {
      checkCsrf(c, session.row.csrf)
      await auth.sessions.end(session.row.hash)
    }
    clearSessionCookies(auth, c)
    return c.body(null, 204)
  })

  app.post('/sign-out-everywhere', async (c) => {
    const session = await current(c)
    if (!session)
      throw new Problem(401, 'unauthenticated', 'You are not signed in', { params: { reason: 'session' } })
    checkCsrf(c, session.row.csrf)
    const ended = await auth.sessions.endAllOf(session.user.id)
    clearSessionCookies(auth, c)
    return c.json({ ended })
  })

  app.get('/links/:secret', async (c) => {
    const link = await auth.links.valid(c.req.param('secret'))
    const account = (await auth.store.accountById(link.userId)) as Account
    return c.json({
      purpose: link.purpose,
      expiresAt: link.expiresAt,
      user: { name: account.user.name, role: account.user.role, email: account.email },
    })
  })

  /** Choosing a password with a one-time link: it is used up, other sessions end, and this one opens. */
  app.post('/links/:secret', async (c) => {
    refuseForeign(c)
    const secret = c.req.param('secret')
    const link = await auth.links.valid(secret)
    const body = parse(linkBody, await jsonBody(c))
    const account = (await auth.store.accountById(link.userId)) as Account
    if (account.disabledAt)
      throw new Problem(403, 'account_disabled', 'This account is disabled; ask an administrator')
    const address = account.email ?? body.email
    if (!address)
      throw new Problem(
        400,
        'invalid_request',
        'Invalid body: email: give the e-mail address you will sign in with',
        {
          params: { where: 'body', fields: 'email' },
        },
      )
    checkStrength(body.password, [account.email, account.user.name, body.email ?? null])
    if (!account.email) {
      const other = await auth.store.accountByEmail(address)
      if (other && other.user.id !== account.user.id)
        throw new Problem(409, 'email_taken', `The e-mail address ${address} belongs to another person`, {
          params: { email: address },
        })
    }
    const hash = await hashPassword(body.password)
    const opened = await auth.store.atomically(async (tx) => {
      if (!(await tx.useLink((await auth.links.valid(secret, tx)).hash, clock().toISOString())))
        throw new Problem(400, 'link_invalid', 'This link was used already')
      if (!account.email) await tx.setEmail(account.user.id, address)
      await tx.setPasswordHash(account.user.id, hash)
      await auth.sessions.endAllOf(account.user.id, tx)
      return auth.sessions.open(account.user.id, 'link', tx)
    })
    setSessionCookies(auth, c, opened.secret, opened.row)
    return c.json(sessionView((await auth.store.accountById(account.user.id)) as Account, opened.row))
  })

  app.get('/oidc/start', async (c) => {
    if (!auth.oidc)
      throw new Problem(404, 'sso_not_configured', 'Single sign-on is not configured on this server')
    let started: { url: string; state: string }
    try {
      started = await auth.oidc.start()
    } catch (err) {
      // A page load, not a fetch: back to the sign-in page, which says what went wrong.
      return c.redirect(`/#/signin?error=${err instanceof Problem ? err.code : 'sso_failed'}`, 302)
    }
    setCookie(c, OIDC_COOKIE, started.state, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/api/auth/oidc',
      secure: overTls(c),
      maxAge: 600,
    })
    return c.redirect(started.url, 302)
  })

  app.get('/oidc/callback', async (c) => {
    if (!auth.oidc)
      throw new Problem(404, 'sso_not_configured', 'Single sign-on is not configured on this server')
    const state = getCookie(c, OIDC_COOKIE)
    deleteCookie(c, OIDC_COOKIE, { path: '/api/auth/oidc' })
    try {
      const account = await auth.oidc.finish(new URL(c.req.url).search, state)
      if (account.disabledAt) throw new Problem(403, 'account_disabled', 'This account is disabled')
      const { secret, row } = await auth.sessions.open(account.user.id, 'sso')
      setSessionCookies(auth, c, secret, row)
      return c.redirect('/#/', 302)
    } catch (err) {
      const code = err instanceof Problem ? err.code : 'sso_failed'
      return c.redirect(`/#/signin?error=${encodeURIComponent(code)}`, 302)
    }
  })

  function current(c: Context) {
    const secret = getCookie(c, SESSION_COOKIE)
    return secret ? auth.sessions.resolve(secret) : Promise.resolve(null)
  }

  return app
}

/**
 * Administrators invite people and force password resets (mounted at /api/users, after
 * authentication). Each answer carries the one-time link to pass on; it is shown once.
 */
export function userLinkRoutes(auth: Auth, clock: Clock, publicUrl?: string) {
  const app = new Hono<AppEnv>()

  app.post('/invitations', async (c) => {
    const body = parse(inviteBody, await jsonBody(c))
    if (await auth.store.accountByEmail(body.email))
      throw new Problem(409, 'email_taken', `The e-mail address ${body.email} belongs to another person`, {
        params: { email: body.email },
      })
    const user = {
      id: newId('u'),
      name: body.name,
      role: body.role,
      team: body.team ?? null,
      createdAt: clock().toISOString(),
    }
    const link = await auth.store.atomically(async (tx) => {
      await tx.createPerson(user, body.email)
      const issued = await auth.links.issue(user.id, 'invitation', tx)
      const after = { name: user.name, role: user.role, team: user.team, email: body.email }
      await tx.adminLog(
        logEntry(c.get('user'), user.createdAt, 'user.invite', { type: 'user', id: user.id }, null, {
          ...after,
          linkExpiresAt: issued.expiresAt,
        }),
      )
      return issued
    })
    return c.json(
      {
        user: { ...user, email: body.email },
        link: { url: `${linkBase(c, publicUrl)}${link.path}`, expiresAt: link.expiresAt },
      },
      201,
    )
  })

  app.post('/:id/password-reset', async (c) => {
    const id = c.req.param('id')
    const account = await auth.store.accountById(id)
    if (!account)
      throw new Problem(404, 'not_found', `User "${id}" does not exist`, { params: { kind: 'user', id } })
    const link = await auth.store.atomically(async (tx) => {
      const hadPassword = (await tx.accountById(id))?.passwordHash != null
      await tx.setPasswordHash(id, null)
      await auth.sessions.endAllOf(id, tx)
      const issued = await auth.links.issue(id, 'reset', tx)
      await tx.adminLog(
        logEntry(
          c.get('user'),
          clock().toISOString(),
          'user.password-reset',
          { type: 'user', id },
          { password: hadPassword ? 'set' : 'none' },
          { password: 'none', sessions: 'ended', linkExpiresAt: issued.expiresAt },
        ),
      )
      return issued
    })
    return c.json({ link: { url: `${linkBase(c, publicUrl)}${link.path}`, expiresAt: link.expiresAt } })
  })

  return app
}
