import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  CSRF_COOKIE,
  CSRF_HEADER,
  DEFAULT_SESSIONS,
  SESSION_COOKIE,
  Sessions,
  sessionHash,
} from '../../server/auth/sessions.ts'
import { authStoreFor } from '../../server/storage/authStore.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { manualClock, root } from './helpers.ts'

const MIN = 60_000
const HOUR = 60 * MIN

async function opened(config = { idleMs: 2 * HOUR, absoluteMs: 10 * HOUR }) {
  const storage = new SqliteStorage(':memory:')
  const store = authStoreFor(storage)
  const clock = manualClock()
  const user = {
    id: 'u_ann',
    name: 'Ann',
    role: 'agent' as const,
    team: null,
    createdAt: clock().toISOString(),
  }
  await store.createPerson(user, 'ann@example.org')
  return { store, clock, user, sessions: new Sessions(store, clock, config) }
}

describe('session rules', () => {
  it('names its cookies and header as the web app reads and sends them, and keeps sessions 8 hours idle, 7 days at most', () => {
    // A renamed session cookie would sign every person out at an upgrade.
    expect(SESSION_COOKIE).toBe('sopflow_session')
    const client = readFileSync(join(root, 'editor', 'src', 'api', 'client.ts'), 'utf8')
    expect(client).toContain(`(?:^|;\\s*)${CSRF_COOKIE}=([^;]+)`)
    expect(client).toContain(`'${CSRF_HEADER}': csrf`)
    expect(CSRF_COOKIE).not.toBe(SESSION_COOKIE)
    expect(DEFAULT_SESSIONS).toEqual({ idleMs: 8 * HOUR, absoluteMs: 7 * 24 * HOUR })
  })

  it('opens a session whose row holds the secret hash, the idle and the absolute expiry', async () => {
    const { store, clock, sessions } = await opened()
    const { secret, row } = await sessions.open('u_ann', 'password')
    expect(secret).toMatch(/^[\w-]{43}$/)
    expect(row.csrf).toMatch(/^[\w-]{32}$/)
    expect(row.hash).toBe(sessionHash(secret))
    expect(row).toMatchObject({
      userId: 'u_ann',
      via: 'password',
      createdAt: '2026-03-02T08:00:00.000Z',
      lastSeenAt: '2026-03-02T08:00:00.000Z',
      idleExpiresAt: '2026-03-02T10:00:00.000Z',
      expiresAt: '2026-03-02T18:00:00.000Z',
    })
    expect(await store.session(row.hash)).toEqual(row)
    expect(clock().toISOString()).toBe(row.createdAt)
  })

  it('opening a session deletes the expired ones', async () => {
    const { store, clock, sessions } = await opened()
    const first = await sessions.open('u_ann', 'password')
    clock.advance(2 * HOUR)
    await sessions.open('u_ann', 'link')
    expect(await store.session(first.row.hash)).toBeNull()
    expect(await store.countSessionsOf('u_ann')).toBe(1)
  })

  it('resolves a valid session to its row and user, and nothing for an unknown secret', async () => {
    const { sessions } = await opened()
    const { secret, row } = await sessions.open('u_ann', 'sso')
    const found = await sessions.resolve(secret)
    expect(found?.user).toMatchObject({ id: 'u_ann', name: 'Ann' })
    expect(found?.row).toEqual(row)
    expect(await sessions.resolve('not-a-secret')).toBeNull()
  })

  it('ends a session at its idle expiry, exactly, and deletes it', async () => {
    const { store, clock, sessions } = await opened()
    const { secret, row } = await sessions.open('u_ann', 'password')
    clock.advance(2 * HOUR - 1)
    expect(await sessions.resolve(secret)).not.toBeNull()
    const again = await sessions.open('u_ann', 'password')
    clock.advance(2 * HOUR)
    expect(await sessions.resolve(again.secret)).toBeNull()
    expect(await store.session(again.row.hash)).toBeNull()
    expect(row.hash).not.toBe(again.row.hash)
  })

  it('moves the idle expiry on when used a minute or more after the last use, never past the absolute expiry', async () => {
    const { store, clock, sessions } = await opened()
    const { secret, row } = await sessions.open('u_ann', 'password')
    clock.advance(MIN - 1)
    expect((await sessions.resolve(secret))?.row.idleExpiresAt).toBe('2026-03-02T10:00:00.000Z')
    expect((await store.session(row.hash))?.lastSeenAt).toBe('2026-03-02T08:00:00.000Z')
    clock.advance(1)
    const moved = await sessions.resolve(secret)
    expect(moved?.row.lastSeenAt).toBe('2026-03-02T08:01:00.000Z')
    expect(moved?.row.idleExpiresAt).toBe('2026-03-02T10:01:00.000Z')
    expect(await store.session(row.hash)).toMatchObject({
      lastSeenAt: '2026-03-02T08:01:00.000Z',
      idleExpiresAt: '2026-03-02T10:01:00.000Z',
    })
    // Used every 1.5 hours: the idle expiry follows, until it reaches the absolute expiry.
    for (let i = 0; i < 6; i++) {
      clock.advance(1.5 * HOUR)
      await sessions.resolve(secret)
    }
    expect((await store.session(row.hash))?.idleExpiresAt).toBe('2026-03-02T18:00:00.000Z')
    clock.advance(59 * MIN - 1)
    expect(await sessions.resolve(secret)).not.toBeNull()
    clock.advance(1)
    expect(clock().toISOString()).toBe('2026-03-02T18:00:00.000Z')
    expect(await sessions.resolve(secret)).toBeNull()
  })

  it('with a short idle time, moves the idle expiry on after a tenth of it', async () => {
    const { store, clock, sessions } = await opened({ idleMs: 5 * MIN, absoluteMs: HOUR })
    const { secret, row } = await sessions.open('u_ann', 'password')
    clock.advance(30_000 - 1)
    await sessions.resolve(secret)
    expect((await store.session(row.hash))?.lastSeenAt).toBe('2026-03-02T08:00:00.000Z')
    clock.advance(1)
    await sessions.resolve(secret)
    expect((await store.session(row.hash))?.idleExpiresAt).toBe('2026-03-02T08:05:30.000Z')
  })

  it('refuses the session of a disabled user', async () => {
    const { store, sessions } = await opened()
    const { secret } = await sessions.open('u_ann', 'password')
    await store.setDisabled('u_ann', '2026-03-02T08:00:00.000Z')
    expect(await sessions.resolve(secret)).toBeNull()
  })

  it('ends one session, and all sessions of a user', async () => {
    const { store, sessions } = await opened()
    const a = await sessions.open('u_ann', 'password')
    const b = await sessions.open('u_ann', 'password')
    const c = await sessions.open('u_ann', 'password')
    await sessions.end(a.row.hash)
    expect(await sessions.resolve(a.secret)).toBeNull()
    expect(await sessions.resolve(b.secret)).not.toBeNull()
    expect(await sessions.endAllOf('u_ann')).toBe(2)
    expect(await sessions.resolve(c.secret)).toBeNull()
    expect(await store.countSessionsOf('u_ann')).toBe(0)
  })
})

describe('session rules with an idle time longer than the session', () => {
  it('ends the session at its absolute expiry, exactly, though its idle expiry is later', async () => {
    const { clock, sessions } = await opened({ idleMs: 10 * HOUR, absoluteMs: 2 * HOUR })
    const { secret, row } = await sessions.open('u_ann', 'password')
    expect(row.idleExpiresAt > row.expiresAt).toBe(true)
    clock.advance(30_000)
    expect(await sessions.resolve(secret)).not.toBeNull()
    clock.advance(2 * HOUR - 30_000)
    expect(await sessions.resolve(secret)).toBeNull()
  })
})
