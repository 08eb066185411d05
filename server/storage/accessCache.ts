import type Database from 'better-sqlite3'

/**
 * What a server reads about the person behind each request (their credential, their user, their
 * organisation roles), kept while the database's `access_version` counter stays the same. Triggers
 * bump the counter on every change of tokens, users and organisation roles, made by this process
 * or any other on the same database, so a revoked token or a disabled user is refused at the next
 * request anywhere. Each look-up reads the counter first and tags what it loads with that value: a
 * change committed meanwhile leaves the entry tagged older, and it is read again next time.
 */
export class AccessCache<K, V> {
  private readonly entries = new Map<K, { n: number; value: V }>()

  constructor(
    private readonly version: AccessVersion,
    private readonly max = 10_000,
  ) {}

  /** The kept value when nothing changed since it was read; otherwise `load()` (kept unless null). */
  get(key: K, load: () => V): V {
    const n = this.version.current()
    if (n === null) return load()
    const hit = this.entries.get(key)
    if (hit && hit.n === n) return hit.value
    const value = load()
    if (value === null) {
      this.entries.delete(key)
      return value
    }
    if (this.entries.size >= this.max) this.entries.clear()
    this.entries.set(key, { n, value })
    return value
  }

  /** Changes the kept values in place (a change the counter does not follow, such as "last used"). */
  each(change: (value: V) => void): void {
    for (const e of this.entries.values()) change(e.value)
  }
}

/** The `access_version` counter of one connection; null where the database has none (nothing is kept). */
export class AccessVersion {
  private readonly read: Database.Statement | null

  constructor(db: Database.Database) {
    let read: Database.Statement | null = null
    try {
      read = db.prepare('SELECT n FROM access_version WHERE id = 1').pluck()
    } catch {
      // A database from before the counter, opened read-only: every look-up reads afresh.
    }
    this.read = read
  }

  current(): number | null {
    return (this.read?.get() as number | undefined) ?? null
  }
}
