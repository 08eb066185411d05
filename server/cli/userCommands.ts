import { parseArgs } from 'node:util'
import { Links } from '../auth/invitations.ts'
import type { OidcConfig } from '../auth/oidc.ts'
import { newId, newToken, tokenHash } from '../services/crypto.ts'
import type { NewAdminLogEntry } from '../storage/accessTypes.ts'
import { authStoreFor } from '../storage/authStore.ts'
import { databaseTarget } from '../storage/databaseUrl.ts'
import { openStorage } from '../storage/open.ts'
import { ROLES, type Role } from '../storage/types.ts'

type Fail = (message: string) => never

const base = (url: string | undefined) =>
  (url ?? process.env.SOPFLOW_PUBLIC_URL ?? 'http://127.0.0.1:8787').replace(/\/$/, '')

/**
 * `sopflow user add`: creates a person and prints their invitation link (with `--token`, also an
 * API token for scripts); `sopflow user reset`: prints a link to choose a new password.
 */
export async function personCommand(args: string[], defaultDb: string, fail: Fail): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      team: { type: 'string' },
      email: { type: 'string' },
      token: { type: 'boolean' },
      url: { type: 'string' },
      db: { type: 'string' },
    },
  })
  const sub = positionals[0]
  if (sub !== 'add' && sub !== 'reset')
    fail('usage: sopflow user add --name <name> --role <role> [--email <e-mail>] [--token]')
  const email = values.email?.trim() || null
  if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) fail(`--email must be an e-mail address, not "${email}"`)
  const db = values.db ?? defaultDb
  try {
    databaseTarget(db)
  } catch (err) {
    fail((err as Error).message)
  }
  // A SQLite file or a postgres:// URL: the person is added to whichever database it names.
  const storage = await openStorage(db)
  try {
    const store = authStoreFor(storage)
    const links = new Links(store, () => new Date())
    if (sub === 'reset') {
      if (!email) fail('usage: sopflow user reset --email <e-mail>')
      const account = await store.accountByEmail(email)
      if (!account) fail(`no person has the e-mail address ${email}`)
      const link = await store.atomically(async (tx) => {
        await tx.setPasswordHash(account.user.id, null)
        await tx.deleteSessionsOf(account.user.id)
        const issued = await links.issue(account.user.id, 'reset', tx)
        await tx.adminLog(
          byCli('user.password-reset', account.user.id, new Date().toISOString(), {
            before: { password: account.passwordHash ? 'set' : 'none' },
            after: { password: 'none', sessions: 'ended', linkExpiresAt: issued.expiresAt },
          }),
        )
        return issued
      })
      process.stdout.write(
        `Password reset for ${account.user.name}: their sessions ended. Link (one use, until ${link.expiresAt}):\n\n  ${base(values.url)}${link.path}\n\n`,
      )
      return 0
    }
    if (!values.name?.trim()) fail('--name is required')
    if (!ROLES.includes(values.role as Role)) fail(`--role must be one of ${ROLES.join(', ')}`)
    if (email && (await store.accountByEmail(email)))
      fail(`the e-mail address ${email} belongs to another person`)
    const user = {
      id: newId('u'),
      name: values.name.trim(),
      role: values.role as Role,
      team: values.team ?? null,
      createdAt: new Date().toISOString(),
    }
    const token = values.token ? newToken() : null
    const link = await store.atomically(async (tx) => {
      await tx.createPerson(user, email)
      const issued = await links.issue(user.id, 'invitation', tx)
      const { id: _id, createdAt: _at, ...shown } = user
      await tx.adminLog(
        byCli('user.create', user.id, user.createdAt, {
          before: null,
          after: { ...shown, email, apiToken: Boolean(token), linkExpiresAt: issued.expiresAt },
        }),
      )
      return issued
    })
    if (token) await storage.addToken(user.id, tokenHash(token), 'created with the CLI', user.createdAt)
    process.stdout.write(
      `Created ${user.role} ${user.name} (${user.id}). Invitation link (one use, until ${link.expiresAt}):\n\n  ${base(values.url)}${link.path}\n\n`,
    )
    if (token) process.stdout.write(`API token (shown once):\n\n  ${token}\n\n`)
    return 0
  } finally {
    await storage.close()
  }
}

/** Single sign-on from `--oidc-*` flags or SOPFLOW_OIDC_* variables; null when no issuer is given. */
export function oidcFromFlags(
  values: Record<string, string | boolean | undefined>,
  publicUrl: string,
  fail: Fail,
): OidcConfig | null {
  const get = (flag: string, env: string) => {
    const v = values[`oidc-${flag}`]
    return typeof v === 'string' ? v : process.env[`SOPFLOW_OIDC_${env}`]
  }
  const issuer = get('issuer', 'ISSUER')
  if (!issuer) return null
  const clientId = get('client-id', 'CLIENT_ID')
  if (!clientId) fail('--oidc-client-id (or SOPFLOW_OIDC_CLIENT_ID) is required with an OIDC issuer')
  const defaultRole = get('default-role', 'DEFAULT_ROLE')
  if (defaultRole && !ROLES.includes(defaultRole as Role))
    fail(`--oidc-default-role must be one of ${ROLES.join(', ')}`)
  return {
    issuer,
    clientId,
    clientSecret: get('client-secret', 'CLIENT_SECRET') ?? '',
    redirectUri:
      get('redirect-uri', 'REDIRECT_URI') ?? `${publicUrl.replace(/\/$/, '')}/api/auth/oidc/callback`,
    defaultRole: defaultRole as Role | undefined,
    roleClaim: get('role-claim', 'ROLE_CLAIM'),
    label: get('label', 'LABEL'),
    allowHttp:
      new URL(issuer).protocol === 'http:' &&
      ['localhost', '127.0.0.1', '[::1]'].includes(new URL(issuer).hostname),
  }
}

/** An admin-actions log entry for a change made on the server's machine with the CLI. */
function byCli(
  action: string,
  userId: string,
  at: string,
  change: { before: unknown; after: unknown },
): NewAdminLogEntry {
  return {
    at,
    actorId: 'cli',
    actorRole: 'cli',
    action,
    targetType: 'user',
    targetId: userId,
    before: change.before,
    after: change.after,
  }
}
