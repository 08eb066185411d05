import { Problem } from '../http/problem.ts'
import type { Clock } from '../services/tickets.ts'

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

interface Entry {
  failures: number
  /** No attempt is checked before this time (epoch ms). */
  notBefore: number
  lastFailure: number
}

/** Entries are forgotten a day after their last failure; at most this many are kept. */
const FORGET_MS = 24 * 3600_000
const MAX_ENTRIES = 100_000

/**
 * Sign-in attempts, limited per account and per client address with a growing delay: after the
 * free attempts, each failure doubles the wait before the next attempt is checked at all. The
 * account key is what was typed, whether or not such an account exists, so the answers for an
 * unknown account are the same as for a known one.
 */
export class SignInLimiter {
  private readonly accounts = new Map<string, Entry>()
  private readonly ips = new Map<string, Entry>()

  constructor(
    private readonly clock: Clock,
    readonly config: RateLimitConfig = DEFAULT_RATE_LIMIT,
  ) {}

  /** Refuses the attempt with 429 (and the seconds to wait) while either delay runs. */
  check(account: string, ip: string): void {
    const now = this.clock().getTime()
    const wait = Math.max(
      (this.accounts.get(key(account))?.notBefore ?? 0) - now,
      (this.ips.get(ip)?.notBefore ?? 0) - now,
    )
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000)
      throw new Problem(
        429,
        'too_many_attempts',
        `Too many failed sign-in attempts; try again in ${seconds} s`,
        { retryAfter: seconds, params: { seconds } },
      )
    }
  }

  failed(account: string, ip: string): void {
    this.bump(this.accounts, key(account), this.config.accountFree)
    this.bump(this.ips, ip, this.config.ipFree)
  }

  /** A correct password clears the account's count (not the address's). */
  succeeded(account: string): void {
    this.accounts.delete(key(account))
  }

  private bump(map: Map<string, Entry>, k: string, free: number): void {
    const now = this.clock().getTime()
    let e = map.get(k)
    if (!e || now - e.lastFailure > FORGET_MS) e = { failures: 0, notBefore: 0, lastFailure: now }
    e.failures++
    e.lastFailure = now
    const over = e.failures - free
    if (over > 0)
      e.notBefore =
        now + Math.min(this.config.maxDelayMs, this.config.baseDelayMs * 2 ** Math.min(over - 1, 30))
    map.delete(k)
    map.set(k, e)
    if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as string)
  }
}

const key = (account: string) => account.trim().toLowerCase()
