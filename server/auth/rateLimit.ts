import { Problem } from '../http/problem.ts'
import type { Clock } from '../services/tickets.ts'
import type { AuthStore } from '../storage/authTypes.ts'

export interface RateLimitConfig {
  /** Failed attempts on one account before the delays begin (default 3). */
  accountFree: number
  /** Failed attempts from one address before the delays begin (default 20). */
  ipFree: number
  /** The first delay; each further failure doubles it (ms, default 1 s). */
  baseDelayMs: number
  /** The longest delay (ms, default 15 min). */
  maxDelayMs: number
}

export const DEFAULT_RATE_LIMIT: RateLimitConfig = {
  accountFree: 3,
  ipFree: 20,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
}

/** Entries are forgotten a day after their last failure. */
const FORGET_MS = 24 * 3600_000

/**
 * Sign-in attempts, limited per account and per client address with a growing delay: after the
 * free attempts, each failure doubles the wait before the next attempt is checked at all. The
 * account key is what was typed, whether or not such an account exists, so the answers for an
 * unknown account are the same as for a known one. The counts are in the database, so every
 * server process on it applies the same limit.
 */
export class SignInLimiter {
  private lastSweep = 0

  constructor(
    private readonly store: AuthStore,
    private readonly clock: Clock,
    readonly config: RateLimitConfig = DEFAULT_RATE_LIMIT,
  ) {}

  /** Refuses the attempt with 429 (and the seconds to wait) while either delay runs. */
  async check(account: string, ip: string): Promise<void> {
    const now = this.clock().getTime()
    const [byAccount, byIp] = await Promise.all([
      this.store.attempt(accountKey(account)),
      this.store.attempt(ipKey(ip)),
    ])
    const wait = Math.max((byAccount?.notBefore ?? 0) - now, (byIp?.notBefore ?? 0) - now)
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000)
      throw new Problem(
        429,
        'too_many_attempts',
        `Too many failed sign-in attempts; try again in ${seconds} s`,
        {
          retryAfter: seconds,
          params: { seconds },
        },
      )
    }
  }

  failed(account: string, ip: string): Promise<void> {
    return this.store.atomically(async (tx) => {
      await this.bump(tx, accountKey(account), this.config.accountFree)
      await this.bump(tx, ipKey(ip), this.config.ipFree)
    })
  }

  /** A correct password clears the account's count (not the address's). */
  succeeded(account: string): Promise<void> {
    return this.store.deleteAttempt(accountKey(account))
  }

  private async bump(tx: AuthStore, key: string, free: number): Promise<void> {
    const now = this.clock().getTime()
    if (now - this.lastSweep > 3600_000) {
      this.lastSweep = now
      await tx.forgetAttemptsBefore(now - FORGET_MS)
    }
    let e = await tx.attempt(key)
    if (!e || now - e.lastFailure > FORGET_MS) e = { failures: 0, notBefore: 0, lastFailure: now }
    e.failures++
    e.lastFailure = now
    const over = e.failures - free
    if (over > 0)
      e.notBefore =
        now + Math.min(this.config.maxDelayMs, this.config.baseDelayMs * 2 ** Math.min(over - 1, 30))
    await tx.setAttempt(key, e)
  }
}

const accountKey = (account: string) => `account:${account.trim().toLowerCase()}`
const ipKey = (ip: string) => `ip:${ip}`
