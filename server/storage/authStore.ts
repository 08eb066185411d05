import type Database from 'better-sqlite3'
import type { Kysely } from 'kysely'
import type { AuthStore } from './authTypes.ts'
import { PgAuthStore } from './pgAuth.ts'
import { SqliteAuthStore } from './sqliteAuth.ts'
import type { Storage } from './types.ts'

/** The sign-in store on the same database as a storage (SQLite or PostgreSQL). */
export function authStoreFor(storage: Storage): AuthStore {
  const s = storage as unknown as { kind?: string; db?: unknown }
  if (s.kind === 'postgres' && s.db) return new PgAuthStore(s.db as Kysely<any>)
  if (s.kind === 'sqlite' && s.db) return new SqliteAuthStore(s.db as Database.Database)
  throw new Error(`Signing in needs a SQLite or PostgreSQL storage, not "${s.kind ?? 'unknown'}"`)
}
