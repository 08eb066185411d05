import { describe, expect, it } from 'vitest'
import { resolveToken } from '../../server/auth/tokens.ts'
import { Problem } from '../../server/http/problem.ts'
import { tokenHash } from '../../server/services/crypto.ts'
import { ensureAdmin } from '../../server/start.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'

const NOW = '2026-03-02T08:00:00.000Z'
const at = (iso: string) => new Date(iso)

async function withToken(extra: { expiresAt?: string | null } = {}) {
  const storage = new SqliteStorage(':memory:')
  await ensureAdmin(storage, NOW)
  const admin = (await storage.listUsers())[0]
  const token = {
    id: 'tok_script',
    userId: admin.id,
    name: 'script',
    kind: 'service' as const,
    scopes: ['read', 'tickets'],
    createdBy: admin.id,
    createdAt: NOW,
    expiresAt: extra.expiresAt ?? null,
    lastUsedAt: null,
    revokedAt: null,
    revokedBy: null,
  }
  const log = {
    at: NOW,
    actorId: admin.id,
    actorRole: 'admin',
    targetType: 'token',
    targetId: token.id,
    before: null,
    after: null,
  }
  await storage.access.createToken(token, tokenHash('sf_secret'), { ...log, action: 'token.create' })
  const lastUsed = async () => (await storage.access.findCredential(tokenHash('sf_secret')))?.token.lastUsedAt
  return { storage, admin, log, lastUsed }
}

async function refusal(p: Promise<unknown>): Promise<Problem> {
  try {
    await p
  } catch (e) {
    if (e instanceof Problem) return e
    throw e
  }
  throw new Error('the token was accepted')
}

describe('API token rules', () => {
  it('resolves a token to its user, its scopes and its id, and an unknown secret to null', async () => {
    const { storage, admin } = await withToken()
    expect(await resolveToken(storage, 'sf_secret', at(NOW))).toEqual({
      user: expect.objectContaining({ id: admin.id, role: 'admin' }),
      via: 'token',
      scopes: ['read', 'tickets'],
      credentialId: 'tok_script',
    })
    expect(await resolveToken(storage, 'sf_other', at(NOW))).toBeNull()
  })

  it('refuses a token at its expiry, exactly, with the code, the name and the time', async () => {
    const { storage } = await withToken({ expiresAt: '2026-03-03T08:00:00.000Z' })
    expect(await resolveToken(storage, 'sf_secret', at('2026-03-03T07:59:59.999Z'))).not.toBeNull()
    const p = await refusal(resolveToken(storage, 'sf_secret', at('2026-03-03T08:00:00.000Z')))
    expect(p.status).toBe(401)
    expect(p.code).toBe('token_expired')
    expect(p.params).toEqual({ name: 'script', at: '2026-03-03T08:00:00.000Z' })
    expect(p.message).toBe('The token "script" expired at 2026-03-03T08:00:00.000Z')
  })

  it('refuses a revoked token with the code, the name and when', async () => {
    const { storage, admin, log } = await withToken()
    await storage.access.revokeToken('tok_script', '2026-03-02T09:00:00.000Z', admin.id, {
      ...log,
      action: 'token.revoke',
    })
    const p = await refusal(resolveToken(storage, 'sf_secret', at('2026-03-02T10:00:00.000Z')))
    expect(p.status).toBe(401)
    expect(p.code).toBe('token_revoked')
    expect(p.params).toEqual({ name: 'script', at: '2026-03-02T09:00:00.000Z' })
    expect(p.message).toBe('The token "script" was revoked')
  })

  it('refuses the token of a disabled user, naming the user', async () => {
    const { storage, admin, log } = await withToken()
    await storage.access.updateUser(admin.id, { disabledAt: NOW }, { ...log, action: 'user.disable' })
    const p = await refusal(resolveToken(storage, 'sf_secret', at(NOW)))
    expect(p.status).toBe(401)
    expect(p.code).toBe('user_disabled')
    expect(p.params).toEqual({ name: 'Administrator' })
    expect(p.message).toBe('The account of Administrator is disabled')
  })

  it('records the last use at the first use, and again only when it is over a minute old', async () => {
    const { storage, lastUsed } = await withToken()
    await resolveToken(storage, 'sf_secret', at('2026-03-02T08:00:00.000Z'))
    expect(await lastUsed()).toBe('2026-03-02T08:00:00.000Z')
    await resolveToken(storage, 'sf_secret', at('2026-03-02T08:01:00.000Z'))
    expect(await lastUsed()).toBe('2026-03-02T08:00:00.000Z')
    await resolveToken(storage, 'sf_secret', at('2026-03-02T08:01:00.001Z'))
    expect(await lastUsed()).toBe('2026-03-02T08:01:00.001Z')
  })
})
