import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { resolveToken } from '../../server/auth/tokens.ts'
import { oidcFromFlags, personCommand } from '../../server/cli/userCommands.ts'
import { ensureAdmin } from '../../server/start.ts'
import { authStoreFor } from '../../server/storage/authStore.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'

// `sopflow user add` and `sopflow user reset`, run in this process on a real database file: what
// each refuses (naming why), what it creates or resets, what it prints and what the log keeps; and
// single sign-on settings from flags.

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function database() {
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-cli-'))
  dirs.push(dir)
  const path = join(dir, 'db.sqlite')
  const s = new SqliteStorage(path)
  await ensureAdmin(s, new Date().toISOString())
  await s.close()
  return path
}

const fail = (message: string): never => {
  throw new Error(message)
}

/** Runs the command, returning what it printed. */
async function run(args: string[], db: string): Promise<string> {
  const printed: string[] = []
  const write = process.stdout.write
  process.stdout.write = ((chunk: string) => {
    printed.push(String(chunk))
    return true
  }) as typeof process.stdout.write
  try {
    expect(await personCommand(args, db, fail)).toBe(0)
  } finally {
    process.stdout.write = write
  }
  return printed.join('')
}

async function withStorage<T>(db: string, f: (s: SqliteStorage) => Promise<T>): Promise<T> {
  const s = new SqliteStorage(db)
  try {
    return await f(s)
  } finally {
    await s.close()
  }
}

describe('sopflow user add', () => {
  it('creates the person as given, prints their one-use invitation link, and logs it as the CLI’s', async () => {
    const db = await database()
    const out = await run(
      [
        'add',
        '--name',
        '  Pham Hoa ',
        '--role',
        'agent',
        '--team',
        'hanoi',
        '--email',
        ' hoa@bank.example ',
        '--url',
        'https://desk.example/',
      ],
      db,
    )
    const account = await withStorage(db, (s) => authStoreFor(s).accountByEmail('hoa@bank.example'))
    expect(account?.user).toMatchObject({ name: 'Pham Hoa', role: 'agent', team: 'hanoi' })
    const id = account!.user.id
    expect(out).toMatch(
      new RegExp(
        `^Created agent Pham Hoa \\(${id}\\)\\. Invitation link \\(one use, until \\S+\\):\\n\\n  https://desk\\.example/#?/?\\S+\\n\\n$`,
      ),
    )
    expect(out).not.toContain('desk.example//')
    expect(out).not.toContain('API token')
    const log = await withStorage(db, (s) => s.access.listAdminLog({ limit: 10, offset: 0, targetId: id }))
    expect(log.items).toHaveLength(1)
    expect(log.items[0]).toMatchObject({
      actorId: 'cli',
      actorRole: 'cli',
      action: 'user.create',
      targetType: 'user',
      targetId: id,
      before: null,
    })
    expect(log.items[0].after).toMatchObject({
      name: 'Pham Hoa',
      role: 'agent',
      team: 'hanoi',
      email: 'hoa@bank.example',
      apiToken: false,
    })
  })

  it('with --token, also prints an API token, shown once, that signs in as the person', async () => {
    const db = await database()
    const out = await run(['add', '--name', 'Build bot', '--role', 'auditor', '--token'], db)
    const token = /API token \(shown once\):\n\n {2}(\S+)\n\n$/.exec(out)?.[1]
    expect(token).toBeTruthy()
    const who = await withStorage(db, (s) => resolveToken(s, token as string))
    expect(who?.user).toMatchObject({ name: 'Build bot', role: 'auditor', team: null })
    // No --url: the address from SOPFLOW_PUBLIC_URL, else the local one.
    expect(out).toContain(
      `  ${(process.env.SOPFLOW_PUBLIC_URL ?? 'http://127.0.0.1:8787').replace(/\/$/, '')}`,
    )
  })

  it('refuses, naming why and creating nobody: no subcommand, a bad e-mail, no name, an unknown role, a taken e-mail, a bad --db', async () => {
    const db = await database()
    await run(['add', '--name', 'Hoa', '--role', 'agent', '--email', 'hoa@bank.example'], db)
    const cases: [string[], string][] = [
      [['remove'], 'usage: sopflow user add --name <name> --role <role> [--email <e-mail>] [--token]'],
      [
        ['add', '--name', 'X', '--role', 'agent', '--email', 'not an address'],
        '--email must be an e-mail address, not "not an address"',
      ],
      [['add', '--name', '  ', '--role', 'agent'], '--name is required'],
      [['add', '--name', 'X', '--role', 'boss'], '--role must be one of'],
      [
        ['add', '--name', 'X', '--role', 'agent', '--email', 'hoa@bank.example'],
        'the e-mail address hoa@bank.example belongs to another person',
      ],
      [['add', '--name', 'X', '--role', 'agent', '--db', 'mysql://h/db'], 'mysql'],
    ]
    for (const [args, why] of cases) await expect(run(args, db), args.join(' ')).rejects.toThrow(why)
    const users = await withStorage(db, (s) => s.listUsers())
    expect(users.map((u) => u.name).sort()).toEqual(['Administrator', 'Hoa'])
  })
})

describe('sopflow user reset', () => {
  it('clears the password, ends the sessions, prints a one-use link and logs what it changed', async () => {
    const db = await database()
    await run(['add', '--name', 'Hoa', '--role', 'agent', '--email', 'hoa@bank.example'], db)
    const id = (await withStorage(db, (s) => authStoreFor(s).accountByEmail('hoa@bank.example')))!.user.id
    const at = new Date().toISOString()
    const later = new Date(Date.now() + 3_600_000).toISOString()
    await withStorage(db, (s) =>
      authStoreFor(s).insertSession({
        hash: 'h1',
        userId: id,
        csrf: 'c',
        via: 'link',
        createdAt: at,
        lastSeenAt: at,
        idleExpiresAt: later,
        expiresAt: later,
      }),
    )
    expect(await withStorage(db, (s) => authStoreFor(s).countSessionsOf(id))).toBe(1)
    const out = await run(['reset', '--email', 'hoa@bank.example', '--url', 'https://desk.example'], db)
    expect(await withStorage(db, (s) => authStoreFor(s).countSessionsOf(id))).toBe(0)
    expect(out).toMatch(
      /^Password reset for Hoa: their sessions ended\. Link \(one use, until \S+\):\n\n {2}https:\/\/desk\.example\S+\n\n$/,
    )
    const account = await withStorage(db, (s) => authStoreFor(s).accountByEmail('hoa@bank.example'))
    expect(account?.passwordHash).toBeNull()
    const log = await withStorage(db, (s) =>
      s.access.listAdminLog({ limit: 10, offset: 0, action: 'user.password-reset' }),
    )
    expect(log.items).toHaveLength(1)
    expect(log.items[0]).toMatchObject({ actorId: 'cli', targetId: id, before: { password: 'none' } })
    expect(log.items[0].after).toMatchObject({ password: 'none', sessions: 'ended' })
    await expect(run(['reset'], db)).rejects.toThrow('usage: sopflow user reset --email <e-mail>')
    await expect(run(['reset', '--email', 'nobody@bank.example'], db)).rejects.toThrow(
      'no person has the e-mail address nobody@bank.example',
    )
  })
})

describe('single sign-on from flags', () => {
  it('is off without an issuer; needs a client id; checks the default role; derives the callback', () => {
    expect(oidcFromFlags({}, 'https://desk.example', fail)).toBeNull()
    expect(() =>
      oidcFromFlags({ 'oidc-issuer': 'https://id.example' }, 'https://desk.example', fail),
    ).toThrow('--oidc-client-id (or SOPFLOW_OIDC_CLIENT_ID) is required with an OIDC issuer')
    expect(() =>
      oidcFromFlags(
        { 'oidc-issuer': 'https://id.example', 'oidc-client-id': 'desk', 'oidc-default-role': 'boss' },
        'https://desk.example',
        fail,
      ),
    ).toThrow('--oidc-default-role must be one of')
    expect(
      oidcFromFlags(
        {
          'oidc-issuer': 'https://id.example',
          'oidc-client-id': 'desk',
          'oidc-default-role': 'agent',
          'oidc-label': 'Bank ID',
        },
        'https://desk.example/',
        fail,
      ),
    ).toEqual({
      issuer: 'https://id.example',
      clientId: 'desk',
      clientSecret: '',
      redirectUri: 'https://desk.example/api/auth/oidc/callback',
      defaultRole: 'agent',
      roleClaim: undefined,
      label: 'Bank ID',
      allowHttp: false,
    })
  })

  it('allows plain http only for an issuer on this machine', () => {
    const flags = (issuer: string) => ({ 'oidc-issuer': issuer, 'oidc-client-id': 'desk' })
    expect(oidcFromFlags(flags('http://localhost:9000'), 'http://x', fail)?.allowHttp).toBe(true)
    expect(oidcFromFlags(flags('http://127.0.0.1:9000'), 'http://x', fail)?.allowHttp).toBe(true)
    expect(oidcFromFlags(flags('http://id.example'), 'http://x', fail)?.allowHttp).toBe(false)
    expect(oidcFromFlags(flags('https://localhost'), 'http://x', fail)?.allowHttp).toBe(false)
    expect(
      oidcFromFlags(
        { ...flags('https://id.example'), 'oidc-redirect-uri': 'https://cb.example/x' },
        'http://x',
        fail,
      )?.redirectUri,
    ).toBe('https://cb.example/x')
  })
})
