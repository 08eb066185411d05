import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { databaseTarget } from './databaseUrl.ts'
import { PgStorage } from './postgres.ts'
import { SqliteStorage } from './sqlite.ts'
import type { Storage } from './types.ts'

/**
 * Opens the storage a `--db` value names: a SQLite file (its folder is created) or a PostgreSQL
 * database (migrated on connect). A scheme sopflow does not know is refused (DatabaseUrlError).
 */
export async function openStorage(
  value: string,
  options: { backgroundCheckpoints?: boolean; writerThread?: boolean } = {},
): Promise<Storage> {
  const target = databaseTarget(value)
  if (target.kind === 'postgres') return PgStorage.open(target.url)
  if (target.path !== ':memory:') mkdirSync(dirname(resolve(target.path)), { recursive: true })
  return new SqliteStorage(target.path, options)
}

/** The storage as the embedded SQLite one (for tools that read its file); refused on PostgreSQL. */
export function sqliteOf(storage: Storage): SqliteStorage {
  if (!(storage instanceof SqliteStorage))
    throw new Error(`This needs the SQLite storage, not ${storage.kind}`)
  return storage
}
