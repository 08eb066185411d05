import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../server/start.ts'

const root = join(import.meta.dirname, '..', '..')
const run = promisify(execFile)

let db = ''
let server: RunningServer
beforeAll(async () => {
  db = join(mkdtempSync(join(tmpdir(), 'sopflow-cli-user-')), 'db.sqlite')
  server = await startServer({ dbPath: db, port: 0, seedExamples: false })
})
afterAll(() => server?.close())

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args, '--db', db], {
      cwd: root,
    })
    return { code: 0, out: r.stdout, err: r.stderr }
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string }
    return { code: x.code, out: x.stdout, err: x.stderr }
  }
}

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

/** The secret at the end of the one link a command printed. */
const secretIn = (out: string, page: string) =>
  new RegExp(`\\n\\s+${server.url}/#/${page}/([\\w-]{43})\\n`).exec(out)?.[1]

describe('sopflow user, beside a running server', () => {
  it('adds a person with an invitation link that works once, and resets their password', async () => {
    const added = await cli(
      'user',
      'add',
      '--name',
      'Lan',
      '--role',
      'agent',
      '--email',
      'lan@example.com',
      '--url',
      server.url,
    )
    expect(added.code).toBe(0)
    expect(added.out).not.toMatch(/sf_/)
    const invite = secretIn(added.out, 'invite')!
    expect(invite).toBeTruthy()
    expect((await post(`/api/auth/links/${invite}`, { password: 'first long password' })).status).toBe(200)
    expect(
      (await post('/api/auth/sign-in', { email: 'lan@example.com', password: 'first long password' })).status,
    ).toBe(200)

    const again = await cli('user', 'add', '--name', 'Lan 2', '--role', 'agent', '--email', 'LAN@example.com')
    expect(again.code).toBe(1)
    expect(again.err).toContain('the e-mail address LAN@example.com belongs to another person')

    const reset = await cli('user', 'reset', '--email', 'lan@example.com', '--url', server.url)
    expect(reset.code).toBe(0)
    expect(
      (await post('/api/auth/sign-in', { email: 'lan@example.com', password: 'first long password' })).status,
    ).toBe(401)
    const secret = secretIn(reset.out, 'reset')!
    expect((await post(`/api/auth/links/${secret}`, { password: 'second long password' })).status).toBe(200)
    expect(
      (await post('/api/auth/sign-in', { email: 'lan@example.com', password: 'second long password' }))
        .status,
    ).toBe(200)
  })

  it('prints an API token with --token, and refuses an unknown role', async () => {
    const added = await cli('user', 'add', '--name', 'Nightly import', '--role', 'agent', '--token')
    expect(added.code).toBe(0)
    const token = /API token[^\n]*\n\n\s+(sf_\S+)\n/.exec(added.out)?.[1]
    const me = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })
    expect(await me.json()).toMatchObject({ name: 'Nightly import', role: 'agent' })

    const bad = await cli('user', 'add', '--name', 'X', '--role', 'wizard')
    expect(bad.code).toBe(1)
    expect(bad.err).toContain('--role must be one of admin, owner, agent, senior_agent, supervisor, auditor')
  })
})

describe('sopflow user in the admin-actions log', () => {
  it('logs the person the CLI added and the reset it forced, by the CLI, with before and after', async () => {
    const admin = await cli('user', 'add', '--name', 'Log reader', '--role', 'admin', '--token')
    const token = /API token[^\n]*\n\n\s+(sf_\S+)\n/.exec(admin.out)?.[1]
    const added = await cli(
      'user',
      'add',
      '--name',
      'Mai',
      '--role',
      'agent',
      '--team',
      'hue',
      '--email',
      'mai@example.com',
    )
    expect(added.code).toBe(0)
    expect((await cli('user', 'reset', '--email', 'mai@example.com')).code).toBe(0)
    const r = await fetch(`${server.url}/api/admin-log?limit=500`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(r.status).toBe(200)
    const items = ((await r.json()) as { items: Record<string, any>[] }).items
    const mai = items.filter((e) => e.targetName === 'Mai' || e.after?.name === 'Mai')
    const id = mai.find((e) => e.action === 'user.create')?.targetId
    const ofMai = items.filter((e) => e.targetId === id)
    expect(ofMai.map((e) => [e.action, e.actorId, e.actorRole])).toEqual([
      ['user.password-reset', 'cli', 'cli'],
      ['user.create', 'cli', 'cli'],
    ])
    const [reset, create] = ofMai
    expect(create.before).toBeNull()
    expect(create.after).toMatchObject({
      name: 'Mai',
      role: 'agent',
      team: 'hue',
      email: 'mai@example.com',
      apiToken: false,
    })
    expect(reset.before).toEqual({ password: 'none' })
    expect(reset.after).toMatchObject({ password: 'none', sessions: 'ended' })
    expect(Date.parse(create.at)).toBeLessThanOrEqual(Date.parse(reset.at))
    // The administrator added with --token is logged as having an API token.
    const withToken = items.find((e) => e.action === 'user.create' && e.after?.name === 'Log reader')
    expect(withToken?.after.apiToken).toBe(true)
  })
})
