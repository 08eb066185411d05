import { type CompiledSop, calendarsNamed, compile } from '../../engine/index.ts'
import { sha256 } from '../services/crypto.ts'
import type { SqliteStorage } from '../storage/sqlite.ts'
import { SqliteCalendars } from '../storage/sqliteCalendars.ts'
import type { SopVersion, Storage } from '../storage/types.ts'

const stores = new WeakMap<Storage, SqliteCalendars>()

/** The calendar store on the same database as `storage`. */
export function calendarsOf(storage: Storage): SqliteCalendars {
  let store = stores.get(storage)
  if (!store) {
    store = new SqliteCalendars((storage as SqliteStorage).db)
    stores.set(storage, store)
  }
  return store
}

/** Compiles a draft against the latest version of every calendar (what publishing would pin). */
export function compileWithLatest(storage: Storage, document: unknown): CompiledSop {
  const store = calendarsOf(storage)
  const calendars = Object.fromEntries(
    store.list().map((meta) => [meta.id, store.get(meta.id, meta.version)!.calendar]),
  )
  return compile(document, { sha256, calendars })
}

/** Publishes a compiled SOP as its next version, pinning the calendar versions it was compiled with, atomically. */
export function publishPinned(
  storage: Storage,
  compiled: CompiledSop,
  v: Omit<SopVersion, 'version' | 'hash' | 'document'>,
): Promise<SopVersion> {
  const store = calendarsOf(storage)
  const names = calendarsNamed(compiled.document)
  return storage.publishVersion({ ...v, hash: compiled.hash, document: compiled.document }, (version) =>
    store.pinLatest(v.sopId, version, names),
  )
}

/** Compiles a published SOP version with the calendar versions it pins. */
export function compilePinned(storage: Storage, v: SopVersion): CompiledSop {
  return compile(v.document, { sha256, calendars: calendarsOf(storage).pinned(v.sopId, v.version) })
}
