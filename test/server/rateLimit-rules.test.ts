import { describe, expect, it } from 'vitest'
import { DEFAULT_RATE_LIMIT, SignInLimiter } from '../../server/auth/rateLimit.ts'
import { Problem } from '../../server/http/problem.ts'
import { authStoreFor } from '../../server/storage/authStore.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { manualClock } from './helpers.ts'

const HOUR = 3600_000
const config = { accountFree: 2, ipFree: 4, baseDelayMs: 1000, maxDelayMs: 8000 }

function limiter(cfg = config) {
  const storage = new SqliteStorage(':memory:')
  const store = authStoreFor(storage)
  const clock = manualClock()
  return { store, clock, limiter: new SignInLimiter(store, clock, cfg) }
}

/** The refusal of a check, or null when the attempt may go on. */
async function refusal(l: SignInLimiter, account: string, ip: string): Promise<Problem | null> {
  try {
    await l.check(account, ip)
    return null
  } catch (e) {
    if (e instanceof Problem) return e
    throw e
  }
}

describe('sign-in rate limit rules', () => {
  it('lets the free failures through, then waits the base delay, doubling per failure up to the longest', async () => {
    const { store, clock, limiter: l } = limiter()
    const now = clock().getTime()
    await l.failed('ann@example.com', '10.0.0.1')
    await l.failed('ann@example.com', '10.0.0.1')
    expect(await store.attempt('account:ann@example.com')).toEqual({
      failures: 2,
      notBefore: 0,
      lastFailure: now,
    })
    expect(await refusal(l, 'ann@example.com', '10.0.0.1')).toBeNull()
    const waits: number[] = []
    for (let i = 0; i < 6; i++) {
      await l.failed('ann@example.com', '10.0.0.1')
      waits.push((await store.attempt('account:ann@example.com'))!.notBefore - now)
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000, 8000])
  })

  it('by default lets three failures of an account through, then waits a second, doubling up to 15 minutes', async () => {
    const { store, clock } = limiter()
    const l = new SignInLimiter(store, clock)
    expect(l.config).toEqual(DEFAULT_RATE_LIMIT)
    expect(DEFAULT_RATE_LIMIT).toEqual({
      accountFree: 3,
      ipFree: 20,
      baseDelayMs: 1000,
      maxDelayMs: 15 * 60_000,
    })
    const now = clock().getTime()
    const waits: number[] = []
    for (let i = 0; i < 16; i++) {
      await l.failed('ann@example.com', '10.0.0.1')
      const { notBefore } = (await store.attempt('account:ann@example.com'))!
      waits.push(notBefore && notBefore - now)
    }
    expect(waits.slice(0, 5)).toEqual([0, 0, 0, 1000, 2000])
    expect(waits.slice(-2)).toEqual([15 * 60_000, 15 * 60_000])
  })

  it('refuses with 429, the code and the whole seconds to wait, rounded up', async () => {
    const { clock, limiter: l } = limiter({ ...config, accountFree: 0, baseDelayMs: 1500 })
    await l.failed('ann', '10.0.0.1')
    const p = await refusal(l, 'ann', '10.0.0.1')
    expect(p?.status).toBe(429)
    expect(p?.code).toBe('too_many_attempts')
    expect(p?.params).toEqual({ seconds: 2 })
    expect(p?.extra).toEqual({ retryAfter: 2 })
    expect(p?.message).toBe('Too many failed sign-in attempts; try again in 2 s')
    clock.advance(1499)
    expect((await refusal(l, 'ann', '10.0.0.1'))?.params).toEqual({ seconds: 1 })
    clock.advance(1)
    expect(await refusal(l, 'ann', '10.0.0.1')).toBeNull()
  })

  it('counts the account as typed, trimmed and in any case, whether it exists or not', async () => {
    const { store, limiter: l } = limiter({ ...config, accountFree: 0 })
    await l.failed('  Nobody@Example.COM ', '10.0.0.1')
    expect((await store.attempt('account:nobody@example.com'))?.failures).toBe(1)
    expect((await refusal(l, 'nobody@example.com', '10.9.9.9'))?.code).toBe('too_many_attempts')
    expect(await refusal(l, 'somebody@example.com', '10.9.9.9')).toBeNull()
  })

  it('limits an address on its own allowance, across accounts', async () => {
    const { store, limiter: l } = limiter({ ...config, accountFree: 100, ipFree: 2 })
    await l.failed('a', '10.0.0.7')
    await l.failed('b', '10.0.0.7')
    expect(await refusal(l, 'c', '10.0.0.7')).toBeNull()
    await l.failed('c', '10.0.0.7')
    expect((await store.attempt('ip:10.0.0.7'))?.failures).toBe(3)
    expect((await refusal(l, 'd', '10.0.0.7'))?.params).toEqual({ seconds: 1 })
    expect(await refusal(l, 'd', '10.0.0.8')).toBeNull()
  })

  it('a correct password clears the account count but not the address count', async () => {
    const { store, limiter: l } = limiter()
    await l.failed('ann', '10.0.0.1')
    await l.succeeded('  ANN ')
    expect(await store.attempt('account:ann')).toBeNull()
    expect((await store.attempt('ip:10.0.0.1'))?.failures).toBe(1)
  })

  it('starts the count again a day after the last failure, and forgets entries older than a day', async () => {
    const { store, clock, limiter: l } = limiter({ ...config, accountFree: 1 })
    await l.failed('ann', '10.0.0.1')
    await l.failed('old', '10.0.0.2')
    clock.advance(24 * HOUR)
    await l.failed('ann', '10.0.0.1')
    // Exactly a day: still the same count.
    expect((await store.attempt('account:ann'))?.failures).toBe(2)
    expect(await store.attempt('account:old')).not.toBeNull()
    clock.advance(24 * HOUR + 1)
    await l.failed('ann', '10.0.0.1')
    expect((await store.attempt('account:ann'))?.failures).toBe(1)
    expect((await store.attempt('account:ann'))?.notBefore).toBe(0)
    // The sweep (at most once an hour) forgot the entry whose last failure is over a day old.
    expect(await store.attempt('account:old')).toBeNull()
  })

  it('sweeps old entries at most once an hour', async () => {
    const { store, clock, limiter: l } = limiter()
    await l.failed('old', '10.0.0.1')
    clock.advance(23.5 * HOUR)
    await l.failed('ann', '10.0.0.2')
    expect(await store.attempt('account:old')).not.toBeNull()
    // An hour after that sweep, exactly: no sweep yet, though 'old' is now over a day old.
    clock.advance(HOUR)
    await l.failed('ann', '10.0.0.2')
    expect(await store.attempt('account:old')).not.toBeNull()
    clock.advance(1)
    await l.failed('ann', '10.0.0.2')
    expect(await store.attempt('account:old')).toBeNull()
    expect(await store.attempt('ip:10.0.0.1')).toBeNull()
  })

  it('starts the count again a day after the last failure even when no sweep forgot it', async () => {
    const { store, clock, limiter: l } = limiter()
    await l.failed('ann', '10.0.0.1')
    await l.failed('ann', '10.0.0.1')
    clock.advance(23.5 * HOUR)
    // This failure sweeps; ann's entry is not yet a day old and stays.
    await l.failed('bob', '10.0.0.2')
    expect((await store.attempt('account:ann'))?.failures).toBe(2)
    clock.advance(0.7 * HOUR)
    await l.failed('ann', '10.0.0.1')
    expect(await store.attempt('account:ann')).toEqual({
      failures: 1,
      notBefore: 0,
      lastFailure: clock().getTime(),
    })
  })
})
