import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { resolveToken } from '../../server/auth/tokens.ts'
import { newToken, tokenHash } from '../../server/services/crypto.ts'
import { ensureAdmin } from '../../server/start.ts'
import { AccessCache, AccessVersion } from '../../server/storage/accessCache.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'

// What a server keeps of the people behind requests (credential, user, organisation roles) is read
// again as soon as anything about them changes, also when the change is made by another server on
// the same database (a second connection here, as a second process has).

const dirs: string[] = []
const opened: SqliteStorage[] = []
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const at = '2026-03-02T08:00:00.000Z'
const log = (action: string, id: string) => ({
  at,
  actorId: 'system',
  actorRole: 'admin',
  action,
  targetType: 'user',
  targetId: id,
  before: null,
  after: null,
})

/** Two servers' connections to one database file, with an admin and their token. */
async function twoServers() {
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-access-'))
  dirs.push(dir)
  const a = new SqliteStorage(join(dir, 'db.sqlite'))
  opened.push(a)
  const secret = (await ensureAdmin(a, at))!
  const b = new SqliteStorage(join(dir, 'db.sqlite'))
  opened.push(b)
  const admin = (await a.listUsers())[0]
  return { a, b, secret, admin }
}

const version = (s: SqliteStorage) => s.db.prepare('SELECT n FROM access_version').pluck().get() as number

describe('the access cache', () => {
  it('a token revoked by another server is refused at the next request', async () => {
    const { a, b, secret } = await twoServers()
    expect((await resolveToken(a, secret, new Date(at)))?.user.role).toBe('admin')
    const token = (await a.access.findCredential(tokenHash(secret)))!.token
    expect(await b.access.revokeToken(token.id, at, 'system', log('token.revoke', token.id))).toBe(true)
    await expect(resolveToken(a, secret, new Date(at))).rejects.toMatchObject({ code: 'token_revoked' })
  })

  it('a user disabled or given another role by another server is seen so at once', async () => {
    const { a, b, secret, admin } = await twoServers()
    expect((await a.getUser(admin.id))?.team).toBeNull()
    await b.access.updateUser(admin.id, { team: 'hanoi' }, log('user.team', admin.id))
    expect((await a.getUser(admin.id))?.team).toBe('hanoi')
    expect((await a.access.findCredential(tokenHash(secret)))?.user.team).toBe('hanoi')
    await b.access.updateUser(admin.id, { disabledAt: at }, log('user.disable', admin.id))
    await expect(resolveToken(a, secret, new Date(at))).rejects.toMatchObject({ code: 'user_disabled' })
  })

  it('organisation roles given or taken by another server are read afresh', async () => {
    const { a, b, admin } = await twoServers()
    await b.teams.createOrgRole({ name: 'billing', label: 'Billing', createdAt: at })
    expect(await a.teams.orgRolesOf(admin.id)).toEqual([])
    await b.teams.setOrgRoles(admin.id, ['billing'])
    expect(await a.teams.orgRolesOf(admin.id)).toEqual(['billing'])
    await b.teams.setOrgRoles(admin.id, [])
    expect(await a.teams.orgRolesOf(admin.id)).toEqual([])
  })

  it('a token made by another server works at once; an unknown one is not remembered as unknown', async () => {
    const { a, b, admin } = await twoServers()
    const secret = newToken()
    expect(await a.access.findCredential(tokenHash(secret))).toBeNull()
    await b.access.createToken(
      {
        id: 'tok_second',
        userId: admin.id,
        name: 'second',
        kind: 'personal',
        scopes: ['read'],
        createdBy: admin.id,
        createdAt: at,
        expiresAt: null,
        lastUsedAt: null,
        revokedAt: null,
        revokedBy: null,
      },
      tokenHash(secret),
      log('token.create', 'tok_second'),
    )
    expect((await resolveToken(a, secret, new Date(at)))?.scopes).toEqual(['read'])
  })

  it('each request gets its own objects; noting a token’s use changes no counter but is kept', async () => {
    const { a, secret, admin } = await twoServers()
    const first = await a.access.findCredential(tokenHash(secret))
    const second = await a.access.findCredential(tokenHash(secret))
    expect(second).toEqual(first)
    expect(second?.user).not.toBe(first?.user)
    expect(second?.token).not.toBe(first?.token)
    expect(await a.getUser(admin.id)).not.toBe(await a.getUser(admin.id))
    const before = version(a)
    await a.access.touchToken(first!.token.id, '2026-03-02T09:00:00.000Z')
    expect(version(a)).toBe(before)
    expect((await a.access.findCredential(tokenHash(secret)))?.token.lastUsedAt).toBe(
      '2026-03-02T09:00:00.000Z',
    )
    // A change of any of them moves the counter.
    await a.teams.createOrgRole({ name: 'fraud', label: 'Fraud', createdAt: at })
    await a.teams.setOrgRoles(admin.id, ['fraud'])
    expect(version(a)).toBeGreaterThan(before)
  })
})

describe('the cache itself', () => {
  const counted = () => {
    const loads: string[] = []
    return {
      loads,
      load:
        (key: string, value: string | null = `v:${key}`) =>
        () => {
          loads.push(key)
          return value
        },
    }
  }

  it('reads once while the counter stays the same, and again once it moves', async () => {
    const { a } = await twoServers()
    const cache = new AccessCache<string, string | null>(new AccessVersion(a.db))
    const { loads, load } = counted()
    expect(cache.get('k', load('k'))).toBe('v:k')
    expect(cache.get('k', load('k'))).toBe('v:k')
    expect(loads).toEqual(['k'])
    a.db.prepare('UPDATE access_version SET n = n + 1').run()
    expect(cache.get('k', load('k'))).toBe('v:k')
    expect(loads).toEqual(['k', 'k'])
  })

  it('does not keep "none": it is read again next time', async () => {
    const { a } = await twoServers()
    const cache = new AccessCache<string, string | null>(new AccessVersion(a.db))
    const { loads, load } = counted()
    expect(cache.get('k', load('k', null))).toBeNull()
    expect(cache.get('k', load('k', null))).toBeNull()
    expect(loads).toEqual(['k', 'k'])
  })

  it('keeps at most its size: full, it starts over', async () => {
    const { a } = await twoServers()
    const cache = new AccessCache<string, string | null>(new AccessVersion(a.db), 2)
    const { loads, load } = counted()
    for (const k of ['a', 'b', 'a', 'c', 'a']) cache.get(k, load(k))
    expect(loads).toEqual(['a', 'b', 'c', 'a'])
  })

  it('on a database without the counter, keeps nothing', () => {
    const db = new Database(':memory:')
    const version = new AccessVersion(db)
    expect(version.current()).toBeNull()
    const cache = new AccessCache<string, string | null>(version)
    const { loads, load } = counted()
    cache.get('k', load('k'))
    cache.get('k', load('k'))
    expect(loads).toEqual(['k', 'k'])
    db.close()
  })
})
