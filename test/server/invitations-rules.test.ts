import { describe, expect, it } from 'vitest'
import { DEFAULT_LINKS, Links, linkHash } from '../../server/auth/invitations.ts'
import { Problem } from '../../server/http/problem.ts'
import { authStoreFor } from '../../server/storage/authStore.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { manualClock } from './helpers.ts'

/** One-time links (setup, invitation, reset) on a real SQLite sign-in store. */
const HOUR = 3600_000
const config = { setupMs: HOUR, invitationMs: 2 * HOUR, resetMs: 3 * HOUR }

async function opened(cfg?: typeof config) {
  const store = authStoreFor(new SqliteStorage(':memory:'))
  const clock = manualClock()
  const at = clock().toISOString()
  for (const id of ['u_ann', 'u_bob'])
    await store.createPerson({ id, name: id, role: 'agent', team: null, createdAt: at }, `${id}@example.org`)
  return { store, clock, links: new Links(store, clock, cfg) }
}

const later = (clock: () => Date, ms: number) => new Date(clock().getTime() + ms).toISOString()

describe('one-time links', () => {
  it('issues a link per purpose to its own page, expiring after that purpose’s time', async () => {
    const { store, clock, links } = await opened(config)
    const cases = [
      ['setup', 'setup', HOUR],
      ['invitation', 'invite', 2 * HOUR],
      ['reset', 'reset', 3 * HOUR],
    ] as const
    for (const [purpose, page, ttl] of cases) {
      const link = await links.issue('u_ann', purpose)
      expect(link.secret).toMatch(/^[\w-]{43}$/)
      expect(link).toEqual({
        secret: link.secret,
        path: `/#/${page}/${link.secret}`,
        purpose,
        expiresAt: later(clock, ttl),
      })
      // Only the hash is stored, with the user, the purpose and when it was made.
      expect(await store.link(link.secret)).toBeNull()
      expect(await store.link(linkHash(link.secret))).toEqual({
        hash: linkHash(link.secret),
        userId: 'u_ann',
        purpose,
        createdAt: clock().toISOString(),
        expiresAt: later(clock, ttl),
        usedAt: null,
      })
    }
  })

  it('keeps setup and reset links a day and invitations a week by default', async () => {
    expect(DEFAULT_LINKS).toEqual({ setupMs: 24 * HOUR, invitationMs: 7 * 24 * HOUR, resetMs: 24 * HOUR })
    const { clock, links } = await opened()
    expect(links.config).toEqual(DEFAULT_LINKS)
    expect((await links.issue('u_ann', 'invitation')).expiresAt).toBe(later(clock, 7 * 24 * HOUR))
    expect((await links.issue('u_ann', 'setup')).expiresAt).toBe(later(clock, 24 * HOUR))
    expect((await links.issue('u_ann', 'reset')).expiresAt).toBe(later(clock, 24 * HOUR))
  })

  it('accepts a link until the moment it expires, not at that moment', async () => {
    const { clock, links } = await opened(config)
    const link = await links.issue('u_ann', 'invitation')
    clock.advance(2 * HOUR - 1)
    expect(await links.valid(link.secret)).toMatchObject({ userId: 'u_ann', purpose: 'invitation' })
    clock.advance(1)
    await expect(links.valid(link.secret)).rejects.toMatchObject({
      status: 400,
      code: 'link_invalid',
      message: 'This link is not valid: it was used already, has expired, or was replaced by a newer one',
    })
  })

  it('refuses an unknown, a used and a replaced link alike, and a new link of one person leaves another’s', async () => {
    const { store, clock, links } = await opened(config)
    await expect(links.valid('no-such-secret')).rejects.toBeInstanceOf(Problem)
    const used = await links.issue('u_bob', 'reset')
    const bobs = await links.issue('u_bob', 'invitation')
    const anns = await links.issue('u_ann', 'invitation')
    expect(await store.useLink(linkHash(bobs.secret), clock().toISOString())).toBe(true)
    for (const secret of ['no-such-secret', used.secret, bobs.secret])
      await expect(links.valid(secret)).rejects.toMatchObject({ status: 400, code: 'link_invalid' })
    expect((await links.valid(anns.secret)).userId).toBe('u_ann')
  })

  it('issues and checks inside the transaction it is handed', async () => {
    const { store, links } = await opened(config)
    const link = await store.atomically(async (tx) => {
      const issued = await links.issue('u_ann', 'setup', tx)
      expect((await links.valid(issued.secret, tx)).userId).toBe('u_ann')
      return issued
    })
    expect((await links.valid(link.secret)).purpose).toBe('setup')
  })
})
