import { describe, expect, it } from 'vitest'
import { Links } from '../../server/auth/invitations.ts'
import { SignInLimiter } from '../../server/auth/rateLimit.ts'
import { Sessions } from '../../server/auth/sessions.ts'
import { Problem } from '../../server/http/problem.ts'
import { authStoreFor } from '../../server/storage/authStore.ts'
import type { AuthStore } from '../../server/storage/authTypes.ts'
import { manualClock } from './helpers.ts'
import { BACKENDS, useBackend } from './storageBackends.ts'

/**
 * The sign-in store's contract, run on every backend: sessions, one-time links, attempt limits
 * and transactions behave the same on the embedded SQLite and on PostgreSQL, and a second
 * process on the same database sees what the first did at once.
 */
const HOUR = 3600_000
let n = 0

async function person(store: AuthStore, clock: () => Date) {
  const id = `u_auth_${++n}`
  await store.createPerson(
    { id, name: `Person ${n}`, role: 'agent', team: null, createdAt: clock().toISOString() },
    `Person${n}@Example.org`,
  )
  return { id, email: `person${n}@example.org` }
}

describe.each(BACKENDS)('sign-in store on $name', (backend) => {
  const { open, closeLater } = useBackend(backend)

  it('finds accounts by id and by e-mail in any case, and records password, e-mail and disabling', async () => {
    const { storage } = await open()
    const store = authStoreFor(storage)
    const clock = manualClock()
    const p = await person(store, clock)
    expect((await store.accountByEmail(`  ${p.email.toUpperCase()} `))?.user.id).toBe(p.id)
    await store.setPasswordHash(p.id, 'hash-1')
    await store.setEmail(p.id, ' new@example.org ')
    await store.setDisabled(p.id, clock().toISOString())
    const a = await store.accountById(p.id)
    expect(a).toMatchObject({
      email: 'new@example.org',
      passwordHash: 'hash-1',
      disabledAt: clock().toISOString(),
    })
    expect(a?.user).toMatchObject({ id: p.id, role: 'agent', team: null })
    expect(await store.accountByEmail(p.email)).toBeNull()
    expect(await store.accountById('u_nobody')).toBeNull()
  })

  it('opens sessions that move their idle expiry on, end when idle or old, and end everywhere at once', async () => {
    const { storage } = await open()
    const store = authStoreFor(storage)
    const clock = manualClock()
    const sessions = new Sessions(store, clock, { idleMs: 8 * HOUR, absoluteMs: 24 * HOUR })
    const p = await person(store, clock)
    const a = await sessions.open(p.id, 'password')
    const b = await sessions.open(p.id, 'link')
    expect(await store.countSessionsOf(p.id)).toBe(2)
    clock.advance(7 * HOUR)
    const resolved = await sessions.resolve(a.secret)
    expect(resolved?.user.id).toBe(p.id)
    expect((await store.session(a.row.hash))?.idleExpiresAt).toBe(
      new Date(clock().getTime() + 8 * HOUR).toISOString(),
    )
    clock.advance(2 * HOUR)
    // b was not used for 9 hours: it has ended and is deleted; a was used 2 hours ago.
    expect(await sessions.resolve(b.secret)).toBeNull()
    expect(await store.session(b.row.hash)).toBeNull()
    expect((await sessions.resolve(a.secret))?.row.via).toBe('password')
    const c = await sessions.open(p.id, 'sso')
    expect(await sessions.endAllOf(p.id)).toBe(2)
    expect(await sessions.resolve(a.secret)).toBeNull()
    expect(await sessions.resolve(c.secret)).toBeNull()
    const d = await sessions.open(p.id, 'password')
    clock.advance(7 * HOUR)
    await sessions.resolve(d.secret)
    clock.advance(7 * HOUR)
    await sessions.resolve(d.secret)
    clock.advance(7 * HOUR)
    await sessions.resolve(d.secret)
    clock.advance(4 * HOUR)
    // Used every 7 hours, but 25 hours after sign-in: past the absolute expiry.
    expect(await sessions.resolve(d.secret)).toBeNull()
  })

  it('refuses, on another process at its next call, a session ended or a person disabled on this one', async () => {
    const o = await open()
    const other = await o.another()
    closeLater(other)
    const here = authStoreFor(o.storage)
    const there = authStoreFor(other)
    const clock = manualClock()
    const cfg = { idleMs: 8 * HOUR, absoluteMs: 24 * HOUR }
    const p = await person(here, clock)
    const q = await person(here, clock)
    const sp = await new Sessions(here, clock, cfg).open(p.id, 'password')
    const sq = await new Sessions(here, clock, cfg).open(q.id, 'password')
    const remote = new Sessions(there, clock, cfg)
    expect((await remote.resolve(sp.secret))?.user.id).toBe(p.id)
    expect((await remote.resolve(sq.secret))?.user.id).toBe(q.id)
    await new Sessions(here, clock, cfg).end(sp.row.hash)
    await here.setDisabled(q.id, clock().toISOString())
    expect(await remote.resolve(sp.secret)).toBeNull()
    expect(await remote.resolve(sq.secret)).toBeNull()
  })

  it('issues one-time links that replace the older ones, expire, and are used exactly once under a race', async () => {
    const { storage } = await open()
    const store = authStoreFor(storage)
    const clock = manualClock()
    const links = new Links(store, clock, { setupMs: HOUR, invitationMs: 2 * HOUR, resetMs: HOUR })
    const p = await person(store, clock)
    const first = await links.issue(p.id, 'invitation')
    const second = await links.issue(p.id, 'reset')
    await expect(links.valid(first.secret)).rejects.toMatchObject({ code: 'link_invalid' })
    const row = await links.valid(second.secret)
    expect(row).toMatchObject({ userId: p.id, purpose: 'reset', usedAt: null })
    const wins = await Promise.all(
      Array.from({ length: 10 }, () =>
        store.atomically(async (tx) => tx.useLink(row.hash, clock().toISOString())),
      ),
    )
    expect(wins.filter(Boolean)).toHaveLength(1)
    await expect(links.valid(second.secret)).rejects.toBeInstanceOf(Problem)
    const third = await links.issue(p.id, 'setup')
    clock.advance(HOUR)
    await expect(links.valid(third.secret)).rejects.toMatchObject({ code: 'link_invalid' })
  })

  it('rolls back every write of a failed transaction, and keeps a write made beside it meanwhile', async () => {
    const { storage } = await open()
    const store = authStoreFor(storage)
    const clock = manualClock()
    const sessions = new Sessions(store, clock, { idleMs: HOUR, absoluteMs: 2 * HOUR })
    const p = await person(store, clock)
    const link = await new Links(store, clock).issue(p.id, 'setup')
    const linkRow = await new Links(store, clock).valid(link.secret)
    let release = () => {}
    const gate = new Promise<void>((r) => {
      release = r
    })
    let inside: { secret: string } | null = null
    const failing = store.atomically(async (tx) => {
      expect(await tx.useLink(linkRow.hash, clock().toISOString())).toBe(true)
      await tx.setPasswordHash(p.id, 'hash-in-failed-transaction')
      inside = await sessions.open(p.id, 'link', tx)
      await gate
      throw new Error('refused after the writes')
    })
    // Give the transaction time to make its writes, then write beside it.
    await new Promise((r) => setTimeout(r, 50))
    const beside = sessions.open(p.id, 'password')
    // Let the write beside run as far as it can before the transaction fails.
    await new Promise((r) => setTimeout(r, 50))
    release()
    await expect(failing).rejects.toThrow('refused after the writes')
    const kept = await beside
    expect(inside).not.toBeNull()
    expect(await sessions.resolve((inside as unknown as { secret: string }).secret)).toBeNull()
    expect((await sessions.resolve(kept.secret))?.user.id).toBe(p.id)
    expect((await store.accountById(p.id))?.passwordHash).toBeNull()
    expect((await store.link(linkRow.hash))?.usedAt).toBeNull()
  })

  it('counts every one of concurrent failed sign-ins, shares the delay across processes, and clears on success', async () => {
    const o = await open()
    const other = await o.another()
    closeLater(other)
    const clock = manualClock()
    const cfg = { accountFree: 3, ipFree: 100, baseDelayMs: 1000, maxDelayMs: 60_000 }
    const here = new SignInLimiter(authStoreFor(o.storage), clock, cfg)
    const there = new SignInLimiter(authStoreFor(other), clock, cfg)
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? there : here).failed('Someone@Example.org', `10.0.0.${i}`),
      ),
    )
    expect((await authStoreFor(other).attempt('account:someone@example.org'))?.failures).toBe(6)
    // 6 failures, 3 free: the third delay is 4 s.
    const refusal = await there.check(' someone@example.org', '10.0.0.9').catch((e) => e)
    expect(refusal).toBeInstanceOf(Problem)
    expect(refusal).toMatchObject({ status: 429, code: 'too_many_attempts', params: { seconds: 4 } })
    clock.advance(4000)
    await expect(here.check('someone@example.org', '10.0.0.9')).resolves.toBeUndefined()
    await here.succeeded('someone@example.org')
    expect(await authStoreFor(other).attempt('account:someone@example.org')).toBeNull()
    expect((await authStoreFor(other).attempt('ip:10.0.0.1'))?.failures).toBe(1)
  })

  it('takes a pending single sign-on out once, and forgets old ones', async () => {
    const { storage } = await open()
    const store = authStoreFor(storage)
    await store.addPending('state-old', 'v0', 'n0', 1000, 0)
    await store.addPending('state-1', 'v1', 'n1', 5000, 2000)
    expect(await store.takePending('state-old')).toBeNull()
    expect(await store.takePending('state-1')).toEqual({ verifier: 'v1', nonce: 'n1', at: 5000 })
    expect(await store.takePending('state-1')).toBeNull()
  })
})
