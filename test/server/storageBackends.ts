import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { PgStorage } from '../../server/storage/postgres.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import type { Storage } from '../../server/storage/types.ts'
import { startPostgres, type TestPostgres } from './pgHarness.ts'

/** One storage under test, with a way to run raw SQL on its database (to try what the API never does). */
export interface OpenedStorage {
  storage: Storage
  /** Runs a statement straight on the database; rejects with the database's error. */
  raw(sql: string): Promise<void>
  /** Closes and opens the same database again (what a restart reads back). */
  reopen(): Promise<OpenedStorage>
  /** A second storage on the same database, as another server process would have. */
  another(): Promise<Storage>
}

export interface Backend {
  name: string
  /** Called once per test file before the first `open`. */
  setup(): Promise<void>
  teardown(): Promise<void>
  /** A new, empty database. */
  open(): Promise<OpenedStorage>
}

function sqlite(writerThread: boolean): Backend {
  const openAt = async (path: string): Promise<OpenedStorage> => {
    const storage = new SqliteStorage(path, { writerThread })
    return {
      storage,
      raw: async (sql) => {
        storage.db.exec(sql)
      },
      reopen: async () => {
        await storage.close()
        return openAt(path)
      },
      another: async () => new SqliteStorage(path, { writerThread }),
    }
  }
  return {
    name: writerThread ? 'SQLite (writer thread)' : 'SQLite',
    setup: async () => {},
    teardown: async () => {},
    open: () => openAt(join(mkdtempSync(join(tmpdir(), 'sopflow-conformance-')), 'db.sqlite')),
  }
}

function postgres(): Backend {
  let server: TestPostgres | null = null
  const openAt = async (url: string): Promise<OpenedStorage> => {
    const storage = await PgStorage.open(url, { poolSize: 8 })
    return {
      storage,
      raw: async (sql) => {
        await storage.pool.query(sql)
      },
      reopen: async () => {
        await storage.close()
        return openAt(url)
      },
      another: () => PgStorage.open(url, { poolSize: 8 }),
    }
  }
  return {
    name: 'PostgreSQL',
    setup: async () => {
      server = await startPostgres()
    },
    teardown: async () => {
      await server?.stop()
    },
    open: async () => {
      if (!server) throw new Error('The PostgreSQL server is not started')
      return openAt(await server.createDatabase())
    },
  }
}

/** Every storage backend the contract tests run on. */
export const BACKENDS: Backend[] = [sqlite(false), sqlite(true), postgres()]

/**
 * For a `describe` block over one backend: starts it before the block's tests and, after them,
 * closes every storage `open` gave (and anything passed to `closeLater`) and stops the backend.
 */
export function useBackend(backend: Backend): {
  open(): Promise<OpenedStorage>
  closeLater(c: { close(): Promise<void> }): void
} {
  const opened: { close(): Promise<void> }[] = []
  beforeAll(() => backend.setup(), 120_000)
  afterAll(async () => {
    for (const o of opened.reverse()) await o.close().catch(() => {})
    await backend.teardown()
  }, 60_000)
  return {
    async open() {
      const o = await backend.open()
      opened.push(o.storage)
      return o
    },
    closeLater: (c) => {
      opened.push(c)
    },
  }
}
